import { describe, expect, test } from '@jest/globals';
import { createLazyIntegrationMatchers } from '../../environment/lazyIntegrationMatchers';
import { createIntegrationMatchers } from '../../matchers';
import { ResourceTracker } from '../../src/ResourceTracker';

const lazy = createLazyIntegrationMatchers({ currentHandle: () => undefined });
expect.extend(lazy);

describe('the matchers the environment registers', () => {
  test('are every matcher of the package, by name', () => {
    expect(Object.keys(lazy).sort()).toEqual(Object.keys(createIntegrationMatchers()).sort());
  });

  test('pass and fail as the matchers themselves, with their messages', () => {
    const tracker = new ResourceTracker();
    tracker.trackResource('cache', 'tcp-server', 'server:4000');

    expect(tracker).not.toHaveReleasedResource('server:4000');
    expect(() => expect(tracker).toHaveNoLeakedResources()).toThrow(
      /Received: 1 active resource[\s\S]*tcp-server "server:4000" owned by "cache"/,
    );
    tracker.releaseResource('server:4000');
    expect(tracker).toHaveReleasedResource('server:4000');
    expect(tracker).toHaveNoLeakedResources();
  });
});

import { afterEach, describe, expect, test } from '@jest/globals';
import { registerIntegrationMatchers } from '../../matchers';
import { STATE_KEY } from '../../src/brand';
import { ErrorPropagation } from '../../src/ErrorPropagation';
import type { IntegrationHandle } from '../../src/IntegrationHandle';
import { ResourceTracker } from '../../src/ResourceTracker';
import { failureOf } from './failureOf';
import { integrationHandleOf } from './integrationHandleOf';

// The entry registers the matchers on the global `expect`, as `setupFilesAfterEnv` runs it.
import * as entry from '../../entry/matchers';

const published = globalThis as { [STATE_KEY]?: IntegrationHandle };

afterEach(() => {
  delete published[STATE_KEY];
});

describe('the jest-environment-integration/matchers entry', () => {
  test.each([
    'toHaveNoLeakedResources',
    'toHaveReleasedResource',
    'toCarryErrorContext',
    'toHavePropagatedThrough',
    'toHaveRecordedConfigChange',
  ])('registers %s on the global expect', (name) => {
    const globalExpect = (globalThis as { expect?: Record<string, unknown> }).expect;
    expect(typeof globalExpect?.[name]).toBe('function');
  });

  test('makes the matchers work on the global expect', () => {
    const tracker = new ResourceTracker();
    tracker.trackResource('cache', 'timer', 'poll');
    tracker.releaseResource('poll');
    expect(tracker).toHaveNoLeakedResources();
    expect(tracker).toHaveReleasedResource('poll');
  });

  test('exports the matchers and their factory', () => {
    expect(Object.keys(entry).sort()).toEqual([
      'createIntegrationMatchers',
      'createToCarryErrorContext',
      'currentHandleFromGlobal',
      'registerIntegrationMatchers',
      'toCarryErrorContext',
      'toHaveNoLeakedResources',
      'toHavePropagatedThrough',
      'toHaveRecordedConfigChange',
      'toHaveReleasedResource',
    ]);
  });

  test('finds the current test through the handle the environment publishes on the global object', () => {
    const errors = new ErrorPropagation();
    const error = new Error('connection reset');
    errors.captureCrossModuleError('db', 'cache.store', error, { operation: 'query' });
    published[STATE_KEY] = integrationHandleOf({ errors });
    expect(error).toCarryErrorContext({ source_module: 'db', operation: 'query' });
  });

  test('registers nothing, and says where to load it, when Jest has no expect to extend', () => {
    expect(failureOf(() => registerIntegrationMatchers(undefined))).toMatchInlineSnapshot(
      `"jest-environment-integration/matchers: Jest's \`expect\` was not found (received undefined). Load this module from \`setupFilesAfterEnv\` in your Jest configuration, not from \`setupFiles\` or outside Jest, or call \`expect.extend(createIntegrationMatchers())\` yourself."`,
    );
    expect(() => registerIntegrationMatchers({ extend: 'not a function' })).toThrow(
      expect.objectContaining({ name: 'IntegrationError', code: 'INVALID_STATE' }),
    );
  });
});

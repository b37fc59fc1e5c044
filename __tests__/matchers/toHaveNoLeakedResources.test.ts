import { beforeEach, describe, expect, jest, test } from '@jest/globals';
import path from 'node:path';
import vm from 'node:vm';
import { createIntegrationMatchers } from '../../matchers';
import { ConfigChangeObserver } from '../../src/ConfigChangeObserver';
import type { ResourceRecord } from '../../src/records';
import { ResourceTracker } from '../../src/ResourceTracker';
import { asyncFailureOf, failureOf } from './failureOf';
import { integrationHandleOf } from './integrationHandleOf';

let mockTime = 1_000;
jest.mock('../../src/clock', () => ({ now: () => mockTime }));

expect.extend(createIntegrationMatchers());

/** A creation stack as V8 writes it, in a file of the project under test. */
const cacheStack = [
  'Error: created here',
  `    at ResourceTracker.trackResource (${path.resolve('src/ResourceTracker.ts')}:40:11)`,
  `    at openCache (${path.resolve('lib/cache.ts')}:12:5)`,
  `    at Object.<anonymous> (${path.resolve('__tests__/cache.test.ts')}:8:3)`,
].join('\n');

let tracker: ResourceTracker;

beforeEach(() => {
  mockTime = 1_000;
  tracker = new ResourceTracker();
});

describe('toHaveNoLeakedResources passes', () => {
  test('when nothing was tracked', () => {
    expect(tracker).toHaveNoLeakedResources();
    expect(integrationHandleOf({ resources: tracker })).toHaveNoLeakedResources();
  });

  test('when every tracked resource was released', () => {
    tracker.trackResource('cache', 'fs-watcher', 'watch:/tmp/cache');
    tracker.trackResource('cache', 'timer', 'flush');
    tracker.releaseResource('flush');
    tracker.releaseResource('watch:/tmp/cache');
    expect(tracker).toHaveNoLeakedResources();
    expect(tracker).toHaveNoLeakedResources('cache');
  });

  test('for a module whose resources were released while another module leaks', () => {
    tracker.trackResource('cache', 'timer', 'flush');
    tracker.releaseResource('flush');
    tracker.trackResource('metrics', 'timer', 'report');
    expect(integrationHandleOf({ resources: tracker })).toHaveNoLeakedResources('cache');
    expect(tracker).toHaveNoLeakedResources('search');
  });

  test('for a tracker from another realm or package copy, recognised by its brand', () => {
    const foreign = vm.runInNewContext(`({
      verifyCleanup: () => [],
      getResourceState: () => undefined,
      getAllResources: () => [],
      [Symbol.for('jest-environment-integration.kind')]: 'ResourceTracker',
    })`) as unknown;
    expect(foreign).toHaveNoLeakedResources();
  });
});

describe('toHaveNoLeakedResources fails', () => {
  test('listing the one leaked resource with its age and creation site', () => {
    tracker.trackResource('cache', 'fs-watcher', 'watch:/tmp/cache', { stack: cacheStack });
    mockTime = 1_120;
    expect(failureOf(() => expect(tracker).toHaveNoLeakedResources())).toMatchInlineSnapshot(`
     "expect(received).toHaveNoLeakedResources()

     Expected: no active resources
     Received: 1 active resource

       - fs-watcher "watch:/tmp/cache" owned by "cache", open for 120 ms, created at lib/cache.ts:12:5

     Close each one before this assertion, or release it with \`integration.resources.releaseResource(id)\` if you tracked it by hand."
    `);
  });

  test('listing every leaked resource, of every module', () => {
    tracker.trackResource('cache', 'tcp-server', 'server:4000', {
      creation_site: 'lib/server.ts:3:14',
    });
    mockTime = 2_000;
    tracker.trackResource('metrics', 'timer', 'report');
    tracker.trackResource('cache', 'temp-dir', '/tmp/cache-1', {
      creation_stack: Object.assign(new Error('kept, formatted only now'), { stack: cacheStack }),
    });
    tracker.trackResource('cache', 'timer', 'flush');
    tracker.releaseResource('flush');
    mockTime = 3_500;
    expect(
      failureOf(() =>
        expect(integrationHandleOf({ resources: tracker })).toHaveNoLeakedResources(),
      ),
    ).toMatchInlineSnapshot(`
     "expect(received).toHaveNoLeakedResources()

     Expected: no active resources
     Received: 3 active resources

       - tcp-server "server:4000" owned by "cache", open for 2.5 s, created at lib/server.ts:3:14
       - timer "report" owned by "metrics", open for 1.5 s
       - temp-dir "/tmp/cache-1" owned by "cache", open for 1.5 s, created at lib/cache.ts:12:5

     Close each one before this assertion, or release it with \`integration.resources.releaseResource(id)\` if you tracked it by hand."
    `);
  });

  test('listing only the leaks of the given module', () => {
    tracker.trackResource('cache', 'tcp-server', 'server:4000');
    tracker.trackResource('metrics', 'timer', 'report');
    mockTime = 66_000;
    expect(failureOf(() => expect(tracker).toHaveNoLeakedResources('cache')))
      .toMatchInlineSnapshot(`
     "expect(received).toHaveNoLeakedResources(expected)

     Expected: no active resources owned by "cache"
     Received: 1 active resource

       - tcp-server "server:4000" owned by "cache", open for 1 min 5 s

     Close each one before this assertion, or release it with \`integration.resources.releaseResource(id)\` if you tracked it by hand."
    `);
  });

  test('with .not when nothing was tracked', () => {
    expect(failureOf(() => expect(tracker).not.toHaveNoLeakedResources())).toMatchInlineSnapshot(`
     "expect(received).not.toHaveNoLeakedResources()

     Expected: at least one active resource
     Received: none tracked"
    `);
  });

  test('with .not when every resource of the module was released', () => {
    tracker.trackResource('cache', 'timer', 'flush');
    tracker.trackResource('cache', 'timer', 'evict');
    tracker.releaseResource('flush');
    tracker.releaseResource('evict');
    tracker.trackResource('metrics', 'timer', 'report');
    expect(failureOf(() => expect(tracker).not.toHaveNoLeakedResources('cache')))
      .toMatchInlineSnapshot(`
     "expect(received).not.toHaveNoLeakedResources(expected)

     Expected: at least one active resource owned by "cache"
     Received: none (two resources tracked, all released)"
    `);
  });

  test('after .resolves, naming the modifier', async () => {
    tracker.trackResource('cache', 'timer', 'flush');
    const message = await asyncFailureOf(() =>
      expect(Promise.resolve(tracker)).resolves.toHaveNoLeakedResources(),
    );
    expect(message.split('\n')[0]).toBe('expect(received).resolves.toHaveNoLeakedResources()');
  });
});

describe('toHaveNoLeakedResources with .not passes', () => {
  test('when a resource is still active', () => {
    tracker.trackResource('cache', 'timer', 'flush');
    expect(tracker).not.toHaveNoLeakedResources();
    expect(tracker).not.toHaveNoLeakedResources('cache');
  });
});

describe('toHaveNoLeakedResources used wrongly throws a matcher error', () => {
  test('for a receiver that is not ours, naming it', () => {
    expect(failureOf(() => expect(new ConfigChangeObserver()).toHaveNoLeakedResources()))
      .toMatchInlineSnapshot(`
     "expect(received).toHaveNoLeakedResources()

     Matcher error: received value must be \`integration\` or a ResourceTracker, not a ConfigChangeObserver

     Received has type:  object
     Received has value: {}"
    `);
  });

  test.each([
    ['a list of records', () => tracker.getAllResources()],
    ['an object with the same methods but no brand', () => ({ verifyCleanup: () => [] })],
    [
      'a handle whose resources are not a tracker',
      () => Object.assign(integrationHandleOf(), { resources: {} }),
    ],
    ['null', () => null],
  ])('for a receiver that is %s', (_, received) => {
    expect(failureOf(() => expect(received()).toHaveNoLeakedResources())).toContain(
      'Matcher error: received value must be `integration` or a ResourceTracker',
    );
  });

  test('for a module that is not a string, naming it', () => {
    expect(failureOf(() => expect(tracker).toHaveNoLeakedResources(42 as unknown as string)))
      .toMatchInlineSnapshot(`
     "expect(received).toHaveNoLeakedResources(expected)

     Matcher error: expected value must be a non-empty module name or undefined

     Expected has type:  number
     Expected has value: 42"
    `);
  });

  test('for an empty module name', () => {
    expect(failureOf(() => expect(tracker).toHaveNoLeakedResources(''))).toContain(
      'Matcher error: expected value must be a non-empty module name or undefined',
    );
  });
});

describe('toHaveNoLeakedResources as an asymmetric matcher', () => {
  test('matches a tracker inside another value', () => {
    tracker.trackResource('metrics', 'timer', 'report');
    expect({ module: 'cache', tracker }).toEqual({
      module: 'cache',
      tracker: expect.toHaveNoLeakedResources('cache'),
    });
    expect({ tracker }).toEqual({ tracker: expect.not.toHaveNoLeakedResources('metrics') });
  });
});

/** Records are read, never changed: a failed assertion leaves the tracker as it was. */
test('toHaveNoLeakedResources changes nothing in the tracker', () => {
  tracker.trackResource('cache', 'timer', 'flush');
  const before: ResourceRecord[] = tracker.getAllResources();
  failureOf(() => expect(tracker).toHaveNoLeakedResources());
  expect(tracker.getAllResources()).toEqual(before);
});

import { beforeEach, describe, expect, jest, test } from '@jest/globals';
import { createIntegrationMatchers } from '../../matchers';
import { ErrorPropagation } from '../../src/ErrorPropagation';
import { ResourceTracker } from '../../src/ResourceTracker';
import { failureOf } from './failureOf';
import { integrationHandleOf } from './integrationHandleOf';

let mockTime = 1_000;
jest.mock('../../src/clock', () => ({ now: () => mockTime }));

expect.extend(createIntegrationMatchers());

let tracker: ResourceTracker;

beforeEach(() => {
  mockTime = 1_000;
  tracker = new ResourceTracker();
  tracker.trackResource('cache', 'tcp-server', 'server:4000', {
    creation_site: 'lib/server.ts:3:14',
  });
  tracker.trackResource('cache', 'fs-watcher', 'watch:/tmp/cache');
  mockTime = 1_250;
  tracker.releaseResource('watch:/tmp/cache');
});

describe('toHaveReleasedResource passes', () => {
  test('for a resource that was released', () => {
    expect(tracker).toHaveReleasedResource('watch:/tmp/cache');
    expect(integrationHandleOf({ resources: tracker })).toHaveReleasedResource('watch:/tmp/cache');
  });

  test('for a resource released, tracked again and released again', () => {
    tracker.trackResource('cache', 'fs-watcher', 'watch:/tmp/cache');
    tracker.releaseResource('watch:/tmp/cache');
    expect(tracker).toHaveReleasedResource('watch:/tmp/cache');
  });
});

describe('toHaveReleasedResource with .not passes', () => {
  test('for a resource still active', () => {
    expect(tracker).not.toHaveReleasedResource('server:4000');
  });

  test('for an id never tracked', () => {
    expect(tracker).not.toHaveReleasedResource('server:5000');
  });

  test('for an id tracked again after its release', () => {
    tracker.trackResource('cache', 'fs-watcher', 'watch:/tmp/cache');
    expect(tracker).not.toHaveReleasedResource('watch:/tmp/cache');
  });
});

describe('toHaveReleasedResource fails', () => {
  test('for a resource still active, saying who owns it and since when', () => {
    mockTime = 4_000;
    expect(failureOf(() => expect(tracker).toHaveReleasedResource('server:4000')))
      .toMatchInlineSnapshot(`
     "expect(received).toHaveReleasedResource(expected)

     Expected: resource "server:4000" released
     Received: still active: tcp-server "server:4000" owned by "cache", open for 3 s, created at lib/server.ts:3:14"
    `);
  });

  test('for an id never tracked, listing the ids that were', () => {
    expect(failureOf(() => expect(tracker).toHaveReleasedResource('server:5000')))
      .toMatchInlineSnapshot(`
     "expect(received).toHaveReleasedResource(expected)

     Expected: resource "server:5000" released
     Received: no resource with this id was tracked

     Tracked ids: "watch:/tmp/cache", "server:4000""
    `);
  });

  test('for an id never tracked, when nothing was', () => {
    expect(failureOf(() => expect(new ResourceTracker()).toHaveReleasedResource('server:5000')))
      .toMatchInlineSnapshot(`
     "expect(received).toHaveReleasedResource(expected)

     Expected: resource "server:5000" released
     Received: no resource with this id was tracked, nor any other"
    `);
  });

  test('for an id never tracked, listing at most ten ids', () => {
    for (let index = 0; index < 12; index += 1) {
      tracker.trackResource('pool', 'socket', `socket:${index}`);
    }
    expect(failureOf(() => expect(tracker).toHaveReleasedResource('socket:99'))).toContain(
      '"socket:7", and 4 more',
    );
  });

  test('with .not for a released resource, saying how long it lived', () => {
    expect(failureOf(() => expect(tracker).not.toHaveReleasedResource('watch:/tmp/cache')))
      .toMatchInlineSnapshot(`
     "expect(received).not.toHaveReleasedResource(expected)

     Expected: resource "watch:/tmp/cache" not released
     Received: released after 250 ms (fs-watcher owned by "cache")"
    `);
  });
});

describe('toHaveReleasedResource used wrongly throws a matcher error', () => {
  test('for a receiver that is not ours, naming it', () => {
    expect(failureOf(() => expect(new ErrorPropagation()).toHaveReleasedResource('server:4000')))
      .toMatchInlineSnapshot(`
     "expect(received).toHaveReleasedResource(expected)

     Matcher error: received value must be \`integration\` or a ResourceTracker, not an ErrorPropagation

     Received has type:  object
     Received has value: {}"
    `);
  });

  test('for an empty id, naming it', () => {
    expect(failureOf(() => expect(tracker).toHaveReleasedResource(''))).toMatchInlineSnapshot(`
     "expect(received).toHaveReleasedResource(expected)

     Matcher error: expected value must be a non-empty resource id

     Expected has type:  string
     Expected has value: """
    `);
  });

  test.each([
    ['a number', 4000],
    ['undefined', undefined],
    ['a record', { resource_id: 'server:4000' }],
  ])('for an id that is %s', (_, id) => {
    expect(
      failureOf(() => expect(tracker).toHaveReleasedResource(id as unknown as string)),
    ).toContain('Matcher error: expected value must be a non-empty resource id');
  });
});

describe('toHaveReleasedResource as an asymmetric matcher', () => {
  test('matches a tracker inside another value', () => {
    expect([tracker]).toEqual([expect.toHaveReleasedResource('watch:/tmp/cache')]);
    expect([tracker]).toEqual([expect.not.toHaveReleasedResource('server:4000')]);
  });
});

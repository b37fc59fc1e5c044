import { describe, expect, test } from '@jest/globals';
import { relative } from 'node:path';
import timers from 'node:timers';
import { promisify } from 'node:util';
import type { CreationStack } from '../../src/autoTrack';
import { isErrorLike } from '../../src/isErrorLike';
import { toJSONSafe } from '../../src/toJSONSafe';
import { installWithTracker, originals, sleep, until, useAutoTrackScope } from './autoTrackScope';

const scope = useAutoTrackScope();

type TimerKind = 'timer' | 'interval' | 'immediate';

const creators: [
  TimerKind,
  string,
  (callback: () => void) => unknown,
  (handle: unknown) => void,
][] = [
  [
    'timer',
    'setTimeout',
    (callback) => setTimeout(callback, 5),
    (handle) => clearTimeout(handle as NodeJS.Timeout),
  ],
  [
    'interval',
    'setInterval',
    (callback) => setInterval(callback, 5),
    (handle) => clearInterval(handle as NodeJS.Timeout),
  ],
  [
    'immediate',
    'setImmediate',
    (callback) => setImmediate(callback),
    (handle) => clearImmediate(handle as NodeJS.Immediate),
  ],
  [
    'timer',
    'timers.setTimeout',
    (callback) => timers.setTimeout(callback, 5),
    (handle) => timers.clearTimeout(handle as NodeJS.Timeout),
  ],
];

describe.each(creators)('a %s created by %s', (kind, _name, create, clear) => {
  test('is recorded in the active scope, owned by the module that created it', () => {
    const tracker = scope.enter();
    const handle = create(() => {});
    expect(scope.records(tracker)).toEqual([
      { resource_type: kind, owner_module: 'autoTrack.timers', state: 'active' },
    ]);
    clear(handle);
  });

  test('is released when cleared', () => {
    const tracker = scope.enter();
    clear(create(() => {}));
    expect(scope.records(tracker)).toEqual([
      { resource_type: kind, owner_module: 'autoTrack.timers', state: 'released' },
    ]);
  });

  test('is really cleared by closeLeaked, so its callback never runs', async () => {
    const tracker = scope.enter();
    let calls = 0;
    create(() => {
      calls += 1;
    });
    const closed = await tracker.closeLeaked();
    await sleep(20);
    expect(closed.map((record) => record.metadata.closed_by)).toEqual(['environment']);
    expect(calls).toBe(0);
  });

  test('is not recorded when no scope is active', () => {
    const tracker = scope.enter();
    scope.exit();
    clear(create(() => {}));
    expect(tracker.getAllResources()).toEqual([]);
  });
});

test('a timer that fired is released, an interval that fired is not', async () => {
  const tracker = scope.enter();
  let ticks = 0;
  setTimeout(() => {}, 1);
  const interval = setInterval(() => {
    ticks += 1;
  }, 1);
  await until(() => ticks >= 2);
  expect(scope.records(tracker)).toEqual([
    { resource_type: 'timer', owner_module: 'autoTrack.timers', state: 'released' },
    { resource_type: 'interval', owner_module: 'autoTrack.timers', state: 'active' },
  ]);
  clearInterval(interval);
  expect(tracker.verifyCleanup()).toEqual([]);
});

test('an immediate that ran is released', async () => {
  const tracker = scope.enter();
  await new Promise((resolve) => setImmediate(resolve));
  expect(scope.records(tracker)).toEqual([
    { resource_type: 'immediate', owner_module: 'autoTrack.timers', state: 'released' },
  ]);
});

test('a timer cleared by its numeric id is released', () => {
  const tracker = scope.enter();
  const timer = setTimeout(() => {}, 50);
  clearTimeout(+timer);
  expect(tracker.verifyCleanup()).toEqual([]);
});

test('a timer closed with timeout.close() is released by the next sweep', () => {
  const tracker = scope.enter();
  setTimeout(() => {}, 50).close();
  expect(tracker.verifyCleanup()).toHaveLength(1);
  scope.autoTracking.sweep();
  expect(tracker.verifyCleanup()).toEqual([]);
});

test('a timer carries its delay and where it was created, formatted only when read', () => {
  const tracker = scope.enter();
  const previous = Error.prepareStackTrace;
  let formatted = 0;
  Error.prepareStackTrace = (error, callSites) => {
    formatted += 1;
    return `${String(error)}\n${callSites.map((callSite) => `    at ${String(callSite)}`).join('\n')}`;
  };
  let stack: CreationStack;
  try {
    clearTimeout(setTimeout(() => {}, 25));
    stack = tracker.getAllResources()[0]?.metadata.creation_stack as CreationStack;
    expect(formatted).toBe(0);
    expect(stack.frames[0]).toMatchObject({
      file: relative(process.cwd(), __filename),
      function: expect.stringContaining('Object'),
    });
    expect(formatted).toBe(1);
  } finally {
    Error.prepareStackTrace = previous;
  }
  expect(tracker.getAllResources()[0]?.metadata).toMatchObject({
    delay_ms: 25,
    auto_tracked: true,
  });
  expect(stack.stack).toMatch(
    /^CreationStack: timer created here\n {4}at .*timers\.test\.ts:\d+:\d+\)$/m,
  );
  expect(isErrorLike(stack)).toBe(true);
  const serialized = {
    name: 'CreationStack',
    message: 'timer created here',
    stack: stack.stack,
    cause: null,
  };
  expect(toJSONSafe(stack)).toEqual(serialized);
  expect(JSON.parse(JSON.stringify(tracker.getAllResources()[0])).metadata.creation_stack).toEqual({
    name: 'CreationStack',
    message: 'timer created here',
    stack: stack.stack,
    cause: null,
  });
});

test('only the kinds asked for are tracked', () => {
  scope.autoTracking.uninstall();
  const { tracker, autoTracking } = installWithTracker({ kinds: ['interval'] });
  try {
    clearTimeout(setTimeout(() => {}, 5));
    clearInterval(setInterval(() => {}, 5));
    expect(tracker.getAllResources().map((record) => record.resource_type)).toEqual(['interval']);
  } finally {
    autoTracking.uninstall();
  }
});

test("an unref'd timer is ignored at the verdict by default", () => {
  const tracker = scope.enter();
  const timer = setTimeout(() => {}, 50);
  const [record] = tracker.verifyCleanup();
  expect(scope.autoTracking.isIgnored(record!)).toBe(false);
  expect(scope.autoTracking.describe(record!)).toEqual({ ref: true });
  timer.unref();
  expect(scope.autoTracking.isIgnored(record!)).toBe(true);
  expect(scope.autoTracking.describe(record!)).toEqual({ ref: false });
  clearTimeout(timer);
  expect(scope.autoTracking.isIgnored(record!)).toBe(false);
  expect(scope.autoTracking.describe(record!)).toBeUndefined();
});

test("an unref'd timer is reported with unref: 'report'", () => {
  scope.autoTracking.uninstall();
  const { tracker, autoTracking } = installWithTracker({ unref: 'report' });
  try {
    const timer = setTimeout(() => {}, 50).unref();
    const [record] = tracker.verifyCleanup();
    expect(autoTracking.isIgnored(record!)).toBe(false);
    expect(autoTracking.describe(record!)).toEqual({ ref: false });
    clearTimeout(timer);
  } finally {
    autoTracking.uninstall();
  }
});

test('the wrappers look like the functions they wrap', () => {
  expect(globalThis.setTimeout).not.toBe(originals.setTimeout);
  expect([setTimeout.name, setTimeout.length]).toEqual(['setTimeout', 5]);
  expect([setImmediate.name, setImmediate.length]).toEqual(['setImmediate', 4]);
  expect([clearTimeout.name, clearTimeout.length]).toEqual(['clearTimeout', 1]);
  expect([timers.setInterval.name, timers.setInterval.length]).toEqual(['setInterval', 5]);
  expect(promisify(setTimeout)).toBe(promisify(originals.setTimeout));
});

test("uninstall puts the realm's and Node's own functions back, and may be called twice", () => {
  scope.autoTracking.uninstall();
  expect(globalThis.setTimeout).toBe(originals.setTimeout);
  expect(timers.setTimeout).toBe(originals.timersSetTimeout);
  expect(() => scope.autoTracking.uninstall()).not.toThrow();
});

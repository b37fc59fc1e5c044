import { describe, expect, test } from '@jest/globals';
import { AUTO_TRACK_KINDS, installAutoTracking, resolveAutoTrackOption } from '../../src/autoTrack';
import type { AutoTrackingOptions } from '../../src/autoTrack';
import { IntegrationError } from '../../src/IntegrationError';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (IntegrationError.is(error)) {
      return `${error.code}: ${error.message}`;
    }
    throw error;
  }
  throw new Error('expected an IntegrationError');
}

describe('resolveAutoTrackOption', () => {
  test.each([
    ['left out', undefined, [...AUTO_TRACK_KINDS], 'ignore'],
    ['true', true, [...AUTO_TRACK_KINDS], 'ignore'],
    ['false', false, [], 'ignore'],
    ['a list of kinds', ['timer', 'tcp-server'], ['timer', 'tcp-server'], 'ignore'],
    ['an empty list', [], [], 'ignore'],
    [
      'an object with kinds and unref',
      { kinds: ['interval'], unref: 'report' },
      ['interval'],
      'report',
    ],
    ['an object with unref only', { unref: 'report' }, [...AUTO_TRACK_KINDS], 'report'],
    ['an object with kinds: false', { kinds: false }, [], 'ignore'],
  ])('accepts %s', (_name, value, kinds, unref) => {
    const settings = resolveAutoTrackOption(value);
    expect([...settings.kinds]).toEqual(kinds);
    expect(settings.unref).toBe(unref);
  });

  test('refuses a value of the wrong type, naming the accepted values', () => {
    expect(messageOf(() => resolveAutoTrackOption('yes'))).toMatchInlineSnapshot(
      `"INVALID_OPTION: testEnvironmentOptions.integration: \`autoTrack\` must be true, false, a list of kinds or an object { kinds, unref }, but received string 'yes'. Pass e.g. \`autoTrack: ['timer', 'tcp-server']\`; the kinds are 'timer', 'interval', 'immediate', 'http-server', 'tcp-server', 'pipe-server', 'socket', 'udp-socket', 'child-process', 'worker', 'fs-watcher', 'fs-stat-watcher', 'file-handle', 'message-port'."`,
    );
  });

  test('refuses unknown kinds, listing the known ones', () => {
    expect(
      messageOf(() => resolveAutoTrackOption(['timers', 'tcp-server', 42])),
    ).toMatchInlineSnapshot(
      `"INVALID_OPTION: testEnvironmentOptions.integration: \`autoTrack\` lists unknown kinds string 'timers', number 42. Pass kinds from 'timer', 'interval', 'immediate', 'http-server', 'tcp-server', 'pipe-server', 'socket', 'udp-socket', 'child-process', 'worker', 'fs-watcher', 'fs-stat-watcher', 'file-handle', 'message-port'."`,
    );
  });

  test('refuses unknown keys and wrong values in the object form', () => {
    expect(messageOf(() => resolveAutoTrackOption({ kind: ['timer'] }))).toMatchInlineSnapshot(
      `"INVALID_OPTION: testEnvironmentOptions.integration: \`autoTrack\` has unknown key \`kind\`. Pass an object with \`kinds\` and/or \`unref\` only."`,
    );
    expect(messageOf(() => resolveAutoTrackOption({ unref: 'skip' }))).toMatchInlineSnapshot(
      `"INVALID_OPTION: testEnvironmentOptions.integration: \`autoTrack\` \`unref\` must be 'ignore' or 'report', but received string 'skip'. Pass 'report' to report unref'd handles that are still open, 'ignore' (the default) not to."`,
    );
    expect(messageOf(() => resolveAutoTrackOption({ kinds: 'timer' }))).toMatchInlineSnapshot(
      `"INVALID_OPTION: testEnvironmentOptions.integration: \`autoTrack\` \`kinds\` must be true, false or a list of kinds, but received string 'timer'. Pass e.g. \`kinds: ['timer', 'interval']\`; the kinds are 'timer', 'interval', 'immediate', 'http-server', 'tcp-server', 'pipe-server', 'socket', 'udp-socket', 'child-process', 'worker', 'fs-watcher', 'fs-stat-watcher', 'file-handle', 'message-port'."`,
    );
    expect(
      messageOf(() => resolveAutoTrackOption({ kinds: ['timer', 'sockets'] })),
    ).toMatchInlineSnapshot(
      `"INVALID_OPTION: testEnvironmentOptions.integration: \`autoTrack.kinds\` lists unknown kind string 'sockets'. Pass kinds from 'timer', 'interval', 'immediate', 'http-server', 'tcp-server', 'pipe-server', 'socket', 'udp-socket', 'child-process', 'worker', 'fs-watcher', 'fs-stat-watcher', 'file-handle', 'message-port'."`,
    );
  });
});

describe('installAutoTracking', () => {
  const valid: AutoTrackingOptions = {
    currentTracker: () => undefined,
    moduleForFile: () => 'module',
  };

  test.each([
    [
      'no options',
      undefined,
      'INVALID_ARGUMENT: installAutoTracking(options): `options` must be an object, but received undefined. Pass { currentTracker, moduleForFile, realmGlobal? }.',
    ],
    [
      'no currentTracker',
      { ...valid, currentTracker: undefined },
      "INVALID_ARGUMENT: installAutoTracking(options): `currentTracker` must be a function, but received undefined. Pass a function returning the running scope's ResourceTracker.",
    ],
    [
      'a moduleForFile that is not a function',
      { ...valid, moduleForFile: 'cache' },
      "INVALID_ARGUMENT: installAutoTracking(options): `moduleForFile` must be a function, but received string 'cache'. Pass a function mapping a file path to a module name.",
    ],
    [
      'an isUserFile that is not a function',
      { ...valid, isUserFile: /src/ },
      "INVALID_ARGUMENT: installAutoTracking(options): `isUserFile` must be a function, but received object /src/. Pass a function telling whether a file is the user's code.",
    ],
    [
      'a realmGlobal that is not an object',
      { ...valid, realmGlobal: 'global' },
      "INVALID_ARGUMENT: installAutoTracking(options): `realmGlobal` must be an object, but received string 'global'. Pass the test environment's `global`.",
    ],
    [
      'an unknown kind',
      { ...valid, kinds: ['timer', 'thread'] },
      "INVALID_ARGUMENT: installAutoTracking(options): `kinds` must list kinds from 'timer', 'interval', 'immediate', 'http-server', 'tcp-server', 'pipe-server', 'socket', 'udp-socket', 'child-process', 'worker', 'fs-watcher', 'fs-stat-watcher', 'file-handle', 'message-port', but received array [ 'timer', 'thread' ]. Pass the `kinds` of resolveAutoTrackOption(option).",
    ],
    [
      'kinds that are not a list',
      { ...valid, kinds: 'timer' },
      "INVALID_ARGUMENT: installAutoTracking(options): `kinds` must list kinds from 'timer', 'interval', 'immediate', 'http-server', 'tcp-server', 'pipe-server', 'socket', 'udp-socket', 'child-process', 'worker', 'fs-watcher', 'fs-stat-watcher', 'file-handle', 'message-port', but received string 'timer'. Pass the `kinds` of resolveAutoTrackOption(option).",
    ],
    [
      'an unknown unref policy',
      { ...valid, unref: 'hide' },
      "INVALID_ARGUMENT: installAutoTracking(options): `unref` must be 'ignore' or 'report', but received string 'hide'. Pass the `unref` of resolveAutoTrackOption(option).",
    ],
    [
      'a stackTraceLimit of 0',
      { ...valid, stackTraceLimit: 0 },
      'INVALID_ARGUMENT: installAutoTracking(options): `stackTraceLimit` must be a positive integer, but received number 0. Pass e.g. 20.',
    ],
  ])('refuses %s, and installs nothing', (_name, options, message) => {
    const before = globalThis.setTimeout;
    expect(messageOf(() => installAutoTracking(options as AutoTrackingOptions))).toBe(message);
    expect(globalThis.setTimeout).toBe(before);
  });
});

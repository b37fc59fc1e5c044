import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { CreationStack } from '../../src/autoTrack';
import { installWithTracker, until, useAutoTrackScope } from './autoTrackScope';

const scope = useAutoTrackScope();

type Create = (callback?: () => void) => unknown;

let root: string;

/** Writes a CommonJS module under a fake `node_modules/<packagePath>` and loads it. */
function fakePackageModule(packagePath: string, source: string): Record<string, Create> {
  const file = join(root, 'node_modules', packagePath);
  fs.mkdirSync(join(file, '..'), { recursive: true });
  fs.writeFileSync(file, source);
  // A file written at run time can only be loaded with require.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as Record<string, Create>;
}

const LIBRARY_SOURCE = `
const net = require('node:net');
exports.timer = (callback) => setTimeout(callback || (() => {}), 5);
exports.server = () => net.createServer().listen(0, '127.0.0.1');
exports.later = (callback) => process.nextTick(() => callback(setTimeout(() => {}, 5)));
`;

beforeAll(() => {
  root = fs.mkdtempSync(join(tmpdir(), 'autotrack-attribution-'));
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('across async hops', () => {
  test('a timer callback runs in the scope that created the timer, even after that scope ended', async () => {
    const first = scope.enter();
    let server: net.Server | undefined;
    setTimeout(() => {
      server = net.createServer().listen(0, '127.0.0.1');
    }, 5);
    const second = scope.enter();
    await until(() => server !== undefined);
    expect(first.getAllResources().map((record) => [record.resource_type, record.state])).toEqual([
      ['timer', 'released'],
      ['tcp-server', 'active'],
    ]);
    expect(second.getAllResources()).toEqual([]);
    server?.close();
  });

  test('an interval callback runs in the scope that created the interval, every time', async () => {
    const first = scope.enter();
    let ticks = 0;
    const interval = setInterval(() => {
      ticks += 1;
      clearTimeout(setTimeout(() => {}, 50));
    }, 2);
    const second = scope.enter();
    await until(() => ticks >= 2);
    clearInterval(interval);
    expect(first.getAllResources({ type: 'timer' }).length).toBeGreaterThanOrEqual(2);
    expect(second.getAllResources()).toEqual([]);
  });

  test('without a timer in between, what runs later belongs to the scope running then', async () => {
    scope.enter();
    const later = new Promise<void>((resolve) => process.nextTick(resolve));
    const second = scope.enter();
    await later;
    clearTimeout(setTimeout(() => {}, 5));
    expect(second.getAllResources({ type: 'timer' })).toHaveLength(1);
  });
});

describe('what is never tracked', () => {
  test.each([
    ['jest-circus', 'jest-circus/build/utils.js'],
    ['jest-runtime', 'jest-runtime/build/index.js'],
    ['@jest/core', '@jest/core/build/index.js'],
    ['ts-jest', 'ts-jest/dist/index.js'],
    ['@sinonjs/fake-timers', '@sinonjs/fake-timers/src/fake-timers-src.js'],
  ])(
    "a handle %s creates itself (its first frame outside Node is Jest's)",
    async (_name, packagePath) => {
      const tracker = scope.enter();
      const jest = fakePackageModule(packagePath, LIBRARY_SOURCE);
      clearTimeout(jest.timer!() as NodeJS.Timeout);
      const server = jest.server!() as net.Server;
      await once(server, 'listening');
      server.close();
      expect(tracker.getAllResources()).toEqual([]);
    },
  );

  test('a handle created while no scope is active', () => {
    const tracker = scope.enter();
    scope.exit();
    clearTimeout(setTimeout(() => {}, 5));
    expect(tracker.getAllResources()).toEqual([]);
  });

  test('a handle created while the current tracker cannot be read', () => {
    scope.autoTracking.uninstall();
    const { autoTracking } = installWithTracker({
      currentTracker: () => {
        throw new Error('no scope');
      },
    });
    try {
      let fired = false;
      const timer = setTimeout(() => (fired = true), 1);
      expect(typeof timer.ref).toBe('function');
      clearTimeout(timer);
      expect(fired).toBe(false);
    } finally {
      autoTracking.uninstall();
    }
  });

  test('a handle the tracker refuses, which still works as usual', async () => {
    const tracker = scope.enter();
    tracker.trackResource = () => {
      throw new Error('refused');
    };
    let fired = false;
    setTimeout(() => (fired = true), 1);
    await until(() => fired);
  });
});

describe('the owner module', () => {
  test('is the module of the first frame in user code, the creation stack starting there', () => {
    const tracker = scope.enter();
    const library = fakePackageModule('some-library/index.js', LIBRARY_SOURCE);
    clearTimeout(library.timer!() as NodeJS.Timeout);
    const [record] = tracker.getAllResources();
    expect(record?.owner_module).toBe('autoTrack.attribution');
    const stack = record?.metadata.creation_stack as CreationStack;
    expect(stack.frames[0]?.file).toBe(relative(process.cwd(), __filename));
  });

  test('is found below a library that calls fifteen frames deep before creating the handle', () => {
    const tracker = scope.enter();
    const library = fakePackageModule(
      'deep-library/index.js',
      `exports.timer = function nest(depth = 15) {
        return depth === 0 ? setTimeout(() => {}, 5) : nest(depth - 1);
      };`,
    );
    clearTimeout(library.timer!() as NodeJS.Timeout);
    const [record] = tracker.getAllResources();
    expect(record?.owner_module).toBe('autoTrack.attribution');
    const stack = record?.metadata.creation_stack as CreationStack;
    expect(stack.frames[0]?.file).toBe(relative(process.cwd(), __filename));
  });

  test('is the npm package when no frame is in user code', async () => {
    const tracker = scope.enter();
    const library = fakePackageModule('@scope/deferred/index.js', LIBRARY_SOURCE);
    const timer = await new Promise<NodeJS.Timeout>((resolve) =>
      library.later!(resolve as () => void),
    );
    clearTimeout(timer);
    expect(tracker.getAllResources().map((record) => record.owner_module)).toEqual([
      '@scope/deferred',
    ]);
  });

  test('follows the moduleForFile mapping, once per file', () => {
    scope.autoTracking.uninstall();
    const files: string[] = [];
    const { tracker, autoTracking } = installWithTracker({
      moduleForFile: (file) => {
        files.push(file);
        return 'mapped.module';
      },
    });
    try {
      clearTimeout(setTimeout(() => {}, 5));
      clearTimeout(setTimeout(() => {}, 5));
      expect(tracker.getAllResources().map((record) => record.owner_module)).toEqual([
        'mapped.module',
        'mapped.module',
      ]);
      expect(files).toEqual([__filename]);
    } finally {
      autoTracking.uninstall();
    }
  });

  test.each([
    [
      'throws',
      () => {
        throw new Error('no mapping');
      },
    ],
    ['returns an empty name', () => ''],
  ])("is 'unknown' when moduleForFile %s", (_name, moduleForFile) => {
    scope.autoTracking.uninstall();
    const { tracker, autoTracking } = installWithTracker({ moduleForFile });
    try {
      clearTimeout(setTimeout(() => {}, 5));
      expect(tracker.getAllResources().map((record) => record.owner_module)).toEqual(['unknown']);
    } finally {
      autoTracking.uninstall();
    }
  });

  test('skips the files isUserFile rejects', () => {
    scope.autoTracking.uninstall();
    const library = fakePackageModule('vendored/index.js', LIBRARY_SOURCE);
    const { tracker, autoTracking } = installWithTracker({
      isUserFile: (file) => file.includes('node_modules/vendored'),
      moduleForFile: () => 'vendored',
    });
    try {
      clearTimeout(library.timer!() as NodeJS.Timeout);
      expect(tracker.getAllResources().map((record) => record.owner_module)).toEqual(['vendored']);
    } finally {
      autoTracking.uninstall();
    }
  });
});

test('a handle seen by two installations (two copies of the package) is recorded once', () => {
  const tracker = scope.enter();
  const second = installWithTracker({ currentTracker: () => tracker });
  try {
    clearTimeout(setTimeout(() => {}, 5));
    const server = net.createServer().listen(0, '127.0.0.1');
    server.close();
    expect(tracker.getAllResources().map((record) => record.resource_type)).toEqual([
      'timer',
      'tcp-server',
    ]);
  } finally {
    second.autoTracking.uninstall();
  }
});

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { once } from 'node:events';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until, useAutoTrackScope } from './autoTrackScope';

const scope = useAutoTrackScope();

let directory: string;
let file: string;

beforeAll(() => {
  directory = fs.mkdtempSync(join(tmpdir(), 'autotrack-files-'));
  file = join(directory, 'watched.txt');
  fs.writeFileSync(file, 'first');
});

afterAll(() => {
  fs.rmSync(directory, { recursive: true, force: true });
});

describe('an fs.watch watcher', () => {
  test('is recorded with its path, and released when closed', async () => {
    const tracker = scope.enter();
    const watcher = fs.watch(directory);
    expect(scope.records(tracker)).toEqual([
      { resource_type: 'fs-watcher', owner_module: 'autoTrack.files', state: 'active' },
    ]);
    expect(tracker.getAllResources()[0]?.metadata).toMatchObject({ path: directory });
    watcher.close();
    await until(() => tracker.verifyCleanup().length === 0);
  });

  test('is really closed by closeLeaked', async () => {
    const tracker = scope.enter();
    const watcher = fs.watch(directory);
    const closed = once(watcher, 'close');
    await tracker.closeLeaked();
    await closed;
  });
});

describe('an fs.watchFile watcher', () => {
  test('is recorded once per file, and released when the file is unwatched', async () => {
    const tracker = scope.enter();
    const listener = (): void => {};
    fs.watchFile(file, { interval: 20 }, listener);
    fs.watchFile(file, { interval: 20 }, () => {});
    expect(scope.records(tracker)).toEqual([
      { resource_type: 'fs-stat-watcher', owner_module: 'autoTrack.files', state: 'active' },
    ]);
    fs.unwatchFile(file, listener);
    expect(tracker.verifyCleanup()).toHaveLength(1);
    fs.unwatchFile(file);
    await until(() => tracker.verifyCleanup().length === 0);
  });

  test('is really stopped by closeLeaked, and the file can be watched again', async () => {
    const tracker = scope.enter();
    const watcher = fs.watchFile(file, { interval: 20 }, () => {});
    const stopped = once(watcher, 'stop');
    await tracker.closeLeaked();
    await stopped;
    const again = scope.enter();
    let changes = 0;
    fs.watchFile(file, { interval: 20 }, () => (changes += 1));
    // The watcher's first stat may see a write made right away as the starting state.
    await until(() => {
      fs.writeFileSync(file, `content ${Date.now()} ${Math.random()}`);
      return changes > 0;
    });
    fs.unwatchFile(file);
    await until(() => again.verifyCleanup().length === 0);
  });
});

describe('a file handle from fs.promises.open', () => {
  test('is recorded with its path, and released when closed', async () => {
    const tracker = scope.enter();
    const handle = await fs.promises.open(file);
    expect(scope.records(tracker)).toEqual([
      { resource_type: 'file-handle', owner_module: 'autoTrack.files', state: 'active' },
    ]);
    expect(tracker.getAllResources()[0]?.metadata).toMatchObject({ path: file });
    await handle.close();
    expect(tracker.verifyCleanup()).toEqual([]);
  });

  test('is really closed by closeLeaked', async () => {
    const tracker = scope.enter();
    const handle = await fs.promises.open(file);
    await tracker.closeLeaked();
    expect(handle.fd).toBe(-1);
  });

  test('that fails to open rejects as before, and records nothing', async () => {
    const tracker = scope.enter();
    await expect(fs.promises.open(join(directory, 'missing.txt'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(tracker.getAllResources()).toEqual([]);
  });

  test('opened outside any scope is not recorded', async () => {
    const tracker = scope.enter();
    scope.exit();
    const handle = await fs.promises.open(file);
    await handle.close();
    expect(tracker.getAllResources()).toEqual([]);
  });
});

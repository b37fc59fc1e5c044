import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import childProcess from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel as ImportedMessageChannel, Worker } from 'node:worker_threads';
import { until, useAutoTrackScope } from './autoTrackScope';

const scope = useAutoTrackScope();

const LONG_RUNNING = 'setTimeout(() => {}, 30000)';

let directory: string;
let exitingScript: string;

beforeAll(() => {
  directory = fs.mkdtempSync(join(tmpdir(), 'autotrack-processes-'));
  exitingScript = join(directory, 'exits.js');
  fs.writeFileSync(exitingScript, 'process.exit(0);\n');
});

afterAll(() => {
  fs.rmSync(directory, { recursive: true, force: true });
});

describe('a child process', () => {
  test.each([
    ['spawn', () => childProcess.spawn(process.execPath, ['-e', '0'])],
    ['execFile', () => childProcess.execFile(process.execPath, ['-e', '0'])],
    ['exec', () => childProcess.exec(`"${process.execPath}" -e 0`)],
    ['fork', () => childProcess.fork(exitingScript)],
  ])(
    'started with %s is recorded, and released once it exited and its stdio closed',
    async (_name, start) => {
      const tracker = scope.enter();
      const child = start();
      expect(scope.records(tracker)).toEqual([
        { resource_type: 'child-process', owner_module: 'autoTrack.processes', state: 'active' },
      ]);
      expect(tracker.getAllResources()[0]?.metadata).toMatchObject({ pid: child.pid });
      await once(child, 'close');
      await scope.expectAllReleased();
    },
  );

  test('that cannot start is released', async () => {
    const tracker = scope.enter();
    const child = childProcess.spawn('a-command-that-does-not-exist-anywhere');
    const [error] = (await once(child, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ENOENT');
    await scope.expectAllReleased();
    expect(tracker.getAllResources()).toHaveLength(1);
  });

  test('is really killed by closeLeaked', async () => {
    const tracker = scope.enter();
    const child = childProcess.spawn(process.execPath, ['-e', LONG_RUNNING]);
    await once(child, 'spawn');
    const exited = once(child, 'exit');
    await tracker.closeLeaked();
    expect(await exited).toEqual([null, 'SIGTERM']);
  });

  test('is not recorded when no scope is active', async () => {
    const tracker = scope.enter();
    scope.exit();
    await once(childProcess.spawn(process.execPath, ['-e', '0']), 'close');
    expect(tracker.getAllResources()).toEqual([]);
  });
});

describe('a worker thread', () => {
  test('is recorded, and released when it exits', async () => {
    const tracker = scope.enter();
    const worker = new Worker('0', { eval: true });
    expect(scope.records(tracker)).toEqual([
      { resource_type: 'worker', owner_module: 'autoTrack.processes', state: 'active' },
    ]);
    expect(tracker.getAllResources()[0]?.metadata).toMatchObject({
      filename: '[eval]',
      thread_id: worker.threadId,
    });
    await once(worker, 'exit');
    expect(tracker.verifyCleanup()).toEqual([]);
  });

  test('is really terminated by closeLeaked', async () => {
    const tracker = scope.enter();
    const worker = new Worker(LONG_RUNNING, { eval: true });
    await once(worker, 'online');
    const exited = once(worker, 'exit');
    await tracker.closeLeaked();
    expect(await exited).toEqual([1]);
  });

  test('is still a Worker to instanceof and subclasses', async () => {
    class NamedWorker extends Worker {
      readonly label = 'named';
    }
    const tracker = scope.enter();
    const worker = new NamedWorker('0', { eval: true });
    expect(worker).toBeInstanceOf(Worker);
    expect(worker).toBeInstanceOf(NamedWorker);
    expect(worker.label).toBe('named');
    expect(Worker.name).toBe('Worker');
    expect(scope.records(tracker).map((record) => record.resource_type)).toEqual(['worker']);
    await once(worker, 'exit');
  });
});

describe('a message channel', () => {
  test.each([
    ['the global MessageChannel', () => new MessageChannel()],
    ['worker_threads.MessageChannel', () => new ImportedMessageChannel()],
  ])('from %s records both ports, released when the channel closes', async (_name, create) => {
    const tracker = scope.enter();
    const { port1 } = create();
    expect(scope.records(tracker)).toEqual([
      { resource_type: 'message-port', owner_module: 'autoTrack.processes', state: 'active' },
      { resource_type: 'message-port', owner_module: 'autoTrack.processes', state: 'active' },
    ]);
    port1.close();
    await until(() => tracker.verifyCleanup().length === 0);
  });

  test('ports listening for messages are really closed by closeLeaked', async () => {
    const tracker = scope.enter();
    const { port1, port2 } = new MessageChannel();
    port1.on('message', () => {});
    const closed = once(port2, 'close');
    await tracker.closeLeaked();
    await closed;
  });

  test("ports nobody listens to are unref'd, so ignored at the verdict by default", () => {
    const tracker = scope.enter();
    const { port1 } = new MessageChannel();
    const [record] = tracker.verifyCleanup();
    expect(scope.autoTracking.isIgnored(record!)).toBe(true);
    port1.on('message', () => {});
    expect(scope.autoTracking.isIgnored(record!)).toBe(false);
    port1.close();
  });
});

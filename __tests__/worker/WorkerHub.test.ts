import { afterEach, describe, expect, jest, test } from '@jest/globals';
import childProcess from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import { EventEmitter, once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { IntegrationLifecycle } from '../../environment/IntegrationLifecycle';
import type { IntegrationScope } from '../../environment/IntegrationScope';
import { resolveOptions } from '../../environment/options';
import { WorkerHub } from '../../environment/WorkerHub';
import { installAutoTracking } from '../../src/autoTrack';
import * as clock from '../../src/clock';
import type { connectWorker as ConnectWorker } from '../../src/worker/connectWorker';
import {
  HUB_ENV_KEY,
  MAX_RECORDS_PER_WORKER,
  SCOPE_ENV_KEY,
  socketPathFor,
} from '../../src/worker/workerProtocol';

const rootDir = path.resolve(__dirname, '..', '..');
const crashScript = path.join(rootDir, '__tests__', 'fixtures', 'worker', 'workers', 'crash.js');
/** A pid no process has: what a child process that is gone looks like. */
const GONE_PID = 4_000_001;

interface StartedHub {
  lifecycle: IntegrationLifecycle;
  realmProcess: { env: NodeJS.ProcessEnv };
  hub: WorkerHub;
  file: IntegrationScope;
  warnings: string[];
  directory: string;
}

const started: StartedHub[] = [];

function startHub(): StartedHub {
  const warnings: string[] = [];
  const realmProcess = { env: {} as NodeJS.ProcessEnv };
  const lifecycle = new IntegrationLifecycle({
    options: resolveOptions({ leaks: 'off' }),
    rootDir,
    testPath: '__tests__/worker/WorkerHub.test.ts',
    realmProcess,
    warn: (message) => warnings.push(message),
  });
  const hub = WorkerHub.start({
    lifecycle,
    rootDir,
    testPath: '__tests__/worker/WorkerHub.test.ts',
  });
  if (hub === undefined) {
    throw new Error(`the hub did not start: ${warnings.join('\n')}`);
  }
  const file = lifecycle.start('file', '__tests__/worker/WorkerHub.test.ts');
  const directory = process.env[HUB_ENV_KEY] as string;
  const result = { lifecycle, realmProcess, hub, file, warnings, directory };
  started.push(result);
  return result;
}

afterEach(async () => {
  for (const { hub, lifecycle } of started.splice(0)) {
    await hub.close();
    lifecycle.dispose();
  }
});

/** A fresh copy of the worker module: each connects anew, as a new worker would. */
function connect(): ReturnType<typeof ConnectWorker> {
  let loaded: typeof ConnectWorker | undefined;
  jest.isolateModules(() => {
    // The module must be loaded anew for each connection, which only require can do.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = (require('../../src/worker/connectWorker') as { connectWorker: typeof ConnectWorker })
      .connectWorker;
  });
  return (loaded as typeof ConnectWorker)();
}

/** Writes a spool file by hand, as a misbehaving worker could; returns its name. */
/**
 * Writes a spool file as a child process would. Node announces every child it starts (on
 * the `child_process` diagnostics channel), and the hub looks for spool files at quick
 * verdicts only once one was: the same announcement stands for the child here.
 */
function writeSpool(directory: string, lines: unknown[], pid = GONE_PID): string {
  announceChild();
  return writeUnannouncedSpool(directory, lines, pid);
}

function announceChild(): void {
  diagnosticsChannel.channel('child_process').publish({ process: undefined });
}

/** Writes a spool file as a child process started by `spawnSync` would: unannounced. */
function writeUnannouncedSpool(
  directory: string,
  lines: unknown[],
  pid = GONE_PID,
  threadId = 0,
): string {
  const name = `${pid}-${threadId}-${'0123456789abcdef'}.jsonl`;
  fs.writeFileSync(
    path.join(directory, name),
    lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n',
  );
  return name;
}

/** Writes the spool file of a worker thread of this process that reports `id`. */
function writeThreadSpool(directory: string, threadId: number, scope: unknown, id: string): void {
  announceChild();
  writeUnannouncedSpool(
    directory,
    [
      { ...hello(), pid: process.pid, ppid: process.ppid, thread_id: threadId, scope },
      { t: 'track', module: 'jobs', type: 'job', id, metadata: {} },
    ],
    process.pid,
    threadId,
  );
}

function hello(script = crashScript): Record<string, unknown> {
  return {
    t: 'hello',
    v: 1,
    pid: GONE_PID,
    ppid: process.pid,
    thread_id: 0,
    script,
    scope: process.env[SCOPE_ENV_KEY] ?? null,
  };
}

/** Attaches a control socket to a spool file, and closes it: the process is gone. */
async function attachAndHangUp(name: string): Promise<void> {
  const socket = net.connect(socketPathFor(started[0]?.directory as string));
  await once(socket, 'connect');
  socket.end(`${JSON.stringify({ t: 'attach', spool: name })}\n`);
  await once(socket, 'close');
  await new Promise((resolve) => setImmediate(resolve));
}

function idsOf(scope: IntegrationScope): string[] {
  return scope.resources.getAllResources().map((record) => record.resource_id);
}

// First in the file: once a child is announced (`writeSpool` does), the process has started
// one, for good, and every verdict looks.
describe('the verdict of a quick scope, before the process started any child', () => {
  test('does not look for spool files: one that appears then is read at the next look', async () => {
    const { lifecycle, directory, file, warnings } = startHub();
    // The clock stands still while the quick test runs, however busy the machine.
    const stillClock = jest.spyOn(clock, 'now').mockReturnValue(clock.now());
    const quick = lifecycle.start('test', 'quick');
    writeUnannouncedSpool(directory, [
      hello(),
      { t: 'track', module: 'jobs', type: 'job', id: 'job:unseen', metadata: {} },
    ]);
    expect(await lifecycle.finish(quick)).toEqual([]);
    stillClock.mockRestore();
    expect(quick.madeResources()).toBeUndefined();

    const slow = lifecycle.start('test', 'slow');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await lifecycle.finish(slow)).toEqual([]);
    expect(idsOf(file)).toEqual(['job:unseen']);
    expect(warnings).toEqual([
      expect.stringContaining('reported records after test "quick" had ended'),
    ]);
  });

  test('looks once the scope has lasted as long as a child takes to start and report', async () => {
    const { lifecycle, directory } = startHub();
    const scope = lifecycle.start('test', 'runs a child synchronously');
    writeUnannouncedSpool(directory, [
      hello(),
      { t: 'track', module: 'jobs', type: 'job', id: 'job:sync', metadata: {} },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(await lifecycle.finish(scope)).toEqual([]);
    expect(idsOf(scope)).toEqual(['job:sync']);
  });

  test("brings a synchronous child's records in as the test reads any of them", async () => {
    const { lifecycle, directory } = startHub();
    const scope = lifecycle.start('test', 'runs a child synchronously, then looks');
    writeUnannouncedSpool(directory, [
      hello(),
      {
        t: 'error',
        source: 'jobs.cache',
        target: 'jobs.child',
        operation: 'write',
        thrown: {
          kind: 'error',
          error: { name: 'RangeError', message: 'full', stack: null, cause: null },
        },
        context: {},
        call_stack: [],
      },
      { t: 'config', path: 'cache.dir', old: '/tmp/a', new: '/tmp/b' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 10));

    const chain = lifecycle.handle.errors.getErrorChain();
    const changes = lifecycle.handle.config.getChangeLog();

    expect(chain).toEqual([
      expect.objectContaining({ source_module: 'jobs.cache', error_type: 'RangeError' }),
    ]);
    expect(changes).toEqual([
      expect.objectContaining({ config_path: 'cache.dir', new_value: '/tmp/b' }),
    ]);
    await lifecycle.finish(scope);
  });

  test('looks at once after Node announced a child', async () => {
    const { lifecycle, directory } = startHub();
    const scope = lifecycle.start('test', 'starts a child');
    announceChild();
    writeUnannouncedSpool(directory, [
      hello(),
      { t: 'track', module: 'jobs', type: 'job', id: 'job:announced', metadata: {} },
    ]);

    expect(await lifecycle.finish(scope)).toEqual([]);
    expect(idsOf(scope)).toEqual(['job:announced']);
  });
});

describe('records of a connected worker', () => {
  test('land in order in the scope that was running when it connected, marked with their origin', async () => {
    const { lifecycle } = startHub();
    const scope = lifecycle.start('test', 'jobs › run');
    const worker = connect();
    worker.resources.trackResource('jobs', 'db-connection', 'db:1', { host: 'db.local' });
    worker.errors.captureCrossModuleError('jobs.db', 'jobs', new TypeError('refused'), {
      operation: 'connect',
      context: { attempt: 2 },
    });
    worker.config.onConfigChange('jobs.pool_size', 1, 2);
    worker.resources.releaseResource('db:1');
    await worker.flush();

    expect(worker.connected).toBe(true);
    expect(scope.resources.getAllResources()).toEqual([
      expect.objectContaining({
        resource_id: 'db:1',
        resource_type: 'db-connection',
        owner_module: 'jobs',
        state: 'released',
        metadata: {
          host: 'db.local',
          thread_id: 0,
          creation_stack: expect.stringContaining('WorkerHub.test.ts'),
          creation_site: expect.stringMatching(
            /^__tests__\/worker\/WorkerHub\.test\.ts:\d+:\d+ in worker thread 0$/,
          ),
        },
      }),
    ]);
    expect(scope.errors.getErrorChain()).toEqual([
      expect.objectContaining({
        source_module: 'jobs.db',
        target_module: 'jobs',
        operation: 'connect',
        error_type: 'TypeError',
        error_message: 'refused',
        context_data: expect.objectContaining({
          attempt: 2,
          thread_id: 0,
          call_stack: [],
          worker_call_stack: expect.arrayContaining([
            expect.objectContaining({ file: expect.stringContaining('WorkerHub.test.ts') }),
          ]),
        }),
      }),
    ]);
    expect(scope.config.getChangeLog()).toEqual([
      expect.objectContaining({ config_path: 'jobs.pool_size', old_value: 1, new_value: 2 }),
    ]);
  });

  test("keep the worker's ids, or mark one the test already has with where it came from", async () => {
    const { lifecycle } = startHub();
    const scope = lifecycle.start('test', 'ids');
    scope.resources.trackResource('jobs', 'job', 'job:1');
    const worker = connect();
    worker.resources.trackResource('jobs', 'job', 'job:1');
    worker.resources.trackResource('jobs', 'job', 'job:2');
    worker.resources.releaseResource('job:1');
    await worker.flush();

    expect(
      scope.resources.getAllResources().map((record) => [record.resource_id, record.state]),
    ).toEqual([
      ['job:1@thread-0', 'released'],
      ['job:1', 'active'],
      ['job:2', 'active'],
    ]);
  });

  test('that arrive after their test ended go to the file, with one warning', async () => {
    const { lifecycle, file, warnings } = startHub();
    const scope = lifecycle.start('test', 'starts a worker');
    const worker = connect();
    worker.resources.trackResource('jobs', 'job', 'job:early');
    await worker.flush();
    await lifecycle.finish(scope);
    worker.resources.trackResource('jobs', 'job', 'job:late');
    worker.resources.releaseResource('job:early');
    worker.errors.captureCrossModuleError('jobs.db', 'jobs', 'late failure');
    await worker.flush();

    expect(idsOf(file)).toEqual(['job:late']);
    expect(scope.resources.getResourceState('job:early')?.state).toBe('released');
    expect(file.errors.getErrorChain()).toHaveLength(1);
    expect(warnings).toMatchInlineSnapshot(`
     [
       "jest-environment-integration: worker thread 0 (node_modules/.bin/jest) reported records after test "starts a worker" had ended. New resources, errors and config changes went to the test file's records; releases went to the records they release. Await flush() from jest-environment-integration/worker in the worker before the test ends, or end the worker in the test that starts it.",
     ]
    `);
  });

  test('that arrive after the file finished are not recorded, and a warning says so', async () => {
    const { lifecycle, file, warnings } = startHub();
    const worker = connect();
    await lifecycle.finish(file);
    worker.resources.trackResource('jobs', 'job', 'job:after');
    await worker.flush();

    expect(idsOf(file)).toEqual([]);
    expect(warnings).toMatchInlineSnapshot(`
     [
       "jest-environment-integration: worker thread 0 (node_modules/.bin/jest) reported records after the test file had ended. They were not recorded, except releases of resources recorded earlier. Await flush() from jest-environment-integration/worker in the worker before the test ends, or end the worker in the test that starts it.",
     ]
    `);
  });
});

describe('a worker that never connected its socket', () => {
  test('has its records found at the verdict of its test, however soon after the last look', async () => {
    const { lifecycle, directory } = startHub();
    const looked = lifecycle.start('test', 'looks first');
    expect(await lifecycle.finish(looked)).toEqual([]);
    const scope = lifecycle.start('test', 'starts a worker');
    writeSpool(directory, [
      hello(),
      { t: 'track', module: 'jobs', type: 'job', id: 'job:quick', metadata: {} },
    ]);

    expect(await lifecycle.finish(scope)).toEqual([]);
    expect(idsOf(scope)).toEqual(['job:quick']);
  });

  test('has its records found when the folder changed long after the last look', async () => {
    const { lifecycle, directory } = startHub();
    // The folder looks unchanged for a minute when the first test looks at it...
    const aMinuteAgo = new Date(Date.now() - 60_000);
    fs.utimesSync(directory, aMinuteAgo, aMinuteAgo);
    const looked = lifecycle.start('test', 'looks first');
    expect(await lifecycle.finish(looked)).toEqual([]);
    // ...and is changed by the worker of the next.
    const scope = lifecycle.start('test', 'starts a worker');
    writeSpool(directory, [
      hello(),
      { t: 'track', module: 'jobs', type: 'job', id: 'job:later', metadata: {} },
    ]);

    expect(await lifecycle.finish(scope)).toEqual([]);
    expect(idsOf(scope)).toEqual(['job:later']);
  });
});

describe('the scope token workers inherit', () => {
  test('names the running scope in the realm, and its parent again once a test ends or is skipped', async () => {
    const { lifecycle, realmProcess } = startHub();
    const realmToken = () => realmProcess.env[SCOPE_ENV_KEY];
    const fileToken = realmToken();
    const skipped = lifecycle.start('test', 'skipped');
    const skippedToken = realmToken();
    lifecycle.discard(skipped);
    const afterSkip = realmToken();
    const ran = lifecycle.start('test', 'ran');
    const ranToken = realmToken();
    await lifecycle.finish(ran);

    expect(new Set([fileToken, skippedToken, ranToken]).size).toBe(3);
    expect(afterSkip).toBe(fileToken);
    expect(realmToken()).toBe(fileToken);
  });

  test('is written beneath the recording env, as no change of the test, into the env in use', async () => {
    const { lifecycle, realmProcess } = startHub();
    const fileToken = realmProcess.env[SCOPE_ENV_KEY];
    const describeBlock = lifecycle.start('describe', 'replaces env');
    realmProcess.env = { ...realmProcess.env, MODE: 'replaced' };
    const test = lifecycle.start('test', 'inside it');
    const testToken = realmProcess.env[SCOPE_ENV_KEY];
    await lifecycle.finish(test);
    const describeToken = realmProcess.env[SCOPE_ENV_KEY];
    await lifecycle.finish(describeBlock);

    expect(realmProcess.env['MODE']).toBeUndefined();
    expect(new Set([fileToken, describeToken, testToken]).size).toBe(3);
    expect(realmProcess.env[SCOPE_ENV_KEY]).toBe(fileToken);
    expect(test.config.getChangeLog()).toEqual([]);
    expect(describeBlock.config.getChangeLog().map((event) => event.config_path)).toEqual([
      'env.MODE',
    ]);
  });

  test("names the running scope in Jest's own env, and its parent again once it ends", async () => {
    const { lifecycle } = startHub();
    const fileToken = process.env[SCOPE_ENV_KEY];
    const test = lifecycle.start('test', 'ran');
    const testToken = process.env[SCOPE_ENV_KEY];
    await lifecycle.finish(test);

    expect(testToken).not.toBe(fileToken);
    expect(process.env[SCOPE_ENV_KEY]).toBe(fileToken);
  });

  test('names a thread by its announcement, and threads it starts through it', async () => {
    const { lifecycle, directory, file, warnings } = startHub();
    const fileToken = process.env[SCOPE_ENV_KEY];
    const test = lifecycle.start('test', 'starts a thread');
    const thread = Object.assign(new EventEmitter(), { threadId: 4242, terminate: () => 0 });
    diagnosticsChannel.channel('worker_threads').publish({ worker: thread });
    // The thread's copy of the real env names the file, and so does that of a thread it
    // started, after the thread itself; a thread nobody announced is the file's.
    writeThreadSpool(directory, 4242, fileToken, 'job:announced');
    writeThreadSpool(directory, 4343, `${fileToken}@${process.pid}:4242`, 'job:nested');
    writeThreadSpool(directory, 4444, `${fileToken}@${process.pid}:9999`, 'job:unknown');
    await new Promise((resolve) => setTimeout(resolve, 10));
    await lifecycle.finish(test);

    expect(idsOf(test).sort()).toEqual(['job:announced', 'job:nested']);
    expect(idsOf(file)).toEqual(['job:unknown']);
    expect(warnings).toEqual([]);
  });
});

describe('a misbehaving worker', () => {
  test('has its malformed records skipped, reported with the verdict of its test', async () => {
    const { lifecycle, directory } = startHub();
    const scope = lifecycle.start('test', 'garbage');
    writeSpool(directory, [
      hello(),
      { t: 'track', module: 'jobs', type: 'job', id: 'job:valid', metadata: {} },
      'this is not JSON',
      { t: 'track', module: '', type: 'job', id: 'job:nameless', metadata: {} },
      { t: 'release', id: 'job:never' },
      { t: 'teleport' },
    ]);

    const errors = await lifecycle.finish(scope);

    expect(idsOf(scope)).toEqual(['job:valid']);
    expect(errors.map((error) => `${error.name}: ${error.message}`)).toMatchInlineSnapshot(`
     [
       "WorkerChannelError: jest-environment-integration skipped 4 malformed records from child process 4000001 (__tests__/fixtures/worker/workers/crash.js). The first, on line 3: it is not JSON: "this is not JSON". Record from workers only through connectWorker() from jest-environment-integration/worker, and leave its channel alone.",
     ]
    `);
  });

  test('is cut off after the record limit, keeping what came before', async () => {
    const { lifecycle, directory } = startHub();
    const scope = lifecycle.start('test', 'flood');
    const tracks = Array.from({ length: MAX_RECORDS_PER_WORKER + 5 }, (_, index) =>
      JSON.stringify({ t: 'track', module: 'jobs', type: 'job', id: `job:${index}`, metadata: {} }),
    );
    writeSpool(directory, [hello(), ...tracks]);

    const errors = await lifecycle.finish(scope);

    expect(scope.resources.getAllResources()).toHaveLength(MAX_RECORDS_PER_WORKER);
    expect(errors.map((error) => error.message)).toMatchInlineSnapshot(`
     [
       "jest-environment-integration stopped recording child process 4000001 (__tests__/fixtures/worker/workers/crash.js), keeping what it sent before: it sent more than 100000 records, the limit per connectWorker(). Track fewer resources per worker (or release and reuse ids), or spread the work over more workers or tests.",
     ]
    `);
  }, 30_000);

  test('whose file does not start with hello is not read, and the file says so', async () => {
    const { lifecycle, directory, file } = startHub();
    const scope = lifecycle.start('test', 'no hello');
    writeSpool(directory, [{ t: 'track', module: 'jobs', type: 'job', id: 'job:1', metadata: {} }]);

    expect(await lifecycle.finish(scope)).toEqual([]);
    const errors = await lifecycle.finish(file);

    expect(idsOf(scope)).toEqual([]);
    expect(errors.map((error) => error.message)).toMatchInlineSnapshot(`
     [
       "jest-environment-integration stopped recording child process 4000001, keeping what it sent before: its first record was not "hello", so it was not written by connectWorker(). Record from workers only through connectWorker() from jest-environment-integration/worker, and leave its channel alone.",
     ]
    `);
  });

  test('that sends garbage on the control socket loses that socket, and nothing else', async () => {
    const { lifecycle, directory } = startHub();
    const scope = lifecycle.start('test', 'socket garbage');
    const socket = net.connect(socketPathFor(directory));
    socket.write('{"t":"flush","id":1,"offset":0}\n');
    await once(socket, 'close');
    const worker = connect();
    worker.resources.trackResource('jobs', 'job', 'job:1');
    await worker.flush();

    expect(idsOf(scope)).toEqual(['job:1']);
    expect(await lifecycle.finish(scope)).toEqual([]);
  });
});

describe('the end of a worker nobody watches', () => {
  test('with a non-zero exit it reported is captured when its socket closes', async () => {
    const { lifecycle } = startHub();
    const scope = lifecycle.start('test', 'exit code');
    const name = writeSpool(started[0]?.directory as string, [hello(), { t: 'exit', code: 3 }]);
    await attachAndHangUp(name);

    expect(scope.errors.getErrorChain()).toEqual([
      expect.objectContaining({
        source_module: '__tests__.fixtures.worker.workers.crash',
        target_module: '__tests__.worker.WorkerHub.test',
        operation: 'child-process',
        error_type: 'WorkerExitError',
        error_message: `child process ${GONE_PID} (__tests__/fixtures/worker/workers/crash.js) exited with code 3`,
        context_data: expect.objectContaining({ pid: GONE_PID, exit_code: 3 }),
      }),
    ]);
  });

  test('with an uncaught exception it reported is captured with that error', async () => {
    const { lifecycle } = startHub();
    const scope = lifecycle.start('test', 'uncaught');
    const error = {
      name: 'SyntaxError',
      message: 'bad job',
      stack: 'SyntaxError: bad job\n    at job (/w.js:1:1)',
      cause: null,
    };
    const name = writeSpool(started[0]?.directory as string, [
      hello(),
      { t: 'uncaught', thrown: { kind: 'error', error } },
      { t: 'exit', code: 1 },
    ]);
    await attachAndHangUp(name);

    expect(scope.errors.getErrorChain()).toEqual([
      expect.objectContaining({ error_type: 'SyntaxError', error_message: 'bad job' }),
    ]);
  });

  test('of a process that vanished without a word is captured; a clean exit is not', async () => {
    const { lifecycle, directory } = startHub();
    const scope = lifecycle.start('test', 'vanished');
    await attachAndHangUp(writeSpool(directory, [hello()]));
    await attachAndHangUp(writeSpool(directory, [hello(), { t: 'exit', code: 0 }], GONE_PID + 1));

    expect(scope.errors.getErrorChain().map((context) => context.error_message)).toEqual([
      `child process ${GONE_PID} (__tests__/fixtures/worker/workers/crash.js) ended without saying how: it was killed, or crashed in native code`,
    ]);
  });
});

describe('the end of a worker auto-tracking watches', () => {
  function withAutoTracking(): StartedHub {
    const hub = startHub();
    const tracking = installAutoTracking({
      kinds: ['worker', 'child-process'],
      currentTracker: () => hub.lifecycle.innermost()?.resources,
      moduleForFile: () => 'jobs.starter',
    });
    started.push({
      ...hub,
      hub: { close: async () => tracking.uninstall() } as unknown as WorkerHub,
    });
    return hub;
  }

  function crashesIn(scope: IntegrationScope) {
    return scope.errors.getErrorChain().map((context) => ({
      source: context.source_module,
      target: context.target_module,
      operation: context.operation,
      type: context.error_type,
      message: context.error_message,
      exit_code: context.context_data.exit_code,
      signal: context.context_data.signal,
    }));
  }

  test('a worker thread that throws is captured, from its script to who started it', async () => {
    const { lifecycle } = withAutoTracking();
    const scope = lifecycle.start('test', 'thread throws');
    const worker = new Worker(crashScript, { workerData: { how: 'unconnected-throw' } });
    const threadId = worker.threadId;
    worker.on('error', () => undefined);
    await new Promise((resolve) => worker.once('exit', resolve));

    expect(crashesIn(scope)).toEqual([
      {
        source: '__tests__.fixtures.worker.workers.crash',
        target: 'jobs.starter',
        operation: 'worker-thread',
        type: 'SyntaxError',
        message: 'bad job definition (unconnected-throw)',
        exit_code: 1,
        signal: undefined,
      },
    ]);
    expect(scope.errors.getErrorChain()[0]?.context_data).toMatchObject({ thread_id: threadId });
  });

  test('a worker thread the test terminates is no crash', async () => {
    const { lifecycle } = withAutoTracking();
    const scope = lifecycle.start('test', 'terminated');
    const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
    await once(worker, 'online');
    await worker.terminate();

    expect(crashesIn(scope)).toEqual([]);
  });

  test.each([
    ['exits with a code', ['-e', 'process.exit(3)'], undefined, 'exited with code 3', 3, undefined],
    [
      'is killed from outside',
      ['-e', 'setInterval(() => {}, 1000)'],
      'SIGKILL',
      'was killed by SIGKILL',
      null,
      'SIGKILL',
    ],
  ] as const)(
    'a child process that %s is captured',
    async (_case, args, signal, says, exitCode, exitSignal) => {
      const { lifecycle } = withAutoTracking();
      const scope = lifecycle.start('test', 'child');
      const child = childProcess.spawn(process.execPath, [...args]);
      if (signal !== undefined) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        process.kill(child.pid as number, signal);
      }
      await once(child, 'exit');

      expect(crashesIn(scope)).toEqual([
        expect.objectContaining({
          target: 'jobs.starter',
          operation: 'child-process',
          type: 'WorkerExitError',
          message: `child process ${child.pid} (${process.execPath}) ${says}`,
          exit_code: exitCode,
          signal: exitSignal,
        }),
      ]);
    },
  );

  test('a child process the test kills is no crash', async () => {
    const { lifecycle } = withAutoTracking();
    const scope = lifecycle.start('test', 'killed by the test');
    const child = childProcess.spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill();
    await once(child, 'exit');

    expect(crashesIn(scope)).toEqual([]);
  });
});

describe('closing', () => {
  test('empties the folder, restores the variables, and warns about a worker still running', async () => {
    const previous = process.env[HUB_ENV_KEY];
    const { hub, directory, warnings } = startHub();
    const worker = connect();
    worker.resources.trackResource('jobs', 'job', 'job:1');
    await worker.flush();
    started.length = 0;

    await hub.close();
    await hub.close();

    expect(fs.readdirSync(directory)).toEqual(socketFilesIn(directory));
    expect(process.env[HUB_ENV_KEY]).toBe(previous);
    expect(warnings).toMatchInlineSnapshot(`
     [
       "jest-environment-integration: worker thread 0 (node_modules/.bin/jest) is still running after the test file finished; what it records from now on is not recorded. End it in the test or hook that starts it (worker.terminate(), child.kill()).",
     ]
    `);
    await expect(worker.flush()).rejects.toThrow('flush(): the records could not be confirmed');
  });
});

describe('the next test file of the process', () => {
  test('gets the same folder, emptied of the spool files of the file before', async () => {
    const first = startHub();
    writeSpool(first.directory, [hello()]);
    started.length = 0;
    await first.hub.close();
    first.lifecycle.dispose();

    const next = startHub();

    expect(next.directory).toBe(first.directory);
    expect(fs.readdirSync(next.directory)).toEqual(socketFilesIn(next.directory));
  });

  test('ignores a worker an earlier file started, which reports after that file ended', async () => {
    const earlier = startHub();
    earlier.lifecycle.start('test', 'starts a worker and leaves it running');
    const earlierFilesToken = process.env[SCOPE_ENV_KEY];
    started.length = 0;
    await earlier.hub.close();
    earlier.lifecycle.dispose();

    const { hub, lifecycle, directory, file, warnings } = startHub();
    const scope = lifecycle.start('test', 'runs after it');
    writeSpool(directory, [
      { ...hello(), scope: earlierFilesToken },
      { t: 'track', module: 'jobs', type: 'job', id: 'job:earlier', metadata: {} },
      { t: 'exit', code: 7 },
    ]);

    expect(await lifecycle.finish(scope)).toEqual([]);
    expect(await lifecycle.finish(file)).toEqual([]);
    expect([...idsOf(scope), ...idsOf(file)]).toEqual([]);
    expect([...scope.errors.getErrorChain(), ...file.errors.getErrorChain()]).toEqual([]);
    started.length = 0;
    await hub.close();
    lifecycle.dispose();
    expect(warnings).toEqual([]);
  });

  test("still takes a worker whose token no hub of this process made as the file's", async () => {
    const { lifecycle, directory, file } = startHub();
    writeSpool(directory, [
      { ...hello(), scope: 'set by hand' },
      { t: 'track', module: 'jobs', type: 'job', id: 'job:unknown-token', metadata: {} },
    ]);

    await lifecycle.finish(file);

    expect(idsOf(file)).toEqual(['job:unknown-token']);
  });
});

/** What a folder holds besides spool files: the socket, where it is a file (not Windows). */
function socketFilesIn(directory: string): string[] {
  const socket = socketPathFor(directory);
  return path.dirname(socket) === directory ? [path.basename(socket)] : [];
}

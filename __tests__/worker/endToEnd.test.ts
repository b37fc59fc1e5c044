import { beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { runFixture } from '../environment/runFixture';
import type { FixtureRun, JestMajor } from '../environment/runFixture';

/**
 * Real Jest, 30 and 29, on `__tests__/fixtures/worker`: worker threads and child processes
 * (forked with an IPC channel, and spawned without one) that report through
 * `jest-environment-integration/worker`, crash, report late, flood and send garbage. The
 * fixture's own tests assert what each test's records hold; these read the verdicts. Jest 30
 * runs once more with its test files in worker threads of its own (`--workerThreads`), where
 * the environment itself lives in a thread, and once with `autoTrack: false`, where nothing
 * watches the Worker and ChildProcess objects.
 */
type Setup = JestMajor | 'threads' | 'untracked';
const everySetup: readonly Setup[] = [30, 29, 'threads', 'untracked'];

const runs = new Map<Setup, FixtureRun>();

beforeAll(async () => {
  const fixturesRoot = join(__dirname, '..', 'fixtures');
  runs.set(30, await runFixture('worker', { jest: 30, fixturesRoot }));
  runs.set(29, await runFixture('worker', { jest: 29, fixturesRoot }));
  runs.set(
    'threads',
    await runFixture('worker', { jest: 30, fixturesRoot, args: ['--workerThreads'] }),
  );
  runs.set(
    'untracked',
    await runFixture('worker', {
      jest: 30,
      fixturesRoot,
      args: ['--testEnvironmentOptions', JSON.stringify({ integration: { autoTrack: false } })],
    }),
  );
}, 600_000);

/** The fixture's tests that fail on purpose, in the order the runs report them. */
const MEANT_TO_FAIL = [
  'a worker that floods the channel is cut off, and the test says so',
  'garbage written into the channel is skipped, and the test says so',
  'a worker stuck in a loop, never flushing, still lets the test end with its verdict',
  'a worker thread leaks its connection',
  'a child process without an IPC channel leaks its cache file',
  'a child process run synchronously leaks its cache file',
];

function failedTestsOf(run: FixtureRun): string[] {
  return run.files
    .flatMap((file) => file.tests)
    .filter((result) => result.status !== 'passed')
    .map((result) => result.name);
}

function runOf(setup: Setup): FixtureRun {
  const run = runs.get(setup);
  if (run === undefined) {
    throw new Error(`Jest (${setup}) did not run`);
  }
  return run;
}

/**
 * The failure messages of a test, the same in every run, without what changes from run to
 * run: thread ids, pids, auto-tracked ids, and the stack frames after the message.
 */
function failuresOf(name: string, setups: readonly Setup[] = everySetup): string[] {
  const [latest, ...others] = setups.map((setup) =>
    runOf(setup)
      .test(name)
      .failureMessages.map((message) =>
        message
          .replace(/(worker thread|child process) \d+/g, '$1 <n>')
          .replace(/"worker#\d+"/g, '"worker#<n>"')
          .replace(/\n {4}at [\s\S]*$/, ''),
      ),
  );
  for (const other of others) {
    expect(other).toEqual(latest);
  }
  return latest ?? [];
}

describe.each([
  ['Jest 30', 30],
  ['Jest 29', 29],
  ['Jest 30 running test files in worker threads', 'threads'],
] as const)('under %s', (_name, major) => {
  test('the run exits by itself, and every test not meant to fail passes', () => {
    const run = runOf(major);

    expect(run.hung).toBe(false);
    expect(run.exitCode).toBe(1);
    expect(failedTestsOf(run)).toEqual(MEANT_TO_FAIL);
  });

  test('crashes are captured errors, records arrive from 8 workers complete, late ones go to the file', () => {
    const run = runOf(major);

    expect(
      ['crash.test.js', 'stress.test.js', 'late.test.js'].map((file) => [
        file,
        run.file(file).status,
      ]),
    ).toEqual([
      ['crash.test.js', 'passed'],
      ['stress.test.js', 'passed'],
      ['late.test.js', 'passed'],
    ]);
    expect(run.stderr.replace(/worker thread \d+/g, 'worker thread <n>')).toContain(
      'jest-environment-integration: worker thread <n> (workers/late.js) reported records after test "starts a worker that reports after the test ended" had ended.',
    );
  });

  test("a worker started in a block's afterAll hook reports to that block, in time", () => {
    const run = runOf(major);

    expect(run.file('afterAllWorker.test.js')).toMatchObject({ status: 'passed', message: '' });
    expect(run.stderr).not.toContain('reported records after test "runs a test first"');
  });
});

describe('with autoTrack off', () => {
  // Nothing tracks the Worker and ChildProcess objects: Node's announcement of them names
  // their test, and is how the environment watches them for crashes. Node does not say which
  // script a Worker runs, so the crash of a thread that never connected is captured without
  // it, and the fixture test that expects its module fails.
  test('records and crashes of workers and children still go to the test that started them', () => {
    const run = runOf('untracked');

    expect(run.hung).toBe(false);
    expect(failedTestsOf(run).sort()).toEqual(
      [
        ...MEANT_TO_FAIL,
        'a worker thread that throws is captured as an error from its module to the test',
      ].sort(),
    );
    expect(run.file('afterAllWorker.test.js')).toMatchObject({ status: 'passed', message: '' });
    expect(run.file('late.test.js').status).toBe('passed');
  });
});

describe('the verdicts, the same in every run', () => {
  test('name the connection a worker thread leaked, and the line in the worker that opened it', () => {
    expect(failuresOf('a worker thread leaks its connection')).toMatchInlineSnapshot(`
     [
       "Test "a worker thread leaks its connection" leaked 1 resource: still open after its afterEach hooks.

     1 'db-connection' resource leaked:
       - db-connection "db:leaked" owned by jobs.thread, open for <n> ms, created at workers/thread.js:7:11 in worker thread <n>
       Hint: close it, then release it with integration.resources.releaseResource(id).

     To fix this, release each resource in the test or in an afterEach hook.
     To allow it, call integration.allowLeaks({ type: 'db-connection' }) in the test; to only warn about leaks, set the \`leaks\` option to 'warn' ('off' skips the check).",
     ]
    `);
  });

  test('name the cache file a child process leaked, and the line in the child that wrote it', () => {
    expect(failuresOf('a child process without an IPC channel leaks its cache file'))
      .toMatchInlineSnapshot(`
     [
       "Test "a child process without an IPC channel leaks its cache file" leaked 1 resource: still open after its afterEach hooks.

     1 'cache-file' resource leaked:
       - cache-file "cache:leaked" owned by jobs.child, open for <n> ms, created at workers/child.js:7:11 in child process <n>
       Hint: close it, then release it with integration.resources.releaseResource(id).

     To fix this, release each resource in the test or in an afterEach hook.
     To allow it, call integration.allowLeaks({ type: 'cache-file' }) in the test; to only warn about leaks, set the \`leaks\` option to 'warn' ('off' skips the check).",
     ]
    `);
  });

  test('name the cache file a child process run synchronously leaked, in its own test', () => {
    expect(failuresOf('a child process run synchronously leaks its cache file'))
      .toMatchInlineSnapshot(`
     [
       "Test "a child process run synchronously leaks its cache file" leaked 1 resource: still open after its afterEach hooks.

     1 'cache-file' resource leaked:
       - cache-file "cache:sync" owned by jobs.child, open for <n> ms, created at workers/child.js:7:11 in child process <n>
       Hint: close it, then release it with integration.resources.releaseResource(id).

     To fix this, release each resource in the test or in an afterEach hook.
     To allow it, call integration.allowLeaks({ type: 'cache-file' }) in the test; to only warn about leaks, set the \`leaks\` option to 'warn' ('off' skips the check).",
     ]
    `);
  });

  test("fail a flooding worker's test with why, keeping its first records", () => {
    expect(failuresOf('a worker that floods the channel is cut off, and the test says so'))
      .toMatchInlineSnapshot(`
     [
       "WorkerChannelError: jest-environment-integration stopped recording worker thread <n> (workers/flood.js), keeping what it sent before: it sent more than 100000 records, the limit per connectWorker(). Track fewer resources per worker (or release and reuse ids), or spread the work over more workers or tests.",
     ]
    `);
  });

  test('fail the test of a worker that wrote garbage into the channel with what was wrong', () => {
    expect(failuresOf('garbage written into the channel is skipped, and the test says so'))
      .toMatchInlineSnapshot(`
     [
       "WorkerChannelError: jest-environment-integration skipped 2 malformed records from child process <n> (workers/garbage.js). The first, on line 3: it is not JSON: "this is not JSON". Record from workers only through connectWorker() from jest-environment-integration/worker, and leave its channel alone.",
     ]
    `);
  });

  test('close a worker stuck in a loop and name what it left open', () => {
    // Without autoTrack the worker itself is no record: only what it reported leaked.
    expect(
      failuresOf(
        'a worker stuck in a loop, never flushing, still lets the test end with its verdict',
        [30, 29, 'threads'],
      ),
    ).toMatchInlineSnapshot(`
     [
       "Test "a worker stuck in a loop, never flushing, still lets the test end with its verdict" leaked 2 resources: still open after its afterEach hooks.

     1 worker thread leaked:
       - worker "worker#<n>" owned by misbehaving.test, open for <n> ms, created at misbehaving.test.js:25:18 (closed by the environment)
       Hint: await worker.terminate().

     1 'job' resource leaked:
       - job "job:stuck" owned by jobs.stuck, open for <n> ms, created at [worker eval]:2:32 in worker thread <n>
       Hint: close it, then release it with integration.resources.releaseResource(id).

     To fix this, release each resource in the test or in an afterEach hook.
     To allow it, call integration.allowLeaks({ type: 'worker' }) in the test; to only warn about leaks, set the \`leaks\` option to 'warn' ('off' skips the check).",
     ]
    `);
  });
});

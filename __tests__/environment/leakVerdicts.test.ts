import { beforeAll, describe, expect, test } from '@jest/globals';
import { runFixture } from './runFixture';
import type { FixtureRun, JestMajor } from './runFixture';

/**
 * Real Jest, 29 and 30, on `__tests__/fixtures/environment/verdicts`: one run each, in band
 * (one process), so that a leak nobody closed would keep the run from exiting.
 */
const runs = new Map<JestMajor, FixtureRun>();

beforeAll(async () => {
  runs.set(30, await runFixture('verdicts', { jest: 30, args: ['--runInBand'] }));
  runs.set(29, await runFixture('verdicts', { jest: 29, args: ['--runInBand'] }));
}, 600_000);

function runOf(major: JestMajor): FixtureRun {
  const run = runs.get(major);
  if (run === undefined) {
    throw new Error(`Jest ${major} did not run`);
  }
  return run;
}

/** The leak reports of a test: its failure messages that are one. */
function leakReportsOf(run: FixtureRun, name: string): string[] {
  return run
    .test(name)
    .failureMessages.filter((message) => / leaked \d+ resources?:/.test(message));
}

describe.each([30, 29] as const)('under Jest %i', (major) => {
  test('the run exits by itself although tests leaked servers, intervals and watchers', () => {
    const run = runOf(major);

    expect(run.hung).toBe(false);
    expect(run.exitCode).toBe(1);
  });

  test('passes every test that closed the servers, timers and child processes it opened', () => {
    const file = runOf(major).file('cleanUse.test.js');

    expect(file.message).toBe('');
    expect(file.tests.map((test) => [test.name, test.status, test.failureMessages])).toEqual([
      ['clean use of real handles › serves a request and closes the server', 'passed', []],
      [
        'clean use of real handles › clears the timers and intervals it no longer needs',
        'passed',
        [],
      ],
      ['clean use of real handles › waits for the child process it started', 'passed', []],
    ]);
  });

  test('leaves the handlers circus registered after the environment to see every event', () => {
    // Circus's snapshot handler, registered right after the environment's, clears the first
    // attempt's snapshot before the retry: without it the second attempt fails under --ci.
    expect(runOf(major).test('matches its snapshot on the second attempt')).toMatchObject({
      status: 'passed',
      failureMessages: [],
    });
  });

  test.each([
    ['leaks a registered resource', 'failed', 'temp-dir "/tmp/cache-1" owned by cache.store'],
    ['leaks an adopted server', 'failed', 'tcp-server "server:api" owned by api.server'],
    ['leaks an adopted interval', 'failed', 'interval "interval:flush" owned by metrics.flush'],
    ['leaks an adopted watcher', 'failed', 'fs-watcher "watcher:tmp" owned by cache.watch'],
    [
      'with a beforeEach hook › leaks what its beforeEach opened',
      'failed',
      'connection "connection:1"',
    ],
    ['allows some of its leaks', 'failed', 'temp-dir "/tmp/cache-4" owned by cache.store'],
    ['throws a string and leaks', 'failed', 'temp-dir "/tmp/cache-5"'],
    ['times out and leaks', 'failed', 'temp-dir "/tmp/cache-6"'],
    [
      'with a failing beforeEach hook › fails in its hook and leaks',
      'failed',
      'connection "connection:2"',
    ],
    ['fails for the leak no rule ignores', 'failed', 'socket "socket:reported" owned by vendor'],
  ])('"%s" %s, naming %s', (name, status, leak) => {
    const run = runOf(major);

    expect(run.test(name).status).toBe(status);
    expect(leakReportsOf(run, name)).toEqual([expect.stringContaining(leak)]);
  });

  test.each([
    'closes its server in the test',
    'sees no leak right after closing a watcher, before its close event',
    'closes its server without waiting for it to close',
    'releases a registered resource',
    'with an afterEach hook › closes its server in afterEach',
    'allows all its leaks',
    'passes with ignored leaks only',
    'a describe block that closes in afterAll what beforeAll opened › sees the shared server in its describe block, not in its own state',
    'a describe block that closes in afterAll what beforeAll opened › passes with the shared server still open',
    'passes with a warning for its leak',
    'passes without a word about its leak',
  ])('"%s" passes', (name) => {
    expect(runOf(major).test(name)).toMatchObject({ status: 'passed', failureMessages: [] });
  });

  test("keeps the test's own failure beside the leak report", () => {
    const run = runOf(major);

    expect(run.test('throws a string and leaks').failureMessages[0]).toContain(
      'thrown: "not an error"',
    );
    expect(run.test('times out and leaks').failureMessages[0]).toContain(
      'Exceeded timeout of 200 ms',
    );
    expect(
      run.test('with a failing beforeEach hook › fails in its hook and leaks').failureMessages[0],
    ).toContain('beforeEach failed');
  });

  test('reports only the leaks that allowLeaks did not allow', () => {
    expect(leakReportsOf(runOf(major), 'allows some of its leaks')[0]).not.toContain(
      '/tmp/metrics',
    );
  });

  test('gives every reporter the verdict as each test finishes (onTestCaseResult)', () => {
    const run = runOf(major);
    const reported = run.testCaseResults.find(
      (result) => result.name === 'leaks an adopted server',
    );

    expect(reported).toEqual(run.test('leaks an adopted server'));
  });

  test('fails the file for what a describe block opened in beforeAll and never closed', () => {
    const file = runOf(major).file('scopes.test.js');

    expect(file.tests.map((test) => test.status)).toEqual(['passed', 'passed', 'passed']);
    expect(file.message).toContain(
      'describe("a describe block that leaks what beforeAll opened") leaked 1 resource: opened in its beforeAll hooks, still open after its afterAll hooks.',
    );
    expect(file.message).toContain('pool "pool:main" owned by db.pool');
  });

  test('fails the file for what it opened at load time and in a top-level beforeAll', () => {
    const file = runOf(major).file('fileScope.test.js');

    expect(file.tests.map((test) => test.status)).toEqual(['passed']);
    expect(file.message).toContain('Test file fileScope.test.js leaked 2 resources');
    expect(file.message).toContain('temp-dir "/tmp/loaded-at-import" owned by app.boot');
    expect(file.message).toContain('pool "pool:file" owned by db.pool');
  });

  test('prints the report as a console warning under leaks: warn', () => {
    const { stderr } = runOf(major);

    expect(stderr).toContain('console.warn');
    expect(stderr).toContain('Test "passes with a warning for its leak" leaked 1 resource');
    expect(stderr).toContain("This is a warning (`leaks: 'warn'`)");
  });

  test('says nothing about a leak under leaks: off', () => {
    expect(runOf(major).stderr).not.toContain('/tmp/unchecked');
  });

  test.each([
    [
      'invalidOption.test.js',
      "@jest-environment-options: option `leaks` must be 'fail', 'warn' or 'off', but received string 'sometimes'.",
    ],
    [
      'unknownOption.test.js',
      "@jest-environment-options: unknown option `leak` (received string 'warn').",
    ],
  ])('fails %s at once, saying what is wrong with its options', (path, message) => {
    const file = runOf(major).file(path);

    expect(file.tests).toEqual([]);
    expect(file.message).toContain(`IntegrationError: ${message}`);
  });

  test.each([
    'records an env variable set directly',
    'sees that variable undone and a fresh change log',
    'sees the changes of the failing test undone',
    'sees the whole process.env put back',
    'redefines process.env without reading it',
    'sees process.env defined as before the redefinition',
    'a describe block whose beforeAll sets env › sees the variable and records no change of its own',
    'sees the describe block env undone after the block',
  ])('isolates configuration: "%s" passes', (name) => {
    expect(runOf(major).test(name).status).toBe('passed');
  });

  test.each([
    'gets fresh state',
    'gets other fresh state in the next test',
    'reads the same state through the import and the global',
    'uses the matchers without a setup file',
    'refuses a malformed allowLeaks filter',
  ])('gives each test its own state: "%s" passes', (name) => {
    expect(runOf(major).test(name).status).toBe('passed');
  });
});

test('prints a leak report grouped by type, with hints, ages, creation sites and what was closed', () => {
  expect(leakReportsOf(runOf(30), 'leaks two timers and a server')[0]).toMatchInlineSnapshot(`
   "Test "leaks two timers and a server" leaked 3 resources: still open after its afterEach hooks.

   2 timers leaked:
     - timer "timer:retry" owned by jobs.retry, open for <n> ms, created at leaks.test.js:30:25 (closed by the environment)
     - timer "timer:poll" owned by jobs.poll, open for <n> ms, created at leaks.test.js:31:25 (closed by the environment)
     Hint: clear them with clearTimeout/clearInterval.

   1 TCP server leaked:
     - tcp-server "server:jobs" owned by jobs.api, open for <n> ms, created at leaks.test.js:32:25 (closed by the environment)
     Hint: call server.close() and await its callback.

   To fix this, release each resource in the test or in an afterEach hook.
   To allow it, call integration.allowLeaks({ type: 'timer' }) in the test; to only warn about leaks, set the \`leaks\` option to 'warn' ('off' skips the check).
       at <project>/leaks.test.js:30:25"
  `);
});

test('gives the same verdicts and leak reports under Jest 29 as under Jest 30', () => {
  const verdicts = (run: FixtureRun) =>
    run.files.flatMap((file) =>
      file.tests.map((test) => ({
        name: test.name,
        status: test.status,
        leaks: leakReportsOf(run, test.name),
      })),
    );

  expect(verdicts(runOf(29))).toEqual(verdicts(runOf(30)));
});

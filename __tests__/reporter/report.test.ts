import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IntegrationReport } from '../../reporter/IntegrationReport';
import { CHANNEL_VARIABLE } from '../../reporter/RecordsChannel';
import type { JestMajor } from '../environment/runFixture';
import {
  comparable,
  fileOf,
  runReporterFixture,
  schemaErrors,
  scopeOf,
} from './runReporterFixture';
import type { ReporterRun } from './runReporterFixture';

/**
 * Real Jest, 29 and 30, in band, with worker processes and with worker threads, on
 * `__tests__/fixtures/reporter` with the reporter configured: the report must hold exactly
 * what the fixture's tests recorded, whichever way Jest ran them.
 */
const RUNS: Array<[string, JestMajor, string[]]> = [
  ['Jest 30 with workers', 30, ['--maxWorkers=2']],
  ['Jest 30 in band', 30, ['--runInBand']],
  ['Jest 30 with worker threads', 30, ['--maxWorkers=2', '--workerThreads']],
  ['Jest 29 with workers', 29, ['--maxWorkers=2']],
  ['Jest 29 in band', 29, ['--runInBand']],
  ['Jest 29 with worker threads', 29, ['--maxWorkers=2', '--workerThreads']],
];
const runs = new Map<string, ReporterRun>();

beforeAll(async () => {
  for (const [name, jest, args] of RUNS) {
    runs.set(name, await runReporterFixture('reporter', { jest, args }));
  }
}, 600_000);

afterAll(() => {
  for (const run of runs.values()) {
    run.remove();
  }
});

function runOf(name: string): ReporterRun {
  const run = runs.get(name);
  if (run === undefined) {
    throw new Error(`${name} did not run`);
  }
  return run;
}

function reportOf(name: string): IntegrationReport {
  const { report, run } = runOf(name);
  if (report === undefined) {
    throw new Error(`${name} wrote no report.\n--- stderr\n${run.stderr.slice(-4000)}`);
  }
  return report;
}

/** What each scope of the fixture recorded, as its test files say. */
const KNOWN: Array<
  [string, string, string, 'test' | 'describe' | 'file', Record<string, unknown>]
> = [
  [
    'releases its temp dir',
    'cache.test.js',
    'releases its temp dir',
    'test',
    {
      status: 'passed',
      leaked_resource_ids: [],
      resources: [
        {
          resource_id: '/tmp/cache-released',
          resource_type: 'temp-dir',
          owner_module: 'cache.store',
          state: 'released',
        },
      ],
    },
  ],
  [
    'leaks its temp dir, where it was created',
    'cache.test.js',
    'leaks its temp dir',
    'test',
    {
      status: 'failed',
      leak_mode: 'fail',
      leaked_resource_ids: ['/tmp/cache-leaked'],
      resources: [
        {
          resource_id: '/tmp/cache-leaked',
          resource_type: 'temp-dir',
          owner_module: 'cache.store',
          state: 'active',
          metadata: {
            creation_site: 'cache.test.js:11:25',
            creation_stack: expect.stringMatching(/^created here\n {4}at .*cache\.test\.js:11:25/),
          },
        },
      ],
    },
  ],
  [
    'leaks a server, which the environment then closed',
    'cache.test.js',
    'leaks an adopted server',
    'test',
    {
      status: 'failed',
      leaked_resource_ids: ['server:api'],
      resources: [
        {
          resource_id: 'server:api',
          resource_type: 'tcp-server',
          owner_module: 'api.server',
          state: 'released',
          metadata: { creation_site: 'cache.test.js:15:25' },
        },
      ],
    },
  ],
  [
    'keeps an allowed timer open, not as a leak',
    'cache.test.js',
    'allows its metrics timer to stay open',
    'test',
    {
      status: 'passed',
      leaked_resource_ids: [],
      resources: [{ resource_id: 'timer:allowed', owner_module: 'metrics', state: 'active' }],
    },
  ],
  [
    'records beforeAll leaks against their describe block',
    'cache.test.js',
    'with a shared pool',
    'describe',
    {
      status: null,
      leaked_resource_ids: ['pool:shared'],
      resources: [
        {
          resource_id: 'pool:shared',
          resource_type: 'pool',
          owner_module: 'db.pool',
          state: 'active',
          metadata: { creation_site: 'cache.test.js:34:27' },
        },
      ],
    },
  ],
  [
    'records nothing for a test of the block that opened nothing',
    'cache.test.js',
    'with a shared pool › uses the pool',
    'test',
    {
      status: 'passed',
      resources: [],
    },
  ],
  [
    'lists a skipped test, unrecorded',
    'cache.test.js',
    'is skipped',
    'test',
    {
      status: 'pending',
      started_at: null,
      leak_mode: null,
      resources: [],
    },
  ],
  [
    'lists a todo test, unrecorded',
    'cache.test.js',
    'is still to do',
    'test',
    { status: 'todo', started_at: null },
  ],
  [
    'carries a parse error across modules',
    'errors.test.js',
    'carries a parse error to the CLI',
    'test',
    {
      errors: [
        {
          source_module: 'chunker.parser',
          target_module: 'cli.main',
          operation: 'parse',
          error_type: 'SyntaxError',
          error_message: 'Unexpected token } at 3:7',
          original_error: {
            name: 'SyntaxError',
            message: 'Unexpected token } at 3:7',
            stack: expect.stringContaining('errors.test.js:5:'),
          },
          context_data: expect.objectContaining({ file: 'a.ts' }),
        },
      ],
    },
  ],
  [
    'carries an error through two boundaries, a thrown string included',
    'errors.test.js',
    'passes a disk error up through the pipeline',
    'test',
    {
      errors: [
        {
          source_module: 'cache.store',
          target_module: 'chunker.pipeline',
          operation: 'write',
          error_type: 'Error',
          error_message: 'disk full',
        },
        {
          source_module: 'chunker.pipeline',
          target_module: 'cli.main',
          operation: 'run',
          error_type: 'string',
          error_message: 'pipeline aborted',
        },
      ],
    },
  ],
  [
    'records a config change with the modules it affects',
    'config.test.js',
    'raises the parser timeout',
    'test',
    {
      config_changes: [
        {
          config_path: 'parser.timeout_ms',
          old_value: 100,
          new_value: 250,
          affected_modules: ['chunker.parser'],
        },
      ],
    },
  ],
  [
    'records an environment variable added by the test',
    'config.test.js',
    'points the cache elsewhere',
    'test',
    {
      config_changes: [
        {
          config_path: 'env.CACHE_DIR',
          old_value: null,
          new_value: '/tmp/elsewhere',
          affected_modules: ['cache.store'],
        },
      ],
    },
  ],
  [
    'records a top-level beforeAll leak against the file',
    'fileScope.test.js',
    'fileScope.test.js',
    'file',
    {
      leaked_resource_ids: ['socket:exporter'],
      resources: [
        { resource_id: 'socket:exporter', owner_module: 'metrics.exporter', state: 'active' },
      ],
    },
  ],
];

describe.each(RUNS.map(([name]) => name))('%s', (name) => {
  test('writes a report that the shipped JSON Schema accepts', () => {
    expect(schemaErrors(reportOf(name))).toEqual([]);
  });

  test.each(KNOWN)('%s', (_case, path, scopeName, kind, expected) => {
    expect(scopeOf(reportOf(name), path, scopeName, kind)).toMatchObject(expected);
  });

  test('keeps two tests of the same name apart, in the order they ran', () => {
    const twins = fileOf(reportOf(name), 'cache.test.js').scopes.filter(
      (scope) => scope.name === 'repeats its name',
    );

    expect(
      twins.map((scope) => [
        scope.status,
        scope.leaked_resource_ids,
        scope.resources.map((record) => record.state),
      ]),
    ).toEqual([
      ['failed', ['connection:first'], ['active']],
      ['passed', [], ['released']],
    ]);
  });

  test('lists every file, with its status and the leak that failed it', () => {
    const report = reportOf(name);

    expect(report.files.map((file) => [file.path, file.status, file.records])).toEqual([
      ['cache.test.js', 'failed', 'complete'],
      ['config.test.js', 'passed', 'complete'],
      ['errors.test.js', 'passed', 'complete'],
      ['fileScope.test.js', 'failed', 'complete'],
    ]);
    expect(fileOf(report, 'fileScope.test.js').failure_message).toMatch(
      /^Test file fileScope\.test\.js leaked 1 resource: opened at load time or in a top-level beforeAll hook/,
    );
  });

  test('summarises leaks by module and type, errors by module pair, and config paths', () => {
    const { summary } = reportOf(name);

    expect(summary).toMatchObject({
      files: 4,
      tests: 14,
      tests_by_status: { failed: 3, passed: 9, pending: 1, todo: 1 },
      files_without_records: 0,
      leaked_resources: 5,
      scopes_with_leaks: 5,
      errors: 3,
      config_changes: 2,
    });
    expect(summary.leaks_by_module.map((entry) => [entry.module, entry.count])).toEqual([
      ['api.server', 1],
      ['cache.store', 1],
      ['db.client', 1],
      ['db.pool', 1],
      ['metrics.exporter', 1],
    ]);
    expect(
      summary.errors_by_module.map((entry) => `${entry.source_module} -> ${entry.target_module}`),
    ).toEqual([
      'cache.store -> chunker.pipeline',
      'chunker.parser -> cli.main',
      'chunker.pipeline -> cli.main',
    ]);
    expect(summary.config_paths_changed.map((entry) => entry.config_path)).toEqual([
      'env.CACHE_DIR',
      'parser.timeout_ms',
    ]);
  });

  test('prints leaks by module, worst first, and where the report is', () => {
    expect(runOf(name).summary).toMatchInlineSnapshot(`
      "Integration report: 5 leaked resources in 5 scopes (14 tests in 4 files), by module, worst first:
        api.server        1 leak  tcp-server 1  worst: cache.test.js › leaks an adopted server (1)
        cache.store       1 leak  temp-dir 1    worst: cache.test.js › leaks its temp dir (1)
        db.client         1 leak  connection 1  worst: cache.test.js › repeats its name (1)
        db.pool           1 leak  pool 1        worst: cache.test.js › with a shared pool (1)
        metrics.exporter  1 leak  socket 1      worst: fileScope.test.js (1)
        3 cross-module errors (cache.store → chunker.pipeline 1, chunker.parser → cli.main 1, chunker.pipeline → cli.main 1), 2 config changes to 2 paths
        Report: integration-report/integration-report.html
      "
    `);
  });

  test('removes the run’s records folder when the run ends', () => {
    expect(runOf(name).leftovers).toEqual([]);
  });
});

test('the records came from Jest’s main process, its worker threads or its worker processes', () => {
  const ranIn = (name: string) => {
    const { ppid, thread } = scopeOf(
      reportOf(name),
      'fileScope.test.js',
      'fileScope.test.js',
      'file',
    ).resources[0]?.metadata as { ppid: number; thread: number };
    // This test started Jest's main process: a file run there (or in one of its threads) has
    // this test's process as parent, a file run in a worker process has Jest's main process.
    return ppid !== process.pid ? 'worker process' : thread === 0 ? 'main thread' : 'worker thread';
  };

  expect(RUNS.map(([name]) => [name, ranIn(name)])).toEqual([
    ['Jest 30 with workers', 'worker process'],
    ['Jest 30 in band', 'main thread'],
    ['Jest 30 with worker threads', 'worker thread'],
    ['Jest 29 with workers', 'worker process'],
    ['Jest 29 in band', 'main thread'],
    ['Jest 29 with worker threads', 'worker thread'],
  ]);
});

test('every run, in band or with workers, under Jest 29 or 30, gives the same report', () => {
  const [first, ...others] = RUNS.map(([name]) => comparable(reportOf(name)));

  for (const other of others) {
    expect(other).toEqual(first);
  }
});

describe('without the reporter', () => {
  let folder: string;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'foreign-channel-'));
  });

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  test('the environment writes nothing, even with a channel inherited from another Jest', async () => {
    process.env[CHANNEL_VARIABLE] = JSON.stringify({
      version: 1,
      run_id: 'outer-run',
      directory: folder,
      pid: 1,
    });
    let run: ReporterRun;
    try {
      run = await runReporterFixture('reporter', {
        jest: 30,
        reporter: false,
        args: ['--runInBand'],
      });
    } finally {
      delete process.env[CHANNEL_VARIABLE];
    }
    const wroteReport = existsSync(join(run.project, 'integration-report'));
    run.remove();

    expect(run.run.exitCode).toBe(1);
    expect([wroteReport, run.leftovers, readdirSync(folder)]).toEqual([false, [], []]);
  }, 120_000);
});

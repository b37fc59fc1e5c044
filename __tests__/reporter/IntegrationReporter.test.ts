import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import IntegrationReporterEntry from '../../entry/reporter';
import type { JestFileResult } from '../../reporter/buildReportFile';
import type { IntegrationReport } from '../../reporter/IntegrationReport';
import { IntegrationReporter } from '../../reporter/IntegrationReporter';
import { CHANNEL_VARIABLE, findChannel, writeRecordsFile } from '../../reporter/RecordsChannel';
import type { ScopeRecords } from '../../reporter/RecordsChannel';
import { resolveReporterOptions } from '../../reporter/reporterOptions';
import { brandOf } from '../../src/brand';
import { IntegrationError } from '../../src/IntegrationError';

let rootDir: string;
let stderr: jest.SpiedFunction<typeof process.stderr.write>;

beforeEach(() => {
  rootDir = mkdtempSync(join(tmpdir(), 'reporter-unit-'));
  stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  stderr.mockRestore();
  rmSync(rootDir, { recursive: true, force: true });
  delete process.env[CHANNEL_VARIABLE];
});

function jestResult(
  testFilePath: string,
  tests: Array<[string[], string, string]>,
): JestFileResult {
  return {
    testFilePath,
    numFailingTests: tests.filter((entry) => entry[2] === 'failed').length,
    failureMessage: null,
    perfStats: { start: 1000, end: 1040 },
    testResults: tests.map(([ancestorTitles, title, status]) => ({
      ancestorTitles,
      title,
      status,
      duration: 3,
    })),
  };
}

function recordedScope(name: string, parts: Partial<ScopeRecords> = {}): ScopeRecords {
  return {
    kind: 'test',
    name,
    started_at: 1_000,
    finished_at: 1_010,
    leak_mode: 'fail',
    leaked_resource_ids: [],
    resources: [],
    omitted_resources: 0,
    errors: [],
    config_changes: [],
    ...parts,
  };
}

const leakedDir = {
  resource_id: '/tmp/a',
  resource_type: 'temp-dir',
  owner_module: 'cache',
  created_at: 1_002,
  state: 'active',
  metadata: { creation_site: 'cache.test.js:4:3' },
};

/** One run of the reporter, as Jest drives it, with one test file whose environment wrote records. */
function runReporter(
  options: Record<string, unknown> = {},
  shard?: { shardIndex: number; shardCount: number },
) {
  const reporter = new IntegrationReporter({ rootDir, shard }, options);
  reporter.onRunStart({ startTime: 500 });
  const channel = findChannel();
  const testPath = join(rootDir, 'src', 'cache.test.js');
  if (channel !== undefined) {
    writeRecordsFile(channel, 'project-a', {
      test_path: testPath,
      complete: true,
      scopes: [
        recordedScope('cache › leaks', { leaked_resource_ids: ['/tmp/a'], resources: [leakedDir] }),
        recordedScope('cache › passes'),
        recordedScope('src/cache.test.js', { kind: 'file' }),
      ],
    });
  }
  reporter.onTestFileResult(
    { path: testPath, context: { config: { id: 'project-a', displayName: { name: 'unit' } } } },
    jestResult(testPath, [
      [['cache'], 'leaks', 'failed'],
      [['cache'], 'passes', 'passed'],
      [['cache'], 'is skipped', 'skipped'],
    ]),
  );
  reporter.onTestFileResult(
    { path: join(rootDir, 'other.test.js'), context: { config: { id: 'project-a' } } },
    jestResult(join(rootDir, 'other.test.js'), [[[], 'ran elsewhere', 'passed']]),
  );
  reporter.onRunComplete();
  return { reporter, channel };
}

function readReport(folder = join(rootDir, 'integration-report')): IntegrationReport {
  return JSON.parse(
    readFileSync(join(folder, 'integration-report.json'), 'utf8'),
  ) as IntegrationReport;
}

describe('IntegrationReporter', () => {
  test('is the default export of jest-environment-integration/reporter, branded', () => {
    expect(IntegrationReporterEntry).toBe(IntegrationReporter);
    expect(brandOf(new IntegrationReporter({ rootDir }))).toBe('IntegrationReporter');
  });

  test('opens the run’s records channel when the run starts, before Jest starts its workers', () => {
    const reporter = new IntegrationReporter({ rootDir });
    expect(process.env[CHANNEL_VARIABLE]).toBeUndefined();

    reporter.onRunStart({ startTime: 1 });

    expect(findChannel()).toEqual(expect.objectContaining({ pid: process.pid }));
    reporter.onRunComplete();
  });

  test('matches Jest’s tests with their records, and lists files the environment did not record', () => {
    runReporter();

    const report = readReport();
    expect(
      report.files.map((file) => [file.path, file.project, file.status, file.records]),
    ).toEqual([
      ['other.test.js', null, 'passed', 'missing'],
      ['src/cache.test.js', 'unit', 'failed', 'complete'],
    ]);
    expect(
      report.files[1]?.scopes.map((scope) => [
        scope.kind,
        scope.name,
        scope.status,
        scope.leaked_resource_ids,
      ]),
    ).toEqual([
      ['test', 'cache › leaks', 'failed', ['/tmp/a']],
      ['test', 'cache › passes', 'passed', []],
      ['test', 'cache › is skipped', 'skipped', []],
      ['file', 'src/cache.test.js', null, []],
    ]);
    expect(report.files[1]?.scopes[0]?.resources).toEqual([leakedDir]);
    expect(report.run).toEqual({
      started_at: 500,
      finished_at: expect.any(Number),
      shard: null,
      merged_from: [],
    });
  });

  test('removes the run’s records folder and variable when the run completes', () => {
    const { channel } = runReporter();

    expect(channel === undefined ? true : existsSync(channel.directory)).toBe(false);
    expect(process.env[CHANNEL_VARIABLE]).toBeUndefined();
  });

  test('writes the HTML report beside the JSON, and prints leaks by module', () => {
    runReporter();

    expect(
      readFileSync(join(rootDir, 'integration-report', 'integration-report.html'), 'utf8'),
    ).toMatch(/^<!doctype html>/);
    const printed = stderr.mock.calls
      .map((call) => String(call[0]))
      .join('')
      .replace(relative(process.cwd(), rootDir), '<root>');
    expect(printed).toMatchInlineSnapshot(`
      "
      Integration report: 1 leaked resource in 1 scope (4 tests in 2 files), by module, worst first:
        cache  1 leak  temp-dir 1  worst: src/cache.test.js › cache › leaks (1)
        0 cross-module errors, 0 config changes to 0 paths
        1 file recorded nothing: not run by the integration environment, or failed before it started.
        Report: <root>/integration-report/integration-report.html
      "
    `);
  });

  test.each([
    [
      'a relative outputDir, under rootDir',
      { outputDir: 'reports/integration' },
      ['reports', 'integration'],
    ],
    ['an absolute outputDir', { outputDir: '<root>/elsewhere' }, ['elsewhere']],
  ])('writes to %s', (_case, options, folder) => {
    runReporter({ outputDir: options.outputDir.replace('<root>', rootDir) });

    expect(readReport(join(rootDir, ...folder)).summary.tests).toBe(4);
  });

  test('writes no HTML with html: false, and prints nothing with summary: false', () => {
    runReporter({ html: false, summary: false });

    expect(existsSync(join(rootDir, 'integration-report', 'integration-report.json'))).toBe(true);
    expect(existsSync(join(rootDir, 'integration-report', 'integration-report.html'))).toBe(false);
    expect(stderr).not.toHaveBeenCalled();
  });

  test('records the shard a run was', () => {
    runReporter({}, { shardIndex: 2, shardCount: 3 });

    expect(readReport().run.shard).toBe('2/3');
  });

  test('fails the run, through getLastError, when the report cannot be written', () => {
    writeFileSync(join(rootDir, 'taken'), 'a file, not a folder');

    const { reporter, channel } = runReporter({ outputDir: 'taken' });

    expect(reporter.getLastError()?.message).toMatch(
      /^jest-environment-integration\/reporter could not write the integration report to .*taken: EEXIST/,
    );
    expect(channel === undefined ? true : existsSync(channel.directory)).toBe(false);
  });

  test('starts each run afresh (watch mode), with nothing of the run before', () => {
    const reporter = new IntegrationReporter({ rootDir });
    reporter.onRunStart();
    reporter.onTestFileResult(
      { path: join(rootDir, 'a.test.js') },
      jestResult(join(rootDir, 'a.test.js'), [[[], 'a', 'passed']]),
    );
    reporter.onRunComplete();
    reporter.onRunStart();
    reporter.onRunComplete();

    expect(readReport().files).toEqual([]);
    expect(reporter.getLastError()).toBeUndefined();
  });
});

describe('reporter options', () => {
  test('default to a report folder under rootDir, with HTML and a summary', () => {
    expect(resolveReporterOptions(undefined, '/repo')).toEqual({
      outputDir: join('/repo', 'integration-report'),
      html: true,
      summary: true,
    });
  });

  test.each([
    [
      [],
      "reporters: [['jest-environment-integration/reporter', options]]: options must be an object (outputDir, html, summary), but received array [].",
    ],
    [
      { outDir: 'x' },
      "reporters: [['jest-environment-integration/reporter', options]]: unknown option `outDir` (received string 'x'). Known options are: outputDir, html, summary.",
    ],
    [
      { outputDir: '' },
      "reporters: [['jest-environment-integration/reporter', options]]: option `outputDir` must be a folder path such as 'integration-report' (relative to rootDir), but received string ''.",
    ],
    [
      { html: 'yes' },
      "reporters: [['jest-environment-integration/reporter', options]]: option `html` must be true or false, but received string 'yes'.",
    ],
    [
      { summary: 1 },
      "reporters: [['jest-environment-integration/reporter', options]]: option `summary` must be true or false, but received number 1.",
    ],
  ])('refuse %j when Jest loads the reporter, before any test runs', (options, message) => {
    let error: unknown;
    try {
      new IntegrationReporter({ rootDir }, options as never);
    } catch (caught) {
      error = caught;
    }

    expect(IntegrationError.is(error) && [error.code, error.message]).toEqual([
      'INVALID_OPTION',
      message,
    ]);
  });
});

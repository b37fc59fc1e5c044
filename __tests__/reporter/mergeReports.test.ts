import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IntegrationReport } from '../../reporter/IntegrationReport';
import { mergeReports } from '../../reporter/mergeReports';
import { runCli } from '../../reporter/runCli';
import { IntegrationError } from '../../src/IntegrationError';
import { file, report, resource, scope } from './reportBuilders';

const leaky = scope('cache › leaks', {
  status: 'failed',
  resources: [resource('watch:1', 'fs-watcher', 'cache.watch', { to: null })],
  leaked_resource_ids: ['watch:1'],
});
const clean = scope('parser › parses');
const shardOne = report([file('cache.test.ts', [leaky])], { shard: '1/2' });
const shardTwo = report([file('parser.test.ts', [clean])], { shard: '2/2' });
const wholeRun = report([file('cache.test.ts', [leaky]), file('parser.test.ts', [clean])]);

function merged(...reports: IntegrationReport[]): IntegrationReport {
  return mergeReports(
    reports.map((entry, index) => ({ path: `r${index + 1}.json`, report: entry })),
  );
}

function thrown(run: () => unknown): IntegrationError {
  try {
    run();
  } catch (error) {
    if (IntegrationError.is(error)) {
      return error;
    }
    throw error;
  }
  throw new Error('did not throw');
}

describe('mergeReports', () => {
  test('gives the shards of a run the files and summary of the whole run', () => {
    const result = merged(shardTwo, shardOne);

    expect(result.files).toEqual(wholeRun.files);
    expect(result.summary).toEqual(wholeRun.summary);
    expect(result.conflicts).toEqual([]);
  });

  test('names the reports it was made of, with their shards, and spans their run times', () => {
    const result = merged(shardOne, shardTwo);

    expect(result.run).toEqual({
      started_at: shardOne.run.started_at,
      finished_at: shardOne.run.finished_at,
      shard: null,
      merged_from: [
        { path: 'r1.json', shard: '1/2', generated_at: shardOne.generated_at },
        { path: 'r2.json', shard: '2/2', generated_at: shardTwo.generated_at },
      ],
    });
  });

  test('counts a test held by two reports with the same records once', () => {
    const result = merged(shardOne, shardOne, shardTwo);

    expect(result.summary.tests).toBe(2);
    expect(result.summary.leaked_resources).toBe(1);
    expect(result.conflicts).toEqual([]);
  });

  test('keeps the first report’s records of a test two reports disagree on, and lists it', () => {
    const passedElsewhere = report([
      file('cache.test.ts', [{ ...leaky, status: 'passed', leaked_resource_ids: [] }]),
    ]);

    const result = merged(shardOne, passedElsewhere, passedElsewhere);

    expect(result.files[0]?.scopes).toEqual([leaky]);
    expect(result.files[0]?.status).toBe('failed');
    expect(result.conflicts).toEqual([
      {
        file: 'cache.test.ts',
        project: null,
        kind: 'test',
        name: 'cache › leaks',
        sources: ['r1.json', 'r2.json', 'r3.json'],
      },
    ]);
  });

  test('tells apart tests of the same name in one file by their order', () => {
    const twins = report([
      file('twins.test.ts', [scope('repeats'), scope('repeats', { status: 'failed' })]),
    ]);

    expect(merged(twins, twins).files[0]?.scopes.map((entry) => entry.status)).toEqual([
      'passed',
      'failed',
    ]);
  });

  test('keeps the same path of two projects apart', () => {
    const unit = report([file('a.test.ts', [clean], { project: 'unit' })]);
    const e2e = report([file('a.test.ts', [leaky], { project: 'e2e' })]);

    expect(merged(unit, e2e).files.map((entry) => [entry.project, entry.path])).toEqual([
      ['e2e', 'a.test.ts'],
      ['unit', 'a.test.ts'],
    ]);
  });

  test('merges merged reports, keeping their sources and conflicts', () => {
    const once = merged(shardOne, shardTwo);

    expect(merged(once, shardOne).run.merged_from.map((source) => source.path)).toEqual([
      'r1.json',
      'r2.json',
      'r2.json',
    ]);
  });

  test.each([
    [
      'not an object',
      'nope',
      'reports[0] (r1.json) is not an integration report (no "format": "jest-environment-integration/report")',
    ],
    [
      'a report of another version',
      { ...shardOne, version: 2 },
      'reports[0] (r1.json) has report version number 2, but this version of jest-environment-integration reads version 1; merge with the version that wrote it',
    ],
    [
      'a report without files',
      { ...shardOne, files: undefined },
      'reports[0] (r1.json) is incomplete (it lacks "run", "files" or "conflicts")',
    ],
    [
      'a file without scopes',
      { ...shardOne, files: [{ path: 'a.test.ts' }] },
      'reports[0] (r1.json) is incomplete (files[0] lacks "path" or "scopes")',
    ],
    [
      'a scope without records',
      { ...shardOne, files: [{ path: 'a.test.ts', scopes: [{ name: 'x' }] }] },
      'reports[0] (r1.json) is incomplete (a scope of a.test.ts lacks its name or records)',
    ],
  ])('refuses %s, saying which report and what to pass', (_case, value, problem) => {
    const error = thrown(() => mergeReports([{ path: 'r1.json', report: value }]));

    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe(
      `mergeReports(reports): ${problem}. Pass the integration-report.json files that jest-environment-integration/reporter wrote.`,
    );
  });

  test('refuses to merge nothing', () => {
    expect(thrown(() => mergeReports([])).message).toMatchInlineSnapshot(
      `"mergeReports(reports): \`reports\` must be a non-empty array of { path, report }, but received array []. Pass the integration-report.json of each shard."`,
    );
  });
});

describe('jest-integration-report merge', () => {
  let folder: string;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'merge-cli-'));
    writeFileSync(join(folder, 'one.json'), JSON.stringify(shardOne));
    writeFileSync(join(folder, 'two.json'), JSON.stringify(shardTwo));
    writeFileSync(join(folder, 'not-json.json'), '{"format":');
  });

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = runCli(argv, {
      cwd: folder,
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
    });
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  test('writes the merged JSON and HTML reports and prints the summary', () => {
    const { code, stdout, stderr } = cli(
      'merge',
      'one.json',
      'two.json',
      '--out',
      'out/merged.json',
      '--html=out/report.html',
    );

    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatchInlineSnapshot(`
      "Merged 2 reports.
      Integration report: 1 leaked resource in 1 scope (2 tests in 2 files), by module, worst first:
        cache.watch  1 leak  fs-watcher 1  worst: cache.test.ts › cache › leaks (1)
        0 cross-module errors, 0 config changes to 0 paths
        Report: out/merged.json, out/report.html
      "
    `);
    const written = JSON.parse(
      readFileSync(join(folder, 'out', 'merged.json'), 'utf8'),
    ) as IntegrationReport;
    expect(written.files).toEqual(wholeRun.files);
    expect(readFileSync(join(folder, 'out', 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  test('exits with 1 and lists the tests two reports disagree on', () => {
    const other = report([file('cache.test.ts', [{ ...leaky, status: 'passed' }])]);
    writeFileSync(join(folder, 'other.json'), JSON.stringify(other));

    const { code, stderr } = cli('merge', 'one.json', 'other.json', '--out', 'conflicted.json');

    expect(code).toBe(1);
    expect(stderr).toMatchInlineSnapshot(`
      "jest-integration-report: 1 test appeared in more than one report with different records; the first report's records were kept:
        cache.test.ts › cache › leaks (one.json, other.json)
      "
    `);
    expect(existsSync(join(folder, 'conflicted.json'))).toBe(true);
  });

  test.each([
    [
      ['merge', 'one.json'],
      'say where the merged report goes: --out merged.json, --html report.html, or both.',
    ],
    [
      ['merge', '--out', 'x.json'],
      'merge needs at least one report, as in merge shard-1.json shard-2.json.',
    ],
    [['merge', 'one.json', '--out'], '--out needs a file name, as in --out merged.json.'],
    [
      ['merge', 'one.json', '--html', '--out', 'x.json'],
      '--html needs a file name, as in --html report.html.',
    ],
    [['merge', 'one.json', '--pretty', '--out', 'x.json'], 'unknown option --pretty.'],
    [['combine', 'one.json'], 'unknown command "combine"; the command is "merge".'],
  ])('refuses %j with exit code 2, the problem and the usage', (argv, problem) => {
    const { code, stdout, stderr } = cli(...argv);

    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toMatch(
      new RegExp(
        `^jest-integration-report: ${problem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n\nUsage: jest-integration-report merge`,
      ),
    );
  });

  test.each([
    ['a missing file', 'missing.json', 'cannot read missing.json: ENOENT.'],
    ['a file that is not JSON', 'not-json.json', /^not-json\.json is not JSON \(.+\)\.$/],
  ])('refuses %s with exit code 2, writing nothing', (_case, input, problem) => {
    const { code, stderr } = cli('merge', 'one.json', input, '--out', 'never.json');

    expect(code).toBe(2);
    expect(stderr.replace(/^jest-integration-report: /, '').trimEnd()).toMatch(problem);
    expect(existsSync(join(folder, 'never.json'))).toBe(false);
  });

  test('refuses a file that is not an integration report, naming it', () => {
    writeFileSync(join(folder, 'results.json'), JSON.stringify({ numTotalTests: 3 }));

    const { code, stderr } = cli('merge', 'one.json', 'results.json', '--out', 'never.json');

    expect(code).toBe(2);
    expect(stderr).toMatchInlineSnapshot(`
      "jest-integration-report: reports[1] (results.json) is not an integration report (no "format": "jest-environment-integration/report"). Pass the integration-report.json files that jest-environment-integration/reporter wrote.
      "
    `);
  });

  test('prints the usage with --help (exit 0) and without arguments (exit 2)', () => {
    expect(cli('--help')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: /) });
    expect(cli()).toMatchObject({ code: 2, stderr: expect.stringMatching(/^Usage: /) });
  });
});

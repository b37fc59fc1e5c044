import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IntegrationReport } from '../../reporter/IntegrationReport';
import { comparable, runReporterFixture, schemaErrors } from './runReporterFixture';
import type { ReporterRun } from './runReporterFixture';

/**
 * `jest --shard=1/2` and `--shard=2/2` of the reporter fixture, as two CI machines would run
 * them, merged by the package's own `jest-integration-report` command (the built one), must
 * give the report of one run of every test.
 */
let full: ReporterRun;
let shards: ReporterRun[];
let folder: string;
let cli: string;

beforeAll(async () => {
  full = await runReporterFixture('reporter', { jest: 30, args: ['--runInBand'] });
  shards = [];
  for (const shard of ['1/2', '2/2']) {
    shards.push(
      await runReporterFixture('reporter', { jest: 30, args: ['--runInBand', `--shard=${shard}`] }),
    );
  }
  folder = mkdtempSync(join(tmpdir(), 'shards-'));
  shards.forEach((run, index) => {
    cpSync(
      join(run.project, 'integration-report', 'integration-report.json'),
      join(folder, `shard-${index + 1}.json`),
    );
  });
  cli = join(
    full.project,
    '..',
    'node_modules',
    'jest-environment-integration',
    'dist',
    'reporter',
    'cli.js',
  );
}, 300_000);

afterAll(() => {
  for (const run of [full, ...shards]) {
    run?.remove();
  }
  rmSync(folder, { recursive: true, force: true });
});

function merge(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, 'merge', ...args], {
    cwd: folder,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function read(name: string): IntegrationReport {
  return JSON.parse(readFileSync(join(folder, name), 'utf8')) as IntegrationReport;
}

test('each shard reports its own part of the files, and says which shard it was', () => {
  const [one, two] = shards.map((run) => run.report as IntegrationReport);
  const paths = (report: IntegrationReport | undefined) =>
    report?.files.map((file) => file.path) ?? [];

  expect([one?.run.shard, two?.run.shard]).toEqual(['1/2', '2/2']);
  expect(paths(one).length).toBeGreaterThan(0);
  expect(paths(two).length).toBeGreaterThan(0);
  expect([...paths(one), ...paths(two)].sort()).toEqual(paths(full.report));
});

test('the merge of the shards is the report of the whole run, every test counted once', () => {
  const { code, stdout, stderr } = merge(
    'shard-1.json',
    'shard-2.json',
    '--out',
    'merged.json',
    '--html',
    'merged.html',
  );

  expect([code, stderr]).toEqual([0, '']);
  expect(stdout).toMatch(
    /^Merged 2 reports\.\nIntegration report: 5 leaked resources in 5 scopes \(14 tests in 4 files\)/,
  );
  const merged = read('merged.json');
  expect(schemaErrors(merged)).toEqual([]);
  expect(comparable(merged)).toEqual(comparable(full.report as IntegrationReport));
  expect(merged.run.merged_from.map((source) => [source.path, source.shard])).toEqual([
    ['shard-1.json', '1/2'],
    ['shard-2.json', '2/2'],
  ]);
  expect(readFileSync(join(folder, 'merged.html'), 'utf8')).toContain('"leaked_resources":5');
});

test('a shard report given twice (a re-uploaded artifact) changes nothing', () => {
  const { code } = merge('shard-1.json', 'shard-2.json', 'shard-1.json', '--out', 'twice.json');

  expect(code).toBe(0);
  expect(comparable(read('twice.json'))).toEqual(comparable(full.report as IntegrationReport));
});

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import type { IntegrationReport, ReportFile, ReportScope } from '../../reporter/IntegrationReport';
import { runFixture } from '../environment/runFixture';
import type { FixtureRun, RunFixtureOptions } from '../environment/runFixture';

/** The reporter's fixture projects live beside the environment's. */
export const REPORTER_FIXTURES = resolve(__dirname, '..', 'fixtures');

const schema = JSON.parse(
  readFileSync(
    resolve(__dirname, '..', '..', 'reporter', 'integration-report.schema.json'),
    'utf8',
  ),
) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

/** A fixture run with the reporter, and what it wrote. */
export interface ReporterRun {
  run: FixtureRun;
  /** `integration-report.json`, parsed; `undefined` if the run wrote none. */
  report: IntegrationReport | undefined;
  /** `integration-report.html`, as text. */
  html: string | undefined;
  /** The summary the reporter printed, from its first line to the one naming the report. */
  summary: string;
  /** Records folders left behind in the run's temporary folder (there should be none). */
  leftovers: string[];
  /** The report's files, and the project it ran in, kept until `remove()`. */
  project: string;
  remove(): void;
}

/**
 * Runs Jest on a fixture under `__tests__/fixtures/` with the reporter added on the command
 * line (so it writes to the default `<rootDir>/integration-report`), in a temporary folder
 * of its own (`TMPDIR`), so that records folders left behind can be seen.
 */
export async function runReporterFixture(
  fixture: string,
  options: RunFixtureOptions & { reporter?: boolean } = {},
): Promise<ReporterRun> {
  const temporary = mkdtempSync(join(tmpdir(), 'reporter-e2e-tmp-'));
  const previous = process.env['TMPDIR'];
  process.env['TMPDIR'] = temporary;
  let run: FixtureRun;
  try {
    run = await runFixture(fixture, {
      ...options,
      fixturesRoot: REPORTER_FIXTURES,
      keepProject: true,
      args: [
        ...(options.reporter === false
          ? []
          : ['--reporters', 'jest-environment-integration/reporter']),
        ...(options.args ?? []),
      ],
    });
  } finally {
    if (previous === undefined) {
      delete process.env['TMPDIR'];
    } else {
      process.env['TMPDIR'] = previous;
    }
  }
  const output = join(run.project, 'integration-report');
  const jsonFile = join(output, 'integration-report.json');
  const htmlFile = join(output, 'integration-report.html');
  const leftovers = readdirSync(temporary).filter((name) =>
    name.startsWith('jest-integration-records-'),
  );
  rmSync(temporary, { recursive: true, force: true });
  const start = run.stderr.indexOf('Integration report:');
  const end = run.stderr.indexOf('\n', run.stderr.indexOf('\n  Report: ', start) + 1);
  return {
    run,
    report: existsSync(jsonFile)
      ? (JSON.parse(readFileSync(jsonFile, 'utf8')) as IntegrationReport)
      : undefined,
    html: existsSync(htmlFile) ? readFileSync(htmlFile, 'utf8') : undefined,
    summary: start === -1 ? '' : run.stderr.slice(start, end === -1 ? undefined : end + 1),
    leftovers,
    project: run.project,
    remove: () => rmSync(run.project, { recursive: true, force: true }),
  };
}

/** The schema's complaints about a report, one line each; `[]` when it is valid. */
export function schemaErrors(report: unknown): string[] {
  return validate(report)
    ? []
    : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

/** The scope of that kind and name in the file at that path; throws if absent. */
export function scopeOf(
  report: IntegrationReport,
  file: string,
  name: string,
  kind: ReportScope['kind'] = 'test',
): ReportScope {
  const found = fileOf(report, file).scopes.filter(
    (scope) => scope.kind === kind && scope.name === name,
  );
  if (found.length !== 1) {
    throw new Error(`Expected one ${kind} "${name}" in ${file}, found ${found.length}`);
  }
  return found[0] as ReportScope;
}

export function fileOf(report: IntegrationReport, path: string): ReportFile {
  const file = report.files.find((candidate) => candidate.path === path);
  if (file === undefined) {
    throw new Error(`No file ${path} in the report: ${report.files.map((f) => f.path).join(', ')}`);
  }
  return file;
}

/**
 * A report without what differs between two runs of the same tests (times, durations,
 * creation stacks, paths of the project): what must be equal across runs.
 */
export function comparable(report: IntegrationReport): unknown {
  return {
    summary: report.summary,
    conflicts: report.conflicts,
    files: report.files.map((file) => ({
      path: file.path,
      project: file.project,
      status: file.status,
      records: file.records,
      // Its first line: the rest holds ages and absolute paths.
      failure_message: file.failure_message?.split('\n')[0] ?? null,
      scopes: file.scopes.map((scope) => ({
        kind: scope.kind,
        name: scope.name,
        status: scope.status,
        leak_mode: scope.leak_mode,
        leaked_resource_ids: scope.leaked_resource_ids,
        omitted_resources: scope.omitted_resources,
        resources: scope.resources.map((record) => ({
          resource_id: record.resource_id,
          resource_type: record.resource_type,
          owner_module: record.owner_module,
          state: record.state,
          creation_site: record.metadata['creation_site'],
          closed_by: record.metadata['closed_by'],
        })),
        errors: scope.errors.map((context) => ({
          source_module: context.source_module,
          target_module: context.target_module,
          operation: context.operation,
          error_type: context.error_type,
          error_message: context.error_message,
        })),
        config_changes: scope.config_changes.map((change) => ({
          config_path: change.config_path,
          old_value: change.old_value,
          new_value: change.new_value,
          affected_modules: change.affected_modules,
        })),
      })),
    })),
  };
}

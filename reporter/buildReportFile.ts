import { relative } from 'node:path';
import type { ReportFile, ReportScope } from './IntegrationReport';
import type { RecordsFile, ScopeRecords } from './RecordsChannel';

/**
 * The parts of Jest's per-file `TestResult` the reporter reads, typed here rather than
 * imported so that one build serves Jest 29 and 30 (whose `@jest/test-result` differ).
 */
export interface JestFileResult {
  testFilePath: string;
  numFailingTests: number;
  failureMessage?: string | null;
  /** Errors outside any test (circus puts them in `stack`, with an empty `message`). */
  testExecError?: { message?: unknown; stack?: unknown } | null;
  perfStats?: { runtime?: number; start?: number; end?: number };
  testResults: JestTestCaseResult[];
}

/** One test of a file as Jest reports it. */
export interface JestTestCaseResult {
  ancestorTitles: string[];
  title: string;
  status: string;
  duration?: number | null;
  /** How many times the test ran (more than once with `jest.retryTimes`). */
  invocations?: number;
}

/** Statuses of tests that never ran, for which the environment records nothing. */
const NOT_RUN = new Set(['skipped', 'pending', 'todo', 'disabled']);

/**
 * A test file's entry in the report: Jest's tests matched with the environment's records
 * of them (by full name, in order, so that two tests of the same name each get their own),
 * followed by the records of its `describe` blocks and top level.
 *
 * @example
 * buildReportFile({ result, records, rootDir: '/repo', project: null });
 * // { path: 'src/cache.test.ts', status: 'failed', records: 'complete', scopes: [...] }
 */
export function buildReportFile(input: {
  result: JestFileResult;
  records: RecordsFile | undefined;
  rootDir: string;
  project: string | null;
}): ReportFile {
  const { result, records } = input;
  const testScopes = new Map<string, ScopeRecords[]>();
  const otherScopes: ScopeRecords[] = [];
  for (const scope of records?.scopes ?? []) {
    if (scope.kind === 'test') {
      const sameName = testScopes.get(scope.name) ?? [];
      sameName.push(scope);
      testScopes.set(scope.name, sameName);
    } else {
      otherScopes.push(scope);
    }
  }
  const scopes: ReportScope[] = result.testResults.map((test) => {
    const name = [...test.ancestorTitles, test.title].join(' › ');
    // A retried test ran (and was recorded) once per attempt: its last attempt is the result.
    const attempts = NOT_RUN.has(test.status) ? 0 : Math.max(1, test.invocations ?? 1);
    const recorded = testScopes.get(name)?.splice(0, attempts).at(-1);
    return reportScope(recorded, {
      kind: 'test',
      name,
      status: test.status,
      duration_ms: typeof test.duration === 'number' ? test.duration : null,
    });
  });
  // Recorded tests Jest did not report (the file crashed after they ran) still count.
  for (const [name, unmatched] of testScopes) {
    for (const scope of unmatched) {
      scopes.push(reportScope(scope, { kind: 'test', name, status: null, duration_ms: null }));
    }
  }
  for (const scope of otherScopes) {
    scopes.push(
      reportScope(scope, {
        kind: scope.kind,
        name: scope.kind === 'file' ? toReportPath(result.testFilePath, input.rootDir) : scope.name,
        status: null,
        duration_ms: scope.finished_at - scope.started_at,
      }),
    );
  }
  const execError = execErrorText(result.testExecError);
  const failed =
    result.numFailingTests > 0 ||
    (result.testExecError !== undefined && result.testExecError !== null) ||
    (typeof result.failureMessage === 'string' && result.failureMessage !== '');
  const { start, end } = result.perfStats ?? {};
  return {
    path: toReportPath(result.testFilePath, input.rootDir),
    project: input.project,
    status: failed ? 'failed' : 'passed',
    records: records === undefined ? 'missing' : records.complete ? 'complete' : 'partial',
    failure_message: execError,
    duration_ms: typeof start === 'number' && typeof end === 'number' ? end - start : null,
    scopes,
  };
}

/** A path relative to the root, with `/`, so that reports of several machines agree. */
export function toReportPath(file: string, rootDir: string): string {
  const shown = relative(rootDir, file);
  return (shown === '' || shown.startsWith('..') ? file : shown).replace(/\\/g, '/');
}

function reportScope(
  recorded: ScopeRecords | undefined,
  jest: Pick<ReportScope, 'kind' | 'name' | 'status' | 'duration_ms'>,
): ReportScope {
  return {
    ...jest,
    started_at: recorded?.started_at ?? null,
    finished_at: recorded?.finished_at ?? null,
    leak_mode: recorded?.leak_mode ?? null,
    leaked_resource_ids: recorded?.leaked_resource_ids ?? [],
    resources: (recorded?.resources ?? []) as unknown as ReportScope['resources'],
    omitted_resources: recorded?.omitted_resources ?? 0,
    errors: (recorded?.errors ?? []) as unknown as ReportScope['errors'],
    config_changes: (recorded?.config_changes ?? []) as unknown as ReportScope['config_changes'],
  };
}

/** Long enough for a leak report of a dozen resources; a report is not a log. */
const MAX_FAILURE_MESSAGE = 8000;

function execErrorText(error: JestFileResult['testExecError']): string | null {
  const text = [error?.message, error?.stack].find(
    (candidate): candidate is string => typeof candidate === 'string' && candidate.trim() !== '',
  );
  if (text === undefined) {
    return null;
  }
  const plain = stripColours(text).trim();
  return plain.length > MAX_FAILURE_MESSAGE ? `${plain.slice(0, MAX_FAILURE_MESSAGE)}…` : plain;
}

function stripColours(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

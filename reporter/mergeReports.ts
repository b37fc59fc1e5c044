import { describeValue } from '../src/describeValue';
import { IntegrationError } from '../src/IntegrationError';
import { REPORT_FORMAT, REPORT_VERSION } from './IntegrationReport';
import type {
  IntegrationReport,
  ReportConflict,
  ReportFile,
  ReportScope,
  ReportSource,
} from './IntegrationReport';
import { sortReportFiles } from './sortReportFiles';
import { summarizeReport } from './summarizeReport';

/** A report to merge, with the name it is known by in messages and in `merged_from`. */
export interface NamedReport {
  /** Usually the path it was read from. */
  path: string;
  report: unknown;
}

interface MergedScope {
  scope: ReportScope;
  /** The report it was first found in. */
  source: string;
  json: string;
  conflict: ReportConflict | undefined;
}

interface MergedFile {
  file: ReportFile;
  scopes: Map<string, MergedScope>;
}

const RECORDS_RANK: Record<ReportFile['records'], number> = { missing: 0, partial: 1, complete: 2 };

/**
 * Merges the reports of `jest --shard=i/n` runs into the report of the whole run. A test is
 * known by its project, file path and full name (and its position among tests of the same
 * name in that file): reports holding it with the same records count it once; reports
 * holding it with different records keep the first report's version and list it in
 * `conflicts`. The summary is computed afresh from the merged files.
 *
 * @throws IntegrationError `INVALID_ARGUMENT` when a report is not an integration report
 *   of this version, or none is given.
 * @example
 * const merged = mergeReports([
 *   { path: 'shard-1.json', report: JSON.parse(readFileSync('shard-1.json', 'utf8')) },
 *   { path: 'shard-2.json', report: JSON.parse(readFileSync('shard-2.json', 'utf8')) },
 * ]);
 * merged.conflicts; // [] when no test ran in both shards with different outcomes
 */
export function mergeReports(reports: readonly NamedReport[]): IntegrationReport {
  if (!Array.isArray(reports) || reports.length === 0) {
    throw new IntegrationError(
      'INVALID_ARGUMENT',
      `mergeReports(reports): \`reports\` must be a non-empty array of { path, report }, but received ${describeValue(reports)}. Pass the integration-report.json of each shard.`,
      { argument: 'reports', received: reports },
    );
  }
  const checked = reports.map((entry, index) => ({
    path: entry.path,
    report: checkReport(entry.report, `reports[${index}] (${entry.path})`),
  }));
  const files = new Map<string, MergedFile>();
  const conflicts: ReportConflict[] = [];
  const sources: ReportSource[] = [];
  let startedAt: number | null = null;
  let finishedAt: number | null = null;

  for (const { path, report } of checked) {
    const merged = report.run.merged_from;
    sources.push(
      ...(merged.length > 0
        ? merged
        : [{ path, shard: report.run.shard, generated_at: report.generated_at }]),
    );
    conflicts.push(...report.conflicts);
    startedAt = earliest(startedAt, report.run.started_at);
    finishedAt = latest(finishedAt, report.run.finished_at);
    for (const file of report.files) {
      const fileKey = `${file.project ?? ''}\u0000${file.path}`;
      let entry = files.get(fileKey);
      if (entry === undefined) {
        entry = { file: { ...file, scopes: [] }, scopes: new Map() };
        files.set(fileKey, entry);
      } else {
        entry.file = mergeFileFields(entry.file, file);
      }
      const occurrences = new Map<string, number>();
      for (const scope of file.scopes) {
        const name = `${scope.kind}\u0000${scope.name}`;
        const occurrence = occurrences.get(name) ?? 0;
        occurrences.set(name, occurrence + 1);
        const key = `${name}\u0000${occurrence}`;
        const json = JSON.stringify(scope);
        const existing = entry.scopes.get(key);
        if (existing === undefined) {
          entry.scopes.set(key, { scope, source: path, json, conflict: undefined });
          entry.file.scopes.push(scope);
        } else if (existing.json !== json) {
          if (existing.conflict === undefined) {
            existing.conflict = {
              file: file.path,
              project: file.project,
              kind: scope.kind,
              name: scope.name,
              sources: [existing.source, path],
            };
            conflicts.push(existing.conflict);
          } else if (!existing.conflict.sources.includes(path)) {
            existing.conflict.sources.push(path);
          }
        }
      }
    }
  }

  const mergedFiles = sortReportFiles([...files.values()].map((entry) => entry.file));
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    generated_at: Date.now(),
    run: { started_at: startedAt, finished_at: finishedAt, shard: null, merged_from: sources },
    summary: summarizeReport(mergedFiles),
    files: mergedFiles,
    conflicts,
  };
}

/**
 * Checks that a parsed file is a report this version can read, deeply enough that merging
 * cannot fail half-way: the top-level shape, each file and each scope's arrays.
 */
function checkReport(value: unknown, name: string): IntegrationReport {
  const report = value as Partial<IntegrationReport> | null;
  const fail = (problem: string): never => {
    throw new IntegrationError(
      'INVALID_ARGUMENT',
      `mergeReports(reports): ${name} ${problem}. Pass the integration-report.json files that jest-environment-integration/reporter wrote.`,
      { argument: name },
    );
  };
  if (typeof report !== 'object' || report === null || report.format !== REPORT_FORMAT) {
    return fail(`is not an integration report (no "format": "${REPORT_FORMAT}")`);
  }
  if (report.version !== REPORT_VERSION) {
    return fail(
      `has report version ${describeValue(report.version)}, but this version of jest-environment-integration reads version ${REPORT_VERSION}; merge with the version that wrote it`,
    );
  }
  if (
    typeof report.run !== 'object' ||
    report.run === null ||
    !Array.isArray(report.run.merged_from) ||
    !Array.isArray(report.files) ||
    !Array.isArray(report.conflicts)
  ) {
    return fail('is incomplete (it lacks "run", "files" or "conflicts")');
  }
  report.files.forEach((file, index) => {
    if (typeof file?.path !== 'string' || !Array.isArray(file.scopes)) {
      fail(`is incomplete (files[${index}] lacks "path" or "scopes")`);
    }
    for (const scope of file.scopes) {
      if (
        typeof scope?.name !== 'string' ||
        !Array.isArray(scope.resources) ||
        !Array.isArray(scope.leaked_resource_ids) ||
        !Array.isArray(scope.errors) ||
        !Array.isArray(scope.config_changes)
      ) {
        fail(`is incomplete (a scope of ${file.path} lacks its name or records)`);
      }
    }
  });
  return report as IntegrationReport;
}

/** A file reported by two reports: failed if either failed, recorded as well as the best did. */
function mergeFileFields(kept: ReportFile, other: ReportFile): ReportFile {
  return {
    ...kept,
    status: kept.status === 'failed' || other.status === 'failed' ? 'failed' : 'passed',
    records:
      RECORDS_RANK[other.records] > RECORDS_RANK[kept.records] ? other.records : kept.records,
    failure_message: kept.failure_message ?? other.failure_message,
    duration_ms: kept.duration_ms ?? other.duration_ms,
  };
}

function earliest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function latest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

import type { ConfigChangeEvent, ErrorContext, ResourceRecord } from '../src/records';

/** What the environment did with a scope that ended with resources open. */
export type LeakMode = 'fail' | 'warn' | 'off';

/** Marks a file as an integration report; checked before merging. */
export const REPORT_FORMAT = 'jest-environment-integration/report';

/** The report's shape version: bumped on any change that older readers would misread. */
export const REPORT_VERSION = 1;

/**
 * `integration-report.json`: every test of the run with its records, and a summary. Its
 * JSON Schema, `reporter/integration-report.schema.json`, is built into the package beside
 * the reporter (`dist/reporter/integration-report.schema.json`).
 *
 * @example
 * const report: IntegrationReport = JSON.parse(readFileSync('integration-report/integration-report.json', 'utf8'));
 * report.summary.leaks_by_module[0]; // { module: 'cache', count: 2, by_type: { timer: 2 }, scopes: 1, worst: [...] }
 */
export interface IntegrationReport {
  format: typeof REPORT_FORMAT;
  version: typeof REPORT_VERSION;
  generated_at: number;
  run: ReportRun;
  summary: ReportSummary;
  /** By project, then path. */
  files: ReportFile[];
  /** Tests that two merged reports hold with different records (see `mergeReports`). */
  conflicts: ReportConflict[];
}

/** Where the report's tests ran. */
export interface ReportRun {
  started_at: number | null;
  finished_at: number | null;
  /** The `jest --shard` this run was, as `'1/3'`; `null` for an unsharded run. */
  shard: string | null;
  /** For a merged report: the reports it was made of, in the order given. */
  merged_from: ReportSource[];
}

/** One report that went into a merged one. */
export interface ReportSource {
  /** As given on the command line. */
  path: string;
  shard: string | null;
  generated_at: number;
}

/** One test file. */
export interface ReportFile {
  /** Relative to Jest's `rootDir`, with `/`. */
  path: string;
  /** The project's `displayName`, in a multi-project run that names them. */
  project: string | null;
  status: 'passed' | 'failed';
  /**
   * `'complete'`: the environment recorded the whole file; `'partial'`: it was interrupted;
   * `'missing'`: it recorded nothing (another environment ran the file, or it failed to start).
   */
  records: 'complete' | 'partial' | 'missing';
  /** Why the file failed to run at all (`Test suite failed to run`), else `null`. */
  failure_message: string | null;
  duration_ms: number | null;
  /** Tests in the order Jest reported them, then `describe` blocks as they finished, then the file. */
  scopes: ReportScope[];
}

/** A test, a `describe` block (what its `beforeAll` hooks opened) or a file's top level. */
export interface ReportScope {
  kind: 'test' | 'describe' | 'file';
  /** `describe › test` for tests, the block's path for describe blocks, the file path for files. */
  name: string;
  /** Jest's status for tests (`'passed'`, `'failed'`, `'skipped'`, `'todo'`, ...); `null` otherwise. */
  status: string | null;
  duration_ms: number | null;
  /** `null` when nothing was recorded (a skipped test). */
  started_at: number | null;
  finished_at: number | null;
  leak_mode: LeakMode | null;
  /** Which of `resources` the verdict found leaked: for each id, the last record with it. */
  leaked_resource_ids: string[];
  resources: ResourceRecordJSON[];
  /** Released records left out past the per-scope limit; leaked and active ones never are. */
  omitted_resources: number;
  errors: ErrorContextJSON[];
  config_changes: ConfigChangeEventJSON[];
}

/** A `ResourceRecord` as JSON. */
export type ResourceRecordJSON = ResourceRecord;

/** An `ErrorContext` as JSON: `original_error` is `{name, message, stack, cause}`. */
export type ErrorContextJSON = Omit<ErrorContext, 'original_error'> & {
  original_error: { name: string; message: string; stack: string | null; cause: unknown };
};

/** A `ConfigChangeEvent` as JSON: `undefined` old or new values are written as `null`. */
export type ConfigChangeEventJSON = ConfigChangeEvent;

/** The run at a glance; recomputed from `files` when reports are merged. */
export interface ReportSummary {
  files: number;
  tests: number;
  /** Tests by Jest status. */
  tests_by_status: Record<string, number>;
  /** Files whose records the environment did not deliver (see `ReportFile.records`). */
  files_without_records: number;
  resources: number;
  leaked_resources: number;
  /** Scopes (tests, describe blocks, files) that leaked. */
  scopes_with_leaks: number;
  errors: number;
  config_changes: number;
  /** Worst first. */
  leaks_by_module: ModuleLeaks[];
  /** Most first. */
  leaks_by_type: Array<{ type: string; count: number }>;
  /** Module pairs an error crossed, most first. */
  errors_by_module: ModuleErrors[];
  /** Most changed first. */
  config_paths_changed: ConfigPathChanges[];
}

/** The leaks of one owner module. */
export interface ModuleLeaks {
  module: string;
  count: number;
  by_type: Record<string, number>;
  /** How many scopes leaked this module's resources. */
  scopes: number;
  /** The scopes that leaked most of them, at most three. */
  worst: ScopeReference[];
}

/** A scope that something happened in, and how often. */
export interface ScopeReference {
  file: string;
  kind: ReportScope['kind'];
  name: string;
  count: number;
}

/** The errors that went from one module to another. */
export interface ModuleErrors {
  source_module: string;
  target_module: string;
  count: number;
  error_types: Record<string, number>;
  operations: Record<string, number>;
}

/** The changes to one config path. */
export interface ConfigPathChanges {
  config_path: string;
  changes: number;
  scopes: number;
  affected_modules: string[];
}

/** One test that two merged reports hold with different records. */
export interface ReportConflict {
  file: string;
  project: string | null;
  kind: ReportScope['kind'];
  name: string;
  /** The reports that hold it, as given; the first one's version is kept. */
  sources: string[];
}

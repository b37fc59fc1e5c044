import { REPORT_FORMAT, REPORT_VERSION } from '../../reporter/IntegrationReport';
import type {
  ConfigChangeEventJSON,
  ErrorContextJSON,
  IntegrationReport,
  ReportFile,
  ReportScope,
  ResourceRecordJSON,
} from '../../reporter/IntegrationReport';
import { summarizeReport } from '../../reporter/summarizeReport';

/** Reports written by hand for unit tests: every field has a plain default. */

const T0 = 1_732_400_000_000;

export function resource(
  id: string,
  type: string,
  module: string,
  lifetime: { from?: number; to?: number | null; metadata?: Record<string, unknown> } = {},
): ResourceRecordJSON {
  const from = T0 + (lifetime.from ?? 0);
  const to =
    lifetime.to === undefined ? from + 5 : lifetime.to === null ? undefined : T0 + lifetime.to;
  return {
    resource_id: id,
    resource_type: type,
    owner_module: module,
    created_at: from,
    state: to === undefined ? 'active' : 'released',
    metadata: lifetime.metadata ?? {},
    ...(to === undefined ? {} : { released_at: to }),
  };
}

export function errorContext(
  source: string,
  target: string,
  details: { type?: string; operation?: string; message?: string } = {},
): ErrorContextJSON {
  const type = details.type ?? 'Error';
  const message = details.message ?? 'failed';
  return {
    source_module: source,
    target_module: target,
    operation: details.operation ?? 'unknown',
    original_error: {
      name: type,
      message,
      stack: `${type}: ${message}\n    at f (a.js:1:1)`,
      cause: null,
    },
    error_type: type,
    error_message: message,
    timestamp: T0 + 1,
    context_data: { stack: [], cause_chain: [], call_stack: [] },
  };
}

export function configChange(
  path: string,
  from: unknown,
  to: unknown,
  modules: string[] = [],
): ConfigChangeEventJSON {
  return {
    config_path: path,
    old_value: from,
    new_value: to,
    affected_modules: modules,
    timestamp: T0 + 2,
  };
}

export function scope(name: string, parts: Partial<ReportScope> = {}): ReportScope {
  return {
    kind: 'test',
    name,
    status: 'passed',
    duration_ms: 10,
    started_at: T0,
    finished_at: T0 + 10,
    leak_mode: 'fail',
    leaked_resource_ids: [],
    resources: [],
    omitted_resources: 0,
    errors: [],
    config_changes: [],
    ...parts,
  };
}

export function file(
  path: string,
  scopes: ReportScope[],
  parts: Partial<ReportFile> = {},
): ReportFile {
  const failed = scopes.some((entry) => entry.status === 'failed');
  return {
    path,
    project: null,
    status: failed ? 'failed' : 'passed',
    records: 'complete',
    failure_message: null,
    duration_ms: 20,
    scopes,
    ...parts,
  };
}

export function report(
  files: ReportFile[],
  parts: { shard?: string | null; generated_at?: number } = {},
): IntegrationReport {
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    generated_at: parts.generated_at ?? T0 + 1000,
    run: { started_at: T0, finished_at: T0 + 900, shard: parts.shard ?? null, merged_from: [] },
    summary: summarizeReport(files),
    files,
    conflicts: [],
  };
}

const MODULES = [
  'cache.store',
  'cache.watch',
  'chunker.parser',
  'chunker.pipeline',
  'cli.main',
  'plugins.loader',
];
const TYPES = ['timer', 'tcp-server', 'socket', 'fs-watcher', 'worker', 'temp-dir'];

/**
 * A large run, deterministic: `files × testsPerFile` tests, each with a few resources
 * (every 13th test leaks one), every 7th with a cross-module error, every 11th with a
 * config change.
 */
export function syntheticReport(files: number, testsPerFile: number): IntegrationReport {
  const result: ReportFile[] = [];
  let counter = 0;
  for (let fileIndex = 0; fileIndex < files; fileIndex += 1) {
    const scopes: ReportScope[] = [];
    for (let testIndex = 0; testIndex < testsPerFile; testIndex += 1) {
      counter += 1;
      const module = MODULES[counter % MODULES.length] as string;
      const type = TYPES[counter % TYPES.length] as string;
      const leaks = counter % 13 === 0;
      const resources = [0, 1, 2].map((index) =>
        resource(`${type}#${counter}.${index}`, type, module, {
          from: index * 3,
          to: leaks && index === 2 ? null : 10 + index * 4,
          metadata: { creation_site: `src/${module.replace('.', '/')}.ts:${10 + index}:5` },
        }),
      );
      scopes.push(
        scope(`area ${fileIndex} › case ${testIndex} handles input ${counter}`, {
          status: leaks ? 'failed' : 'passed',
          finished_at: T0 + 30,
          resources,
          leaked_resource_ids: leaks ? [`${type}#${counter}.2`] : [],
          errors:
            counter % 7 === 0
              ? [
                  errorContext(module, MODULES[(counter + 1) % MODULES.length] as string, {
                    type: 'TypeError',
                  }),
                ]
              : [],
          config_changes:
            counter % 11 === 0
              ? [configChange(`${module}.timeout_ms`, 100, 100 + counter, [module])]
              : [],
        }),
      );
    }
    result.push(file(`src/area${String(fileIndex).padStart(3, '0')}/feature.test.ts`, scopes));
  }
  return report(result);
}

import type {
  ConfigPathChanges,
  ModuleErrors,
  ModuleLeaks,
  ReportFile,
  ReportScope,
  ReportSummary,
  ResourceRecordJSON,
  ScopeReference,
} from './IntegrationReport';

/** How many of a module's worst scopes the summary names. */
const WORST_SCOPES = 3;

/**
 * The records a scope's verdict found leaked: for each leaked id, the last record with it
 * (an id may be tracked again once released, but only its last record can still be open).
 *
 * @example
 * leakedRecordsOf(scope).map((record) => record.owner_module); // ['cache', 'cache']
 */
export function leakedRecordsOf(scope: ReportScope): ResourceRecordJSON[] {
  const lastById = new Map<string, ResourceRecordJSON>();
  for (const record of scope.resources) {
    lastById.set(record.resource_id, record);
  }
  return scope.leaked_resource_ids
    .map((id) => lastById.get(id))
    .filter((record): record is ResourceRecordJSON => record !== undefined);
}

/**
 * The run at a glance, from its files alone: so a merged report's summary is the one a
 * single run of all its tests would have had.
 *
 * @example
 * summarizeReport(report.files).leaks_by_module[0]?.module; // the module that leaked most
 */
export function summarizeReport(files: readonly ReportFile[]): ReportSummary {
  const testsByStatus = new Map<string, number>();
  const moduleLeaks = new Map<
    string,
    { count: number; byType: Map<string, number>; scopes: ScopeReference[] }
  >();
  const typeLeaks = new Map<string, number>();
  const moduleErrors = new Map<
    string,
    {
      source: string;
      target: string;
      count: number;
      types: Map<string, number>;
      operations: Map<string, number>;
    }
  >();
  const configPaths = new Map<string, { changes: number; scopes: number; modules: Set<string> }>();
  let tests = 0;
  let resources = 0;
  let leakedResources = 0;
  let scopesWithLeaks = 0;
  let errors = 0;
  let configChanges = 0;

  for (const file of files) {
    for (const scope of file.scopes) {
      if (scope.kind === 'test') {
        tests += 1;
        const status = scope.status ?? 'unknown';
        testsByStatus.set(status, (testsByStatus.get(status) ?? 0) + 1);
      }
      resources += scope.resources.length + scope.omitted_resources;
      const leaked = leakedRecordsOf(scope);
      leakedResources += leaked.length;
      scopesWithLeaks += leaked.length > 0 ? 1 : 0;
      const leaksInScope = new Map<string, number>();
      for (const record of leaked) {
        const entry = moduleLeaks.get(record.owner_module) ?? {
          count: 0,
          byType: new Map<string, number>(),
          scopes: [],
        };
        entry.count += 1;
        increment(entry.byType, record.resource_type);
        moduleLeaks.set(record.owner_module, entry);
        increment(typeLeaks, record.resource_type);
        increment(leaksInScope, record.owner_module);
      }
      for (const [module, count] of leaksInScope) {
        moduleLeaks
          .get(module)
          ?.scopes.push({ file: file.path, kind: scope.kind, name: scope.name, count });
      }
      errors += scope.errors.length;
      for (const context of scope.errors) {
        const key = `${context.source_module}\u0000${context.target_module}`;
        const entry = moduleErrors.get(key) ?? {
          source: context.source_module,
          target: context.target_module,
          count: 0,
          types: new Map<string, number>(),
          operations: new Map<string, number>(),
        };
        entry.count += 1;
        increment(entry.types, context.error_type);
        increment(entry.operations, context.operation);
        moduleErrors.set(key, entry);
      }
      configChanges += scope.config_changes.length;
      const pathsInScope = new Set<string>();
      for (const change of scope.config_changes) {
        const entry = configPaths.get(change.config_path) ?? {
          changes: 0,
          scopes: 0,
          modules: new Set<string>(),
        };
        entry.changes += 1;
        if (!pathsInScope.has(change.config_path)) {
          pathsInScope.add(change.config_path);
          entry.scopes += 1;
        }
        for (const module of change.affected_modules) {
          entry.modules.add(module);
        }
        configPaths.set(change.config_path, entry);
      }
    }
  }

  const leaksByModule: ModuleLeaks[] = [...moduleLeaks]
    .map(([module, entry]) => ({
      module,
      count: entry.count,
      by_type: sortedRecord(entry.byType),
      scopes: entry.scopes.length,
      worst: [...entry.scopes]
        .sort(
          (a, b) => b.count - a.count || compareText(a.file, b.file) || compareText(a.name, b.name),
        )
        .slice(0, WORST_SCOPES),
    }))
    .sort((a, b) => b.count - a.count || b.scopes - a.scopes || compareText(a.module, b.module));
  const configPathsChanged: ConfigPathChanges[] = [...configPaths]
    .map(([configPath, entry]) => ({
      config_path: configPath,
      changes: entry.changes,
      scopes: entry.scopes,
      affected_modules: [...entry.modules].sort(compareText),
    }))
    .sort((a, b) => b.changes - a.changes || compareText(a.config_path, b.config_path));

  return {
    files: files.length,
    tests,
    tests_by_status: sortedRecord(testsByStatus),
    files_without_records: files.filter((file) => file.records === 'missing').length,
    resources,
    leaked_resources: leakedResources,
    scopes_with_leaks: scopesWithLeaks,
    errors,
    config_changes: configChanges,
    leaks_by_module: leaksByModule,
    leaks_by_type: [...typeLeaks]
      .map(([type, count]) => ({ type, count }))
      .sort((a, b) => b.count - a.count || compareText(a.type, b.type)),
    errors_by_module: [...moduleErrors.values()]
      .map((entry): ModuleErrors => ({
        source_module: entry.source,
        target_module: entry.target,
        count: entry.count,
        error_types: sortedRecord(entry.types),
        operations: sortedRecord(entry.operations),
      }))
      .sort(
        (a, b) =>
          b.count - a.count ||
          compareText(a.source_module, b.source_module) ||
          compareText(a.target_module, b.target_module),
      ),
    config_paths_changed: configPathsChanged,
  };
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Keys in a stable order, so that equal runs give byte-equal summaries. */
function sortedRecord(counts: Map<string, number>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const key of [...counts.keys()].sort(compareText)) {
    // defineProperty, not assignment: a type or operation may be named `__proto__`.
    Object.defineProperty(result, key, {
      value: counts.get(key) ?? 0,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}

/** Locale-independent, so that reports made on different machines sort alike. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

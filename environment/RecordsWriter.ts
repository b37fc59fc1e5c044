import { now } from '../src/clock';
import type { ResourceRecord } from '../src/records';
import { toJSONSafe } from '../src/toJSONSafe';
import { findChannel, writeRecordsFile } from '../reporter/RecordsChannel';
import type { RecordsChannelAddress, ScopeRecords } from '../reporter/RecordsChannel';
import { parseStack } from '../src/parseStack';
import { creationSite, creationStackOf, isUserFrame } from '../src/creationSite';
import type { IntegrationLifecycle, ScopeListener } from './IntegrationLifecycle';
import type { IntegrationScope } from './IntegrationScope';

/**
 * Released records kept per scope: a test that starts ten thousand timers would otherwise
 * make the report too large to open. Leaked and still-active records are always kept.
 */
const MAX_RELEASED_RECORDS = 1000;

/** Lines of a creation stack kept in the report: the first frames are the ones that matter. */
const MAX_STACK_LINES = 16;

/** Where a test file's records go and how its paths are shown. */
export interface RecordsWriterSettings {
  /** Absolute, as Jest names the test file. */
  testPath: string;
  /** Jest's id of the project that runs the file (`projectConfig.id`). */
  projectId: string;
  rootDir: string;
}

interface LeakVerdict {
  ids: string[];
  stackOf: (record: ResourceRecord) => string | undefined;
}

/**
 * Records every finished scope of a test file for the reporter, and writes them as one file
 * when the file's environment is torn down. Exists only when the reporter opened a channel
 * for this run: without the reporter, nothing is recorded or written.
 *
 * @example
 * const writer = RecordsWriter.attach(lifecycle, { testPath, projectId, rootDir });
 * // ... the file's tests run ...
 * writer?.write(); // in teardown
 */
export class RecordsWriter implements ScopeListener {
  readonly #channel: RecordsChannelAddress;
  readonly #settings: RecordsWriterSettings;
  readonly #leakMode: ScopeRecords['leak_mode'];
  readonly #verdicts = new WeakMap<IntegrationScope, LeakVerdict>();
  readonly #finished: ScopeRecords[] = [];
  #complete = false;
  #written = false;

  private constructor(
    channel: RecordsChannelAddress,
    settings: RecordsWriterSettings,
    leakMode: ScopeRecords['leak_mode'],
  ) {
    this.#channel = channel;
    this.#settings = settings;
    this.#leakMode = leakMode;
  }

  /** A writer listening to `lifecycle`, or `undefined` when no reporter listens to this run. */
  static attach(
    lifecycle: IntegrationLifecycle,
    settings: RecordsWriterSettings,
  ): RecordsWriter | undefined {
    const channel = findChannel();
    if (channel === undefined) {
      return undefined;
    }
    const writer = new RecordsWriter(channel, settings, lifecycle.options.leaks);
    lifecycle.addScopeListener(writer);
    return writer;
  }

  leaksFound(
    scope: IntegrationScope,
    leaks: readonly ResourceRecord[],
    stackOf: (record: ResourceRecord) => string | undefined,
  ): void {
    this.#verdicts.set(scope, { ids: leaks.map((record) => record.resource_id), stackOf });
  }

  scopeFinished(scope: IntegrationScope): void {
    const finishedAt = now();
    this.#finished.push(this.#recordScope(scope, scope.startedAt, finishedAt));
    this.#complete ||= scope.kind === 'file';
  }

  /**
   * Writes the file's records for the reporter, once; later calls do nothing. Never throws:
   * a report that cannot be written must not fail the tests, so the reason goes to stderr.
   */
  write(): void {
    if (this.#written) {
      return;
    }
    this.#written = true;
    try {
      writeRecordsFile(this.#channel, this.#settings.projectId, {
        test_path: this.#settings.testPath,
        complete: this.#complete,
        scopes: this.#finished,
      });
    } catch (error) {
      process.stderr.write(
        `jest-environment-integration could not hand the records of ${this.#settings.testPath} to its reporter: ${String(error)}. The integration report will list this file without records.\n`,
      );
    }
  }

  #recordScope(scope: IntegrationScope, startedAt: number, finishedAt: number): ScopeRecords {
    const verdict = this.#verdicts.get(scope);
    const leaked = new Set(verdict?.ids);
    // Parts a scope never made hold nothing: they are not made now just to say so.
    const records = [...(scope.madeResources()?.getAllResources() ?? [])].sort(
      (a, b) => a.created_at - b.created_at,
    );
    let released = 0;
    let omitted = 0;
    const resources: Record<string, unknown>[] = [];
    for (const record of records) {
      const kept = record.state === 'active' || leaked.has(record.resource_id);
      if (!kept && released >= MAX_RELEASED_RECORDS) {
        omitted += 1;
        continue;
      }
      released += kept ? 0 : 1;
      resources.push(
        this.#recordResource(record, leaked.has(record.resource_id) ? verdict : undefined),
      );
    }
    return {
      kind: scope.kind,
      name: scope.name,
      started_at: startedAt,
      finished_at: finishedAt,
      leak_mode: this.#leakMode,
      leaked_resource_ids: [...leaked],
      resources,
      omitted_resources: omitted,
      errors: (scope.madeErrors()?.getErrorChain() ?? []).map(jsonRecord),
      config_changes: (scope.madeConfig()?.getChangeLog() ?? []).map(jsonRecord),
    };
  }

  /**
   * The record as JSON, with `metadata.creation_site` (`path:line:column`) where its
   * creation stack tells, and for a leak tracked by hand (whose stack the environment kept
   * aside) the stack itself, so that the report can show where every leak was created.
   */
  #recordResource(
    record: ResourceRecord,
    verdict: LeakVerdict | undefined,
  ): Record<string, unknown> {
    const json = jsonRecord(record);
    const metadata = (
      typeof json['metadata'] === 'object' && json['metadata'] !== null ? json['metadata'] : {}
    ) as Record<string, unknown>;
    json['metadata'] = metadata;
    const stackOf = verdict?.stackOf ?? creationStackOf;
    try {
      const site = creationSite(record, this.#settings.rootDir, stackOf);
      if (site !== undefined && metadata['creation_site'] === undefined) {
        metadata['creation_site'] = site;
      }
      const stack = stackOf(record);
      if (stack !== undefined && creationStackOf(record) === undefined) {
        metadata['creation_stack'] = fromUserCode(stack);
      }
    } catch {
      // Where it was created is a nicety; the record itself is what the report needs.
    }
    return json;
  }
}

function jsonRecord(record: unknown): Record<string, unknown> {
  const json = toJSONSafe(record);
  return typeof json === 'object' && json !== null && !Array.isArray(json)
    ? (json as Record<string, unknown>)
    : { value: json };
}

/**
 * The stack from the user's call on: the environment captured it inside its own tracker
 * observer, whose frames say nothing about where the resource came from.
 */
function fromUserCode(stack: string): string {
  const lines = stack.split('\n');
  const frames = lines.filter((line) => /^\s+at /.test(line));
  const first = frames.findIndex((line) => parseStack(line).some(isUserFrame));
  const kept = first === -1 ? frames : frames.slice(first);
  return ['created here', ...kept.slice(0, MAX_STACK_LINES)].join('\n');
}

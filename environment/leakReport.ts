import type { ResourceRecord } from '../src/records';
import { creationSite } from '../src/creationSite';
import type { LeakMode } from './options';

/** The kind of scope whose resources outlived it. */
export type LeakScope = 'test' | 'describe' | 'file';

/**
 * Everything a leak report says. `closed` lists the ids the environment closed after the
 * verdict (`closeLeaked`), so the report can say what is still open.
 *
 * @example
 * formatLeakReport({ scope: 'test', name: 'cache › closes', leaks, now: now(), rootDir, mode: 'fail' });
 */
export interface LeakReportInput {
  scope: LeakScope;
  /** The test's full name (`describe › test`), the describe block's, or the file's path. */
  name: string;
  leaks: readonly ResourceRecord[];
  /** When the verdict was made, to state each resource's age. */
  now: number;
  /** Creation sites are shown relative to it. */
  rootDir: string;
  mode: Exclude<LeakMode, 'off'>;
  closed?: ReadonlySet<string>;
  /** Where a record's creation stack is found; by default in its metadata. */
  stackOf?: (record: ResourceRecord) => string | undefined;
}

interface ResourceKind {
  singular: string;
  plural: string;
  /** How to release one; `{it}` reads "it" or "them". */
  hint: string;
}

/** What each resource type is called and how it is released, as Deno's sanitizers say it. */
const RESOURCE_KINDS: Readonly<Record<string, ResourceKind>> = {
  timer: {
    singular: 'timer',
    plural: 'timers',
    hint: 'clear {it} with clearTimeout/clearInterval',
  },
  interval: { singular: 'interval', plural: 'intervals', hint: 'clear {it} with clearInterval' },
  immediate: {
    singular: 'immediate',
    plural: 'immediates',
    hint: 'clear {it} with clearImmediate',
  },
  'tcp-server': {
    singular: 'TCP server',
    plural: 'TCP servers',
    hint: 'call server.close() and await its callback',
  },
  'http-server': {
    singular: 'HTTP server',
    plural: 'HTTP servers',
    hint: 'call server.close() (and server.closeAllConnections()) and await its callback',
  },
  socket: {
    singular: 'socket',
    plural: 'sockets',
    hint: "call socket.end() or socket.destroy() and wait for its 'close' event",
  },
  'pipe-server': {
    singular: 'pipe server',
    plural: 'pipe servers',
    hint: 'call server.close() and await its callback',
  },
  'udp-socket': { singular: 'UDP socket', plural: 'UDP sockets', hint: 'call socket.close()' },
  'fs-watcher': {
    singular: 'file watcher',
    plural: 'file watchers',
    hint: 'call watcher.close()',
  },
  'fs-stat-watcher': {
    singular: 'file stat watcher',
    plural: 'file stat watchers',
    hint: 'stop {it} with fs.unwatchFile(path)',
  },
  'file-handle': {
    singular: 'file handle',
    plural: 'file handles',
    hint: 'await fileHandle.close()',
  },
  'child-process': {
    singular: 'child process',
    plural: 'child processes',
    hint: "call child.kill() and wait for its 'exit' event",
  },
  worker: { singular: 'worker thread', plural: 'worker threads', hint: 'await worker.terminate()' },
  'message-port': { singular: 'message port', plural: 'message ports', hint: 'call port.close()' },
  'temp-dir': {
    singular: 'temporary directory',
    plural: 'temporary directories',
    hint: 'remove {it} with fs.rm(dir, { recursive: true, force: true }) and release {it}',
  },
};

const DEFAULT_HINT = 'close {it}, then release {it} with integration.resources.releaseResource(id)';

/** What the header says leaked, per scope. */
const SCOPE_HEADERS: Readonly<Record<LeakScope, (name: string, count: string) => string>> = {
  test: (name, count) => `Test "${name}" leaked ${count}: still open after its afterEach hooks.`,
  describe: (name, count) =>
    `describe("${name}") leaked ${count}: opened in its beforeAll hooks, still open after its afterAll hooks.`,
  file: (name, count) =>
    `Test file ${name} leaked ${count}: opened at load time or in a top-level beforeAll hook, still open after its afterAll hooks.`,
};

/** How each scope releases what it opened, and where `allowLeaks` goes for it. */
const SCOPE_ADVICE: Readonly<Record<LeakScope, { fix: string; allowIn: string }>> = {
  test: {
    fix: 'release each resource in the test or in an afterEach hook',
    allowIn: 'in the test',
  },
  describe: {
    fix: 'release in an afterAll hook of the describe block what its beforeAll hooks open',
    allowIn: 'in a beforeAll hook of the block',
  },
  file: {
    fix: 'release in a top-level afterAll hook what the file opens outside its tests',
    allowIn: 'in a top-level beforeAll hook',
  },
};

/**
 * The leak message: a header naming the scope, the leaks grouped by type (counted and
 * pluralised, each with its id, owner module, age and creation site), a hint per type, and
 * closing lines on how to fix it and how to opt out. Wording comes from the tables above.
 */
export function formatLeakReport(input: LeakReportInput): string {
  const { leaks } = input;
  const lines = [
    SCOPE_HEADERS[input.scope](input.name, countOf(leaks.length, 'resource', 'resources')),
  ];
  const groups = new Map<string, ResourceRecord[]>();
  for (const record of leaks) {
    const group = groups.get(record.resource_type);
    if (group === undefined) {
      groups.set(record.resource_type, [record]);
    } else {
      group.push(record);
    }
  }
  let missingSite = false;
  for (const [type, records] of groups) {
    const kind = kindOf(type);
    lines.push('', `${countOf(records.length, kind.singular, kind.plural)} leaked:`);
    for (const record of records) {
      const site = creationSite(record, input.rootDir, input.stackOf);
      missingSite ||= site === undefined;
      const closed =
        input.closed?.has(record.resource_id) === true ? ' (closed by the environment)' : '';
      lines.push(
        `  - ${type} "${record.resource_id}" owned by ${record.owner_module}, open for ${ageOf(record, input.now)}, ` +
          `${site === undefined ? 'creation site unknown' : `created at ${site}`}${closed}`,
      );
    }
    lines.push(`  Hint: ${kind.hint.replace(/\{it\}/g, records.length === 1 ? 'it' : 'them')}.`);
  }
  const advice = SCOPE_ADVICE[input.scope];
  const firstType = leaks[0]?.resource_type ?? 'timer';
  lines.push('', `To fix this, ${advice.fix}.`);
  lines.push(
    input.mode === 'fail'
      ? `To allow it, call integration.allowLeaks({ type: '${firstType}' }) ${advice.allowIn}; to only warn about leaks, set the \`leaks\` option to 'warn' ('off' skips the check).`
      : `To allow it, call integration.allowLeaks({ type: '${firstType}' }) ${advice.allowIn}. This is a warning (\`leaks: 'warn'\`); set \`leaks\` to 'fail' to fail the test instead.`,
  );
  if (missingSite) {
    lines.push(
      'To see where a resource tracked by hand was created, give its metadata a `stack`: trackResource(module, type, id, { stack: new Error().stack }).',
    );
  }
  return lines.join('\n');
}

function kindOf(type: string): ResourceKind {
  return (
    RESOURCE_KINDS[type] ?? {
      singular: `'${type}' resource`,
      plural: `'${type}' resources`,
      hint: DEFAULT_HINT,
    }
  );
}

function countOf(count: number, singular: string, plural: string): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

function ageOf(record: ResourceRecord, now: number): string {
  const age = now - record.created_at;
  if (!Number.isFinite(age) || age < 0) {
    return 'an unknown time';
  }
  return age < 1000 ? `${Math.round(age)} ms` : `${Number((age / 1000).toFixed(1))} s`;
}

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LeakMode } from './IntegrationReport';
import { loadCrypto } from './loadCrypto';
import { writeFileAtomically } from './writeFileAtomically';

/**
 * How test files' records travel from Jest's worker processes to the reporter in Jest's main
 * process. Jest offers reporters no channel from a test environment, so the reporter opens a
 * folder of its own for each run and names it in this variable, which the workers inherit
 * (Jest starts them after `onRunStart`); the environment of each test file writes one file
 * there at teardown, which Jest finishes before it hands the file's results to reporters.
 */
export const CHANNEL_VARIABLE = 'JEST_ENVIRONMENT_INTEGRATION_RECORDS';

/** Bumped when {@link RecordsFile} changes shape: a reader ignores files of another version. */
const CHANNEL_VERSION = 1;

/**
 * The open channel of one run, as the variable carries it.
 *
 * @example
 * const channel = openChannel();                    // the reporter, in onRunStart
 * const address = findChannel();                    // the environment, in a worker
 * writeRecordsFile(address, projectId, records);    // ... at teardown
 * const records = channel.read(projectId, testPath); // the reporter, in onTestFileResult
 * channel.close();                                  // ... in onRunComplete
 */
export interface RecordsChannelAddress {
  version: number;
  /** Unique to the run: a file written for another run is never read. */
  run_id: string;
  /** The folder the records files go to; it exists only while the run does. */
  directory: string;
  /** Jest's main process: only it, and the workers it started, write here. */
  pid: number;
}

/** What the environment records about one finished scope (a test, a `describe` block, the file). */
export interface ScopeRecords {
  kind: 'test' | 'describe' | 'file';
  /** The test's full name (`describe › test`), the describe block's path, or the file path. */
  name: string;
  started_at: number;
  finished_at: number;
  leak_mode: LeakMode;
  /** The ids of the resources the scope's verdict found open (leaks not excused by allowLeaks or ignore). */
  leaked_resource_ids: string[];
  /** JSON-safe `ResourceRecord`s, released ones included, in the order they were tracked. */
  resources: Record<string, unknown>[];
  /** Released records left out of `resources` past the per-scope limit. */
  omitted_resources: number;
  /** JSON-safe `ErrorContext`s, in capture order. */
  errors: Record<string, unknown>[];
  /** JSON-safe `ConfigChangeEvent`s, in order. */
  config_changes: Record<string, unknown>[];
}

/** The one file the environment writes for a test file. */
export interface RecordsFile {
  version: number;
  run_id: string;
  /** Absolute, as Jest names the test file. */
  test_path: string;
  /** False when the file scope never finished (the run was interrupted). */
  complete: boolean;
  scopes: ScopeRecords[];
}

/**
 * Opens a channel for one run: a fresh folder, named in `process.env` for the workers to
 * inherit. An open channel this process already published (a second instance of the
 * reporter in the same run) is joined rather than replaced; `close()` of a joined channel
 * leaves the folder to its owner.
 */
export function openChannel(env: NodeJS.ProcessEnv = process.env): RecordsChannel {
  const published = readChannelAddress(env);
  if (published !== undefined && published.pid === process.pid && existsSync(published.directory)) {
    return new RecordsChannel(published, env, false, env[CHANNEL_VARIABLE]);
  }
  const previous = env[CHANNEL_VARIABLE];
  const address: RecordsChannelAddress = {
    version: CHANNEL_VERSION,
    run_id: loadCrypto().randomUUID(),
    directory: mkdtempSync(join(tmpdir(), 'jest-integration-records-')),
    pid: process.pid,
  };
  env[CHANNEL_VARIABLE] = JSON.stringify(address);
  return new RecordsChannel(address, env, true, previous);
}

/**
 * The channel the environment of this process writes to, or `undefined` when none is open
 * for it: no reporter configured (nothing is recorded then), or a variable inherited from
 * another Jest (a test that runs Jest itself), whose reporter would mix our records with its
 * own run.
 */
export function findChannel(
  env: NodeJS.ProcessEnv = process.env,
  ids: { pid: number; ppid: number } = process,
): RecordsChannelAddress | undefined {
  const address = readChannelAddress(env);
  if (address === undefined || (address.pid !== ids.pid && address.pid !== ids.ppid)) {
    return undefined;
  }
  return address;
}

/**
 * Writes a test file's records where the reporter looks for them: to a temporary name
 * first, then renamed into place, so that the reporter never reads half a file.
 */
export function writeRecordsFile(
  address: RecordsChannelAddress,
  projectId: string,
  records: Omit<RecordsFile, 'version' | 'run_id'>,
): void {
  const content: RecordsFile = { version: CHANNEL_VERSION, run_id: address.run_id, ...records };
  writeFileAtomically(
    join(address.directory, recordsFileName(projectId, records.test_path)),
    JSON.stringify(content),
  );
}

/** The reporter's end of a run's channel; {@link openChannel} makes it. */
export class RecordsChannel {
  readonly address: RecordsChannelAddress;
  readonly #env: NodeJS.ProcessEnv;
  readonly #owned: boolean;
  readonly #previous: string | undefined;
  /** A run that ends without `onRunComplete` (interrupted, crashed) still removes its folder. */
  readonly #closeOnExit = (): void => this.close();
  #closed = false;

  constructor(
    address: RecordsChannelAddress,
    env: NodeJS.ProcessEnv,
    owned: boolean,
    previous: string | undefined,
  ) {
    this.address = address;
    this.#env = env;
    this.#owned = owned;
    this.#previous = previous;
    if (owned) {
      process.once('exit', this.#closeOnExit);
    }
  }

  /**
   * The records the environment wrote for this test file, or `undefined` when it wrote none
   * (another environment ran the file, or the file failed before its environment started).
   * A file of another run or version is never returned.
   */
  read(projectId: string, testPath: string): RecordsFile | undefined {
    const file = join(this.address.directory, recordsFileName(projectId, testPath));
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
    if (!isRecordsFile(parsed) || parsed.run_id !== this.address.run_id) {
      return undefined;
    }
    return parsed;
  }

  /** Removes the folder and the variable (when this channel opened them). Safe to call twice. */
  close(): void {
    if (this.#closed || !this.#owned) {
      this.#closed = true;
      return;
    }
    this.#closed = true;
    process.removeListener('exit', this.#closeOnExit);
    rmSync(this.address.directory, { recursive: true, force: true });
    if (this.#env[CHANNEL_VARIABLE] === JSON.stringify(this.address)) {
      if (this.#previous === undefined) {
        delete this.#env[CHANNEL_VARIABLE];
      } else {
        this.#env[CHANNEL_VARIABLE] = this.#previous;
      }
    }
  }
}

/**
 * One name per test file and project: the same file may run in two projects of one run,
 * and a test path may be too long or hold characters a file name cannot.
 */
function recordsFileName(projectId: string, testPath: string): string {
  return `${loadCrypto()
    .createHash('sha256')
    .update(projectId)
    .update('\0')
    .update(testPath)
    .digest('hex')
    .slice(0, 40)}.json`;
}

function readChannelAddress(env: NodeJS.ProcessEnv): RecordsChannelAddress | undefined {
  const value = env[CHANNEL_VARIABLE];
  if (value === undefined || value === '') {
    return undefined;
  }
  try {
    const parsed = JSON.parse(value) as Partial<RecordsChannelAddress> | null;
    if (
      parsed !== null &&
      parsed.version === CHANNEL_VERSION &&
      typeof parsed.run_id === 'string' &&
      typeof parsed.directory === 'string' &&
      typeof parsed.pid === 'number'
    ) {
      return parsed as RecordsChannelAddress;
    }
  } catch {
    // Not ours, or from another version of the package: as if no reporter were listening.
  }
  return undefined;
}

function isRecordsFile(value: unknown): value is RecordsFile {
  const file = value as Partial<RecordsFile> | null;
  return (
    typeof file === 'object' &&
    file !== null &&
    file.version === CHANNEL_VERSION &&
    typeof file.run_id === 'string' &&
    typeof file.test_path === 'string' &&
    Array.isArray(file.scopes)
  );
}

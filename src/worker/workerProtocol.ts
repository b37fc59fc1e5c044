import path from 'node:path';

/**
 * How a worker thread or child process reports to the test environment that started it.
 *
 * Two channels, because no single one both survives a sudden end and can answer:
 *
 * - Records go to a **spool file** of their own (one per `connectWorker()`), appended with
 *   one synchronous `write` each. Once `write` returns, the kernel holds the line: it
 *   survives `process.exit()`, `worker.terminate()` (which stops JavaScript between two
 *   statements, never inside a system call), an uncaught exception and `SIGKILL`, and no
 *   connection needs to exist yet. Lines are newline-delimited JSON, read by the
 *   environment in order, so records arrive in order, once each.
 * - A **local socket** (a Unix socket, or a named pipe on Windows) carries only control: the
 *   worker says which spool file is its own and when it wrote more ("poke"), asks for
 *   `flush()` and hears the acknowledgement, and the environment tells it to stop (a flood)
 *   or that it is gone. The socket's closing is also how the environment learns that a
 *   process died.
 *
 * Neither touches `parentPort`, `process.send` or stdio, so the user's own messages are
 * never mixed with ours, and the same code serves threads and processes, with or without
 * an IPC channel. The address (the spool folder, the socket's place beside it) and the
 * scope that was running reach the worker through `process.env`, which threads copy and
 * child processes inherit at creation.
 */

/** `process.env` key naming the spool folder of the test file's environment. */
export const HUB_ENV_KEY = 'JEST_INTEGRATION_WORKER_HUB';
/**
 * `process.env` key naming the scope (test, describe block, file) that was running: its
 * token, then `@<pid>:<thread id>` for each worker thread between (see `connectWorker`).
 */
export const SCOPE_ENV_KEY = 'JEST_INTEGRATION_WORKER_SCOPE';

/** Longest line one record may take, in bytes: longer records are shrunk or refused. */
export const MAX_LINE_BYTES = 1024 * 1024;
/** Records one `connectWorker()` may send (exit and crash reports do not count). */
export const MAX_RECORDS_PER_WORKER = 100_000;
/** Longest control line on the socket, in bytes. */
export const MAX_CONTROL_LINE_BYTES = 4096;

const SPOOL_FILE = /^(\d+)-(\d+)-([0-9a-f]{16})\.jsonl$/;

/** Where the environment listens: a Unix socket in the spool folder, or a named pipe. */
export function socketPathFor(spoolDirectory: string): string {
  return process.platform === 'win32'
    ? `\\\\.\\pipe\\${path.basename(spoolDirectory)}`
    : path.join(spoolDirectory, 'hub.sock');
}

/** The spool file name of one connection: who wrote it, and a random part. */
export function spoolFileName(pid: number, threadId: number, random: string): string {
  return `${pid}-${threadId}-${random}.jsonl`;
}

/** Who wrote a spool file, read from its name; `undefined` for any other file. */
export function parseSpoolFileName(name: string): { pid: number; threadId: number } | undefined {
  const match = SPOOL_FILE.exec(name);
  return match === null ? undefined : { pid: Number(match[1]), threadId: Number(match[2]) };
}

/** A thrown value as it crosses: an error as `serializeError` writes it, or any JSON-safe value. */
export type EncodedThrown =
  | {
      kind: 'error';
      error: { name: string; message: string; stack: string | null; cause: unknown };
    }
  | { kind: 'value'; value?: unknown };

/** The first line of every spool file: who is writing, and where it was started. */
export interface HelloRecord {
  t: 'hello';
  v: 1;
  pid: number;
  ppid: number;
  thread_id: number;
  /** The worker's script (`process.argv[1]`), or `null`. */
  script: string | null;
  /** The `SCOPE_ENV_KEY` the worker inherited, or `null`. */
  scope: string | null;
}

/** One line of a spool file. */
export type SpoolRecord =
  | HelloRecord
  | {
      t: 'track';
      module: string;
      type: string;
      id: string;
      metadata: Record<string, unknown>;
      /** Where `trackResource` was called, when the metadata has no stack of its own. */
      stack?: string;
    }
  | { t: 'release'; id: string }
  | {
      t: 'error';
      source: string;
      target: string;
      operation: string;
      thrown: EncodedThrown;
      /** The caller's own `context_data` entries (not `stack`, `cause_chain`, `call_stack`). */
      context: Record<string, unknown>;
      call_stack: unknown[];
    }
  | { t: 'config'; path: string; old?: unknown; new?: unknown }
  /** The worker stopped sending records: it reached `limit`. */
  | { t: 'overflow'; limit: number }
  /** An uncaught exception (it may still be handled by an `uncaughtException` listener). */
  | { t: 'uncaught'; thrown: EncodedThrown }
  /** The worker's `process` emitted `exit`. */
  | { t: 'exit'; code: number };

/** Control lines from the worker. */
export type WorkerControl =
  { t: 'attach'; spool: string } | { t: 'poke' } | { t: 'flush'; id: number; offset: number };

/** Control lines from the environment. */
export type HubControl =
  | { t: 'ack'; id: number }
  /** A flush (with `id`) or the whole connection (without) was refused, and why. */
  | { t: 'refused'; id?: number; reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isEncodedThrown(value: unknown): value is EncodedThrown {
  if (!isObject(value)) {
    return false;
  }
  if (value.kind === 'value') {
    return true;
  }
  const error = value.error;
  return (
    value.kind === 'error' &&
    isObject(error) &&
    typeof error.name === 'string' &&
    typeof error.message === 'string' &&
    (typeof error.stack === 'string' || error.stack === null)
  );
}

/**
 * Checks one parsed spool line: the record, or what is wrong with it (the environment
 * reads lines from another process, so it trusts nothing).
 */
export function readSpoolRecord(value: unknown): SpoolRecord | string {
  if (!isObject(value)) {
    return 'it is not a JSON object';
  }
  switch (value.t) {
    case 'hello':
      return isCount(value.pid) &&
        isCount(value.ppid) &&
        isCount(value.thread_id) &&
        (value.script === null || typeof value.script === 'string') &&
        (value.scope === null || typeof value.scope === 'string')
        ? (value as unknown as HelloRecord)
        : 'a "hello" record needs pid, ppid, thread_id, script and scope';
    case 'track':
      return isText(value.module) &&
        isText(value.type) &&
        isText(value.id) &&
        isObject(value.metadata) &&
        (value.stack === undefined || typeof value.stack === 'string')
        ? (value as unknown as SpoolRecord)
        : 'a "track" record needs module, type and id (non-empty strings) and metadata (an object)';
    case 'release':
      return isText(value.id)
        ? (value as unknown as SpoolRecord)
        : 'a "release" record needs an id';
    case 'error':
      return isText(value.source) &&
        isText(value.target) &&
        isText(value.operation) &&
        isEncodedThrown(value.thrown) &&
        isObject(value.context) &&
        Array.isArray(value.call_stack)
        ? (value as unknown as SpoolRecord)
        : 'an "error" record needs source, target, operation, thrown, context and call_stack';
    case 'config':
      return isText(value.path)
        ? (value as unknown as SpoolRecord)
        : 'a "config" record needs a path';
    case 'overflow':
      return isCount(value.limit)
        ? (value as unknown as SpoolRecord)
        : 'an "overflow" record needs a limit';
    case 'uncaught':
      return isEncodedThrown(value.thrown)
        ? (value as unknown as SpoolRecord)
        : 'an "uncaught" record needs thrown';
    case 'exit':
      return typeof value.code === 'number' && Number.isInteger(value.code)
        ? (value as unknown as SpoolRecord)
        : 'an "exit" record needs a code';
    default:
      return `its kind ${JSON.stringify(value.t) ?? 'undefined'} is unknown`;
  }
}

/** Checks one parsed control line from a worker. */
export function readWorkerControl(value: unknown): WorkerControl | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  switch (value.t) {
    case 'attach':
      return typeof value.spool === 'string' ? { t: 'attach', spool: value.spool } : undefined;
    case 'poke':
      return { t: 'poke' };
    case 'flush':
      return isCount(value.id) && isCount(value.offset)
        ? { t: 'flush', id: value.id, offset: value.offset }
        : undefined;
    default:
      return undefined;
  }
}

/** Checks one parsed control line from the environment. */
export function readHubControl(value: unknown): HubControl | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  if (value.t === 'ack' && isCount(value.id)) {
    return { t: 'ack', id: value.id };
  }
  if (value.t === 'refused' && typeof value.reason === 'string') {
    return isCount(value.id)
      ? { t: 'refused', id: value.id, reason: value.reason }
      : { t: 'refused', reason: value.reason };
  }
  return undefined;
}

/**
 * Splits a byte stream into lines of at most `maxBytes`; a longer line is reported once
 * through `onOverlong` and skipped up to its end. Memory stays bounded by `maxBytes`.
 */
export class LineSplitter {
  readonly #maxBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #skipping = false;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Bytes held back as the start of a line not yet complete. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /**
   * Feeds a chunk; calls `onLine` for every complete line (without its newline) and
   * `onOverlong` for each line that was too long.
   */
  push(chunk: Buffer, onLine: (line: Buffer) => void, onOverlong: () => void): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(10, start);
      if (newline === -1) {
        this.#hold(chunk.subarray(start), onOverlong);
        return;
      }
      const part = chunk.subarray(start, newline);
      start = newline + 1;
      if (this.#skipping) {
        this.#skipping = false;
        continue;
      }
      if (this.#pendingBytes + part.length > this.#maxBytes) {
        this.#pending = [];
        this.#pendingBytes = 0;
        onOverlong();
        continue;
      }
      const line = this.#pending.length === 0 ? part : Buffer.concat([...this.#pending, part]);
      this.#pending = [];
      this.#pendingBytes = 0;
      onLine(line);
    }
  }

  #hold(rest: Buffer, onOverlong: () => void): void {
    if (rest.length === 0 || this.#skipping) {
      return;
    }
    if (this.#pendingBytes + rest.length > this.#maxBytes) {
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#skipping = true;
      onOverlong();
      return;
    }
    // A copy: the caller reuses its read buffer.
    this.#pending.push(Buffer.from(rest));
    this.#pendingBytes += rest.length;
  }
}

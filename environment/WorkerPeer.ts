import fs from 'node:fs';
import type net from 'node:net';
import type { ResourceTracker } from '../src/ResourceTracker';
import { LineSplitter, MAX_LINE_BYTES, readSpoolRecord } from '../src/worker/workerProtocol';
import type { EncodedThrown, HelloRecord, SpoolRecord } from '../src/worker/workerProtocol';
import type { IntegrationScope } from './IntegrationScope';

/** Bytes one spool file may hold before the environment stops reading it. */
export const MAX_SPOOL_BYTES = 256 * 1024 * 1024;
const CHUNK_BYTES = 256 * 1024;

/** Where a resource a worker tracked was recorded, to release it there. */
export interface PeerResource {
  readonly scope: IntegrationScope;
  readonly tracker: ResourceTracker;
  /** The id in that tracker (the worker's own, or made unique with the worker's origin). */
  readonly id: string;
}

/**
 * One `connectWorker()` of a worker thread or child process, as the environment sees it:
 * its spool file, read in order and never twice, its control socket, who it is, and
 * what it reported about its own end.
 */
export class WorkerPeer {
  readonly name: string;
  /** From the spool file's name, known before its first line is read. */
  readonly pid: number;
  readonly threadId: number;
  hello: HelloRecord | undefined;
  /** How messages name the scope that started it, even once that scope is gone. */
  homeDescription: string | undefined;
  socket: net.Socket | undefined;
  /** Counted records accepted (tracks, releases, errors, config changes). */
  records = 0;
  /** Malformed lines so far. */
  malformed = 0;
  /** Why the environment stopped reading it, if it did. */
  stopped: string | undefined;
  /** Started by an earlier test file of the process: ignored, never reported. */
  fromOtherFile = false;
  exitCode: number | undefined;
  uncaught: EncodedThrown | undefined;
  /** Whether its end was judged (crash or not): once only. */
  settled = false;
  readScheduled = false;
  readonly resources = new Map<string, PeerResource>();
  readonly flushes: { id: number; offset: number }[] = [];
  readonly #path: string;
  /** Weakly: a finished test's records must be free to go, however long the worker runs. */
  #home: WeakRef<IntegrationScope> | undefined;
  #fd: number | undefined;
  #offset = 0;
  #line = 0;
  readonly #splitter = new LineSplitter(MAX_LINE_BYTES);
  readonly #chunk = Buffer.allocUnsafe(CHUNK_BYTES);

  constructor(name: string, path: string, pid: number, threadId: number) {
    this.name = name;
    this.#path = path;
    this.pid = pid;
    this.threadId = threadId;
  }

  /** The scope that started the worker, once `hello` is read and while the scope lives. */
  get home(): IntegrationScope | undefined {
    return this.#home?.deref();
  }

  setHome(scope: IntegrationScope | undefined, description: string): void {
    this.#home = scope === undefined ? undefined : new WeakRef(scope);
    this.homeDescription = description;
  }

  /** Bytes of complete lines read so far: what a `flush` offset is compared with. */
  get consumed(): number {
    return this.#offset - this.#splitter.pendingBytes;
  }

  /**
   * Reads up to `budget` bytes of new lines, calling `onRecord` for each valid record and
   * `onProblem` (with its line number) for each invalid one, `fatal` when nothing more is
   * worth reading. Returns whether more may be waiting. Never throws.
   */
  read(
    budget: number,
    onRecord: (record: SpoolRecord) => void,
    onProblem: (problem: string, line: number, fatal: boolean) => void,
  ): boolean {
    if (this.stopped !== undefined) {
      return false;
    }
    if (this.#fd === undefined) {
      try {
        this.#fd = fs.openSync(this.#path, 'r');
      } catch {
        return false;
      }
    }
    let left = budget;
    while (left > 0 && this.stopped === undefined) {
      let bytes: number;
      try {
        bytes = fs.readSync(this.#fd, this.#chunk, 0, Math.min(CHUNK_BYTES, left), this.#offset);
      } catch {
        return false;
      }
      if (bytes === 0) {
        return false;
      }
      this.#offset += bytes;
      left -= bytes;
      this.#splitter.push(
        this.#chunk.subarray(0, bytes),
        (line) => {
          this.#line += 1;
          this.#parse(line, onRecord, onProblem);
        },
        () => {
          this.#line += 1;
          onProblem(`it is longer than ${MAX_LINE_BYTES} bytes`, this.#line, false);
        },
      );
      if (this.#offset > MAX_SPOOL_BYTES) {
        onProblem(`its spool file grew past ${MAX_SPOOL_BYTES} bytes`, this.#line, true);
        return false;
      }
    }
    return this.stopped === undefined;
  }

  /** Closes the spool file; the socket is the hub's to close. */
  close(): void {
    if (this.#fd !== undefined) {
      try {
        fs.closeSync(this.#fd);
      } catch {
        // Closed already.
      }
      this.#fd = undefined;
    }
  }

  #parse(
    line: Buffer,
    onRecord: (record: SpoolRecord) => void,
    onProblem: (problem: string, line: number, fatal: boolean) => void,
  ): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line.toString('utf8'));
    } catch {
      onProblem(`it is not JSON: ${JSON.stringify(preview(line))}`, this.#line, false);
      return;
    }
    const record = readSpoolRecord(parsed);
    if (typeof record === 'string') {
      onProblem(record, this.#line, false);
      return;
    }
    onRecord(record);
  }
}

function preview(line: Buffer): string {
  const text = line.subarray(0, 60).toString('utf8');
  return line.length > 60 ? `${text}...` : text;
}

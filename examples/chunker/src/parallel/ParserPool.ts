import { EventEmitter } from 'node:events';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Chunk } from '../parser/Chunk';
import { ParseTimeoutError } from '../parser/ParseTimeoutError';
import type { ParseOptions } from '../parser/parseSource';
import { PoolClosedError } from './PoolClosedError';
import { reviveFailure } from './reviveFailure';
import { WorkerCrashError } from './WorkerCrashError';
import type { ParseJob, WorkerReply, WorkerStart } from './workerProtocol';

/**
 * How the pool runs.
 *
 * @example
 * new ParserPool({ size: 2, parseOptions: config.parseOptions() });
 */
export interface ParserPoolOptions {
  /** How many worker threads at most. */
  size: number;
  /** The `parser` settings every job is parsed with (`configure` changes them). */
  parseOptions: Omit<ParseOptions, 'file' | 'now'>;
  /**
   * A module (absolute path, CommonJS) exporting `parseSource(text, options)`, run in the
   * workers instead of the built-in parser: how language plugins add parsers.
   */
  parserModule?: string;
  /**
   * How long past `timeoutMs` a worker may stay silent before it is terminated. Parsers
   * check their own deadline; this catches the ones that cannot (stuck in a loop).
   */
  terminateGraceMs?: number;
}

interface Job {
  id: number;
  file: string;
  text: string | undefined;
  resolve: (chunks: Chunk[]) => void;
  reject: (error: unknown) => void;
}

interface PoolWorker {
  id: number;
  worker: Worker;
  /** Read at start: a worker that has exited reports -1. */
  threadId: number;
  ready: boolean;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Set once the pool has dealt with its end, so `error` then `exit` report it once. */
  gone: boolean;
}

interface ParserPoolEvents {
  /** A worker died; the error is also the rejection of the job it had, if any. */
  crash: [WorkerCrashError];
}

/**
 * Parses files on a small pool of `worker_threads`, one file per worker at a time. A
 * worker that crashes or hangs is replaced, and the job it had is rejected with an error
 * that says which file, which worker and why (`WorkerCrashError`, `ParseTimeoutError`).
 * `close()` terminates every worker.
 *
 * @example
 * const pool = new ParserPool({ size: 2, parseOptions: config.parseOptions() });
 * const chunks = await pool.parse('src/a.ts');
 * await pool.close();
 */
export class ParserPool extends EventEmitter<ParserPoolEvents> {
  #size: number;
  #parseOptions: ParserPoolOptions['parseOptions'];
  readonly #parserModule: string | undefined;
  readonly #graceMs: number;
  readonly #workers = new Set<PoolWorker>();
  /** Workers that threw and are being terminated: `close()` waits for them to exit too. */
  readonly #exiting = new Set<Promise<unknown>>();
  readonly #queue: Job[] = [];
  #nextJobId = 1;
  #nextWorkerId = 1;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: ParserPoolOptions) {
    super();
    this.#size = options.size;
    this.#parseOptions = { ...options.parseOptions };
    this.#parserModule =
      options.parserModule === undefined ? undefined : resolve(options.parserModule);
    this.#graceMs = options.terminateGraceMs ?? 250;
  }

  /** How many workers are running (started lazily, at most `size`). */
  get workerCount(): number {
    return this.#workers.size;
  }

  get size(): number {
    return this.#size;
  }

  /**
   * Parses a file on a worker (`text` spares the worker reading it).
   *
   * @throws {ParseError} from the parser, rebuilt with its cause chain.
   * @throws {ParseTimeoutError} when the worker did not answer in time (it is terminated).
   * @throws {WorkerCrashError} when the worker died with the file.
   * @throws {PoolClosedError} when the pool closed first.
   */
  parse(file: string, text?: string): Promise<Chunk[]> {
    if (this.#closed) {
      return Promise.reject(new PoolClosedError(file));
    }
    return new Promise<Chunk[]>((resolveJob, rejectJob) => {
      this.#queue.push({
        id: this.#nextJobId++,
        file,
        text,
        resolve: resolveJob,
        reject: rejectJob,
      });
      this.#dispatch();
    });
  }

  /** Parses later jobs with these settings. */
  configure(parseOptions: ParserPoolOptions['parseOptions']): void {
    this.#parseOptions = { ...parseOptions };
  }

  /** Changes how many workers may run; idle workers beyond the new size stop at once. */
  async resize(size: number): Promise<void> {
    this.#size = size;
    const idle = [...this.#workers].filter((entry) => !entry.job);
    const surplus = idle.slice(0, Math.max(0, this.#workers.size - size));
    await Promise.all(surplus.map((entry) => this.#retire(entry)));
    this.#dispatch();
  }

  /**
   * Rejects the queued and running jobs with `PoolClosedError`, terminates every worker, and
   * resolves once every thread the pool started has exited.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) {
      job.reject(new PoolClosedError(job.file));
    }
    await Promise.all(
      [...this.#workers].map((entry) => {
        if (entry.job) {
          entry.job.reject(new PoolClosedError(entry.job.file));
          entry.job = undefined;
        }
        return this.#retire(entry);
      }),
    );
    await Promise.all(this.#exiting);
  }

  #dispatch(): void {
    if (this.#closed) {
      return;
    }
    for (const entry of this.#workers) {
      if (this.#queue.length === 0) {
        return;
      }
      if (entry.ready && !entry.job && !entry.gone) {
        this.#assign(entry, this.#queue.shift() as Job);
      }
    }
    let starting = [...this.#workers].filter((entry) => !entry.ready).length;
    while (this.#workers.size < this.#size && this.#queue.length > starting) {
      this.#spawn();
      starting += 1;
    }
  }

  #spawn(): void {
    const { file, execArgv, env } = workerScript();
    const start: WorkerStart = { parserModule: this.#parserModule };
    const worker = new Worker(file, { workerData: start, execArgv, env });
    const entry: PoolWorker = {
      id: this.#nextWorkerId++,
      worker,
      threadId: worker.threadId,
      ready: false,
      job: undefined,
      timer: undefined,
      gone: false,
    };
    this.#workers.add(entry);
    entry.worker.on('message', (reply: WorkerReply) => this.#receive(entry, reply));
    entry.worker.on('error', (error) => this.#lost(entry, { cause: error }));
    entry.worker.on('exit', (exitCode) => this.#lost(entry, { exitCode }));
  }

  #assign(entry: PoolWorker, job: Job): void {
    entry.job = job;
    const message: ParseJob = {
      id: job.id,
      file: job.file,
      text: job.text,
      options: this.#parseOptions,
    };
    const timeoutMs = this.#parseOptions.timeoutMs;
    entry.timer = setTimeout(() => {
      entry.job = undefined;
      job.reject(
        new ParseTimeoutError({ file: job.file, timeoutMs, operation: 'parse-in-worker' }),
      );
      void this.#retire(entry).then(() => this.#dispatch());
    }, timeoutMs + this.#graceMs);
    entry.worker.postMessage(message);
  }

  #receive(entry: PoolWorker, reply: WorkerReply): void {
    if (reply.type === 'ready') {
      entry.ready = true;
      this.#dispatch();
      return;
    }
    const { job } = entry;
    if (!job || job.id !== reply.id) {
      return;
    }
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.job = undefined;
    if (reply.type === 'done') {
      job.resolve(reply.chunks);
    } else {
      job.reject(reviveFailure(reply.error));
    }
    if (this.#workers.size > this.#size) {
      void this.#retire(entry);
    }
    this.#dispatch();
  }

  /** The worker threw outside a job, exited, or failed to start. */
  #lost(entry: PoolWorker, how: { cause?: unknown; exitCode?: number }): void {
    if (entry.gone) {
      return;
    }
    entry.gone = true;
    clearTimeout(entry.timer);
    this.#workers.delete(entry);
    const { job } = entry;
    entry.job = undefined;
    const { threadId } = entry;
    const reason =
      how.exitCode === undefined ? describeThrown(how.cause) : `exited with code ${how.exitCode}`;
    const details = {
      workerId: entry.id,
      threadId,
      ...(how.exitCode === undefined ? {} : { exitCode: how.exitCode }),
      ...('cause' in how ? { cause: how.cause } : {}),
    };
    if (how.exitCode === undefined) {
      const exited = entry.worker.terminate();
      this.#exiting.add(exited);
      void exited.finally(() => this.#exiting.delete(exited));
    }
    if (job) {
      const crash = new WorkerCrashError(
        `worker ${entry.id} (thread ${threadId}) crashed while parsing ${job.file}: ${reason}`,
        { ...details, file: job.file, operation: 'parse-in-worker' },
      );
      this.emit('crash', crash);
      job.reject(crash);
    } else if (!entry.ready) {
      // Its replacement would fail the same way: fail the waiting jobs instead of looping.
      const crash = new WorkerCrashError(
        `worker ${entry.id} (thread ${threadId}) failed to start: ${reason}`,
        { ...details, operation: 'start-worker' },
      );
      this.emit('crash', crash);
      for (const waiting of this.#queue.splice(0)) {
        waiting.reject(crash);
      }
    }
    this.#dispatch();
  }

  async #retire(entry: PoolWorker): Promise<void> {
    entry.gone = true;
    clearTimeout(entry.timer);
    this.#workers.delete(entry);
    await entry.worker.terminate();
  }
}

/**
 * The worker's script. Run from the TypeScript sources (tests, `bin/chunker.js`), the worker
 * loads `ts-node` to compile them, as the main thread did; compiled, it runs the `.js`.
 */
function workerScript(): { file: string; execArgv: string[]; env: NodeJS.ProcessEnv } {
  if (__filename.endsWith('.ts')) {
    return {
      file: join(__dirname, 'parseWorker.ts'),
      execArgv: ['--require', require.resolve('ts-node/register/transpile-only')],
      env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', '..', 'tsconfig.json') },
    };
  }
  return { file: join(__dirname, 'parseWorker.js'), execArgv: [], env: process.env };
}

function describeThrown(thrown: unknown): string {
  if (typeof thrown === 'object' && thrown !== null && 'message' in thrown) {
    return `${String((thrown as Error).name)}: ${String((thrown as Error).message)}`;
  }
  return `threw ${String(thrown)}`;
}

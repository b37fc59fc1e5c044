import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { IntegrationError } from '../IntegrationError';
import {
  LineSplitter,
  MAX_CONTROL_LINE_BYTES,
  MAX_LINE_BYTES,
  MAX_RECORDS_PER_WORKER,
  readHubControl,
  socketPathFor,
  spoolFileName,
} from './workerProtocol';
import type { HelloRecord, SpoolRecord, WorkerControl } from './workerProtocol';

const WARNING_CODE = 'JEST_INTEGRATION_WORKER';

interface PendingFlush {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * The worker's end of the channel to the environment (see `workerProtocol`): every record
 * is one synchronous append to the worker's spool file; a socket, connected in the
 * background and never keeping the worker alive unless a `flush()` waits, carries the
 * control lines.
 */
export class WorkerChannel {
  readonly #fd: number;
  readonly #spool: string;
  readonly #socket: net.Socket;
  #written = 0;
  #records = 0;
  #writing = true;
  #connected = false;
  #closedReason: string | undefined;
  #pokeQueued = false;
  #nextFlushId = 1;
  readonly #flushes = new Map<number, PendingFlush>();
  readonly #controlQueue: string[] = [];

  /**
   * Opens a spool file in `directory` and starts connecting. Throws when the folder is
   * gone (its test file finished) or cannot be written.
   */
  constructor(directory: string, hello: Omit<HelloRecord, 't' | 'v'>) {
    this.#spool = spoolFileName(process.pid, threadId, randomBytes(8).toString('hex'));
    // 'wx': a name nobody else can have opened, so that lines are never interleaved.
    this.#fd = fs.openSync(path.join(directory, this.#spool), 'wx');
    this.#append({ t: 'hello', v: 1, ...hello });
    this.#socket = net.createConnection(socketPathFor(directory));
    this.#socket.unref();
    this.#listen(this.#socket);
  }

  /** Whether records still reach the environment. */
  get writing(): boolean {
    return this.#writing;
  }

  /**
   * Appends one record. Records past `MAX_RECORDS_PER_WORKER` are kept by the worker only,
   * after one `overflow` line and one process warning. Never throws.
   */
  send(record: SpoolRecord): void {
    if (!this.#writing) {
      return;
    }
    if (this.#records >= MAX_RECORDS_PER_WORKER) {
      this.#append({ t: 'overflow', limit: MAX_RECORDS_PER_WORKER });
      this.#stopWriting(
        `this worker reached the limit of ${MAX_RECORDS_PER_WORKER} records per connectWorker(); what it records from now on stays in the worker`,
      );
      return;
    }
    this.#records += 1;
    this.#append(record);
    this.#poke();
  }

  /** Appends an exit or crash report, which the record limit does not apply to. */
  sendFinal(record: SpoolRecord): void {
    if (this.#closedReason === undefined || this.#writing) {
      this.#append(record);
    }
  }

  /** Resolves once the environment has read every record appended before this call. */
  flush(): Promise<void> {
    if (this.#closedReason !== undefined) {
      return Promise.reject(flushError(this.#closedReason));
    }
    const id = this.#nextFlushId++;
    const offset = this.#written;
    return new Promise<void>((resolve, reject) => {
      this.#flushes.set(id, { resolve, reject });
      // A waiting flush keeps the worker alive until it is answered.
      this.#socket.ref();
      this.#control({ t: 'flush', id, offset });
    });
  }

  #append(record: SpoolRecord): void {
    let line = JSON.stringify(record);
    if (Buffer.byteLength(line) >= MAX_LINE_BYTES) {
      line = JSON.stringify(shrink(record));
      if (Buffer.byteLength(line) >= MAX_LINE_BYTES) {
        warnOnce(
          `a ${record.t} record was larger than ${MAX_LINE_BYTES} bytes as JSON even without its metadata; it was not sent`,
        );
        return;
      }
    }
    const bytes = Buffer.from(`${line}\n`);
    try {
      let offset = 0;
      while (offset < bytes.length) {
        offset += fs.writeSync(this.#fd, bytes, offset);
      }
      this.#written += bytes.length;
    } catch (error) {
      this.#stopWriting(
        `writing to the spool file failed (${(error as NodeJS.ErrnoException).code ?? String(error)}); what this worker records from now on stays in the worker`,
      );
    }
  }

  /** One poke per turn of the worker's event loop, however many records it wrote. */
  #poke(): void {
    if (this.#pokeQueued || !this.#connected) {
      return;
    }
    this.#pokeQueued = true;
    queueMicrotask(() => {
      this.#pokeQueued = false;
      this.#control({ t: 'poke' });
    });
  }

  #control(message: WorkerControl): void {
    const line = `${JSON.stringify(message)}\n`;
    if (!this.#connected) {
      if (this.#closedReason === undefined) {
        this.#controlQueue.push(line);
      }
      return;
    }
    this.#socket.write(line);
  }

  #listen(socket: net.Socket): void {
    const splitter = new LineSplitter(MAX_CONTROL_LINE_BYTES);
    socket.on('connect', () => {
      this.#connected = true;
      socket.write(`${JSON.stringify({ t: 'attach', spool: this.#spool })}\n`);
      for (const line of this.#controlQueue.splice(0)) {
        socket.write(line);
      }
    });
    socket.on('data', (chunk: Buffer) => {
      splitter.push(
        chunk,
        (line) => this.#onControl(line),
        () => undefined,
      );
    });
    // 'close' follows; the reason is said there.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.#connected = false;
      this.#close(
        'the test environment that started this worker closed its channel (its test file finished)',
      );
    });
  }

  #onControl(line: Buffer): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line.toString('utf8'));
    } catch {
      return;
    }
    const message = readHubControl(parsed);
    if (message === undefined) {
      return;
    }
    if (message.t === 'ack') {
      this.#settle(message.id)?.resolve();
      return;
    }
    if (message.id !== undefined) {
      this.#settle(message.id)?.reject(flushError(message.reason));
      return;
    }
    this.#stopWriting(message.reason);
    this.#close(message.reason);
  }

  #settle(id: number): PendingFlush | undefined {
    const pending = this.#flushes.get(id);
    this.#flushes.delete(id);
    if (this.#flushes.size === 0) {
      this.#socket.unref();
    }
    return pending;
  }

  #stopWriting(reason: string): void {
    if (!this.#writing) {
      return;
    }
    this.#writing = false;
    warnOnce(reason);
  }

  #close(reason: string): void {
    if (this.#closedReason !== undefined) {
      return;
    }
    this.#closedReason = reason;
    this.#writing = false;
    this.#controlQueue.length = 0;
    for (const id of [...this.#flushes.keys()]) {
      this.#settle(id)?.reject(flushError(reason));
    }
    this.#socket.destroy();
    try {
      fs.closeSync(this.#fd);
    } catch {
      // Closed already.
    }
  }
}

/** The same record with its bulky parts left out, for a record too large to send. */
function shrink(record: SpoolRecord): SpoolRecord {
  const omitted = `[Omitted: larger than ${MAX_LINE_BYTES} bytes as JSON]`;
  switch (record.t) {
    case 'track': {
      const { stack: _stack, ...rest } = record;
      return { ...rest, metadata: { metadata_omitted: omitted } };
    }
    case 'error':
    case 'uncaught': {
      const thrown =
        record.thrown.kind === 'error'
          ? {
              kind: 'error' as const,
              error: {
                name: record.thrown.error.name.slice(0, 200),
                message: record.thrown.error.message.slice(0, 10_000),
                stack: record.thrown.error.stack?.slice(0, 20_000) ?? null,
                cause: null,
              },
            }
          : { kind: 'value' as const, value: omitted };
      return record.t === 'error'
        ? { ...record, thrown, context: { context_omitted: omitted }, call_stack: [] }
        : { ...record, thrown };
    }
    case 'config':
      return { t: 'config', path: record.path, old: omitted, new: omitted };
    default:
      return record;
  }
}

function flushError(reason: string): IntegrationError {
  return new IntegrationError(
    'INVALID_STATE',
    `flush(): the records could not be confirmed: ${reason}.`,
    { reason },
  );
}

const warned = new Set<string>();

function warnOnce(reason: string): void {
  if (warned.has(reason)) {
    return;
  }
  warned.add(reason);
  process.emitWarning(`jest-environment-integration/worker: ${reason}.`, { code: WARNING_CODE });
}

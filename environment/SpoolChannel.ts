import type { ChildProcess } from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { socketPathFor } from '../src/worker/workerProtocol';
import { makeSpoolDirectory, removeSpoolDirectory } from './spoolDirectory';

/** A worker thread or child process Node announced on its diagnostics channels. */
export type Announced =
  | { readonly kind: 'worker'; readonly handle: Worker }
  | { readonly kind: 'child-process'; readonly handle: ChildProcess };

/**
 * The hub a channel is lent to: it takes the connections, hears of a broken socket, and
 * of every worker Node announces.
 */
export interface ChannelBorrower {
  accept(socket: net.Socket): void;
  failed(error: Error): void;
  /**
   * Node announced a worker thread or child process of this process, synchronously as the
   * code that made it runs (a child before it is spawned).
   */
  announced(started: Announced): void;
}

/**
 * The spool folder and the socket beside it that worker threads and child processes report
 * through (see `src/worker/workerProtocol.ts`). A Jest process keeps one and lends it to
 * one test file's hub at a time: making and removing a folder, a socket and a descriptor
 * cost every test file about a millisecond. When a file gives it back, its spool files are
 * removed, so the next file starts with an empty folder; a worker of an earlier file that
 * reports again names that file's hub in its scope token, and the hub ignores it. The
 * folder goes when the process exits.
 *
 * @example
 * const channel = SpoolChannel.lend(hub);
 * process.env[HUB_ENV_KEY] = channel.directory;
 * // ... the test file runs ...
 * channel.giveBack();
 */
export class SpoolChannel {
  /** Given back and ready for the next file. */
  static #idle: SpoolChannel | undefined;
  /** Lent to a hub now: the package's own tests run several hubs at once. */
  static readonly #lent = new Set<SpoolChannel>();

  /** Tells every borrower what Node announced (see `listenForChildren`). */
  static announce(started: Announced): void {
    for (const channel of SpoolChannel.#lent) {
      try {
        channel.#borrower?.announced(started);
      } catch {
        // A borrower is an add-on to the code starting the child: it must never break it.
      }
    }
  }

  readonly directory: string;
  /**
   * The folder opened, where the platform allows it (not Windows): asking an open folder
   * when it last changed skips looking its path up, several microseconds per verdict.
   */
  readonly #folderDescriptor: number | undefined;
  readonly #server: net.Server;
  /** The folder's modification time as `markSettled` left it: unchanged means still empty. */
  #settledMs = Number.NaN;
  #borrower: ChannelBorrower | undefined;
  #broken = false;
  #closed = false;

  /**
   * The process's channel, or a new one when it is lent out or there is none yet.
   *
   * @throws what the file system or the socket refused; the caller goes without workers.
   */
  static lend(borrower: ChannelBorrower): SpoolChannel {
    listenForChildren();
    const channel = SpoolChannel.#idle ?? SpoolChannel.#open();
    SpoolChannel.#idle = undefined;
    channel.#borrower = borrower;
    SpoolChannel.#lent.add(channel);
    return channel;
  }

  /**
   * Closes and removes the channel waiting for a next file, if any, and stops listening
   * for children. The process's exit does that by itself; code whose `process` is not the
   * real one (this package's own tests, which run inside Jest's test realm) calls this when
   * done.
   */
  static closeIdle(): void {
    stopListeningForChildren();
    const idle = SpoolChannel.#idle;
    SpoolChannel.#idle = undefined;
    if (idle !== undefined) {
      idle.#close();
    }
  }

  static #open(): SpoolChannel {
    const directory = makeSpoolDirectory();
    try {
      const server = net.createServer();
      server.listen(socketPathFor(directory));
      return new SpoolChannel(directory, server);
    } catch (error) {
      removeSpoolDirectory(directory);
      throw error;
    }
  }

  private constructor(directory: string, server: net.Server) {
    this.directory = directory;
    this.#server = server;
    this.#folderDescriptor = openFolder(directory);
    this.#markSettled();
    // The channel never keeps Jest's process alive.
    server.unref();
    server.on('connection', (socket: net.Socket) => {
      if (this.#borrower === undefined) {
        // A worker of a file that has finished: nobody listens for it any more.
        socket.destroy();
      } else {
        this.#borrower.accept(socket);
      }
    });
    server.on('error', (error: Error) => {
      if (SpoolChannel.#idle === this) {
        SpoolChannel.#idle = undefined;
        this.#close();
      }
      this.#broken = true;
      this.#borrower?.failed(error);
    });
  }

  /**
   * The borrower is done: its spool files are removed and the channel waits for the next
   * file. A channel whose socket failed, or whose folder cannot be emptied, is closed and
   * removed instead. Never throws.
   */
  giveBack(): void {
    this.#borrower = undefined;
    SpoolChannel.#lent.delete(this);
    if (!this.#broken && SpoolChannel.#idle === undefined && this.#empty()) {
      SpoolChannel.#idle = this;
      return;
    }
    this.#close();
  }

  #close(): void {
    if (this.#closed) {
      return;
    }
    SpoolChannel.#lent.delete(this);
    this.#closed = true;
    this.#broken = true;
    this.#server.close();
    if (this.#folderDescriptor !== undefined) {
      try {
        fs.closeSync(this.#folderDescriptor);
      } catch {
        // Closed already.
      }
    }
    removeSpoolDirectory(this.directory);
  }

  /** Removes every spool file; false when one could not be (Windows, still open). */
  #empty(): boolean {
    try {
      if (this.changedMs() === this.#settledMs) {
        return true;
      }
      const socketName = path.basename(socketPathFor(this.directory));
      for (const name of fs.readdirSync(this.directory)) {
        if (name !== socketName) {
          fs.rmSync(path.join(this.directory, name), { force: true });
        }
      }
      this.#markSettled();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The folder's modification time when it was last emptied (`NaN` when unknown): while it
   * reads the same, the folder holds no spool file.
   */
  get emptiedAtMs(): number {
    return this.#settledMs;
  }

  /**
   * Whether this process has started a child process or a worker thread since its first
   * channel opened, by any API but the synchronous ones (`spawnSync`, `execSync`,
   * `execFileSync`), which Node announces nowhere.
   */
  get childrenStarted(): boolean {
    return childrenStarted;
  }

  /**
   * When something was last added to or removed from the folder, in ms: while it stays the
   * same, a listing of the folder stays current.
   *
   * @throws what the file system refused (the folder is gone).
   */
  changedMs(): number {
    return (
      this.#folderDescriptor === undefined
        ? fs.statSync(this.directory)
        : fs.fstatSync(this.#folderDescriptor)
    ).mtimeMs;
  }

  /**
   * Dates the folder's last change a minute back, so that the first listing is known
   * current at once, rather than only once the coarse grain of file times has passed:
   * until then every verdict that looks would list it.
   */
  #markSettled(): void {
    const aMinuteAgo = new Date(Date.now() - 60_000);
    try {
      fs.utimesSync(this.directory, aMinuteAgo, aMinuteAgo);
      this.#settledMs = this.changedMs();
    } catch {
      // The folder is listed more often, and emptied by listing it, nothing worse.
      this.#settledMs = Number.NaN;
    }
  }
}

/** The folder opened for `fstat`, or `undefined` where folders cannot be opened (Windows). */
function openFolder(directory: string): number | undefined {
  try {
    return fs.openSync(directory, 'r');
  } catch {
    return undefined;
  }
}

let childrenStarted = false;
let listeningForChildren = false;

/**
 * Node announces every `ChildProcess` and `Worker` it creates on a diagnostics channel,
 * synchronously. The listener stays: unsubscribing while Node publishes could make it skip
 * another subscriber of the application, and a listener costs nothing between children.
 */
function listenForChildren(): void {
  if (listeningForChildren) {
    return;
  }
  listeningForChildren = true;
  diagnosticsChannel.subscribe('child_process', childStarted);
  diagnosticsChannel.subscribe('worker_threads', threadStarted);
}

function childStarted(message: unknown): void {
  childrenStarted = true;
  const child = (message as { process?: ChildProcess } | undefined)?.process;
  if (typeof child === 'object' && child !== null) {
    SpoolChannel.announce({ kind: 'child-process', handle: child });
  }
}

function threadStarted(message: unknown): void {
  childrenStarted = true;
  const worker = (message as { worker?: Worker } | undefined)?.worker;
  if (typeof worker === 'object' && worker !== null && typeof worker.threadId === 'number') {
    SpoolChannel.announce({ kind: 'worker', handle: worker });
  }
}

function stopListeningForChildren(): void {
  if (listeningForChildren) {
    listeningForChildren = false;
    diagnosticsChannel.unsubscribe('child_process', childStarted);
    diagnosticsChannel.unsubscribe('worker_threads', threadStarted);
  }
}

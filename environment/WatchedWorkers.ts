import type { ChildProcess } from 'node:child_process';
import { errorMonitor } from 'node:events';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { IntegrationScope } from './IntegrationScope';

/**
 * A worker thread or child process a scope created, watched for its end: announced by Node,
 * and told apart by auto-tracking, which knows the module and script.
 */
export interface WatchedHandle {
  readonly kind: 'worker' | 'child-process';
  /** Thread id or pid. */
  readonly id: number;
  scope: IntegrationScope;
  /**
   * The module that created it, the target of its crash: the test file's, until
   * auto-tracking names it.
   */
  starter: string;
  /** Node does not say which script a thread runs: only auto-tracking knows. */
  script: string | undefined;
  error: { value: unknown } | undefined;
  /** `terminate()` or `kill()` was called on it: its end is not a crash. */
  endedByParent: boolean;
}

type Exited = (watched: WatchedHandle, code: number | null, signal: string | null) => void;

/**
 * The worker threads and child processes of one test file, each with the scope that
 * started it, watched for an error, for its end, and for the parent ending it itself. A
 * handle watched a second time (announced, then auto-tracked) learns what the second
 * source knows, and is still watched once.
 *
 * @example
 * const watched = new WatchedWorkers((handle, code, signal) => judge(handle, code, signal));
 * watched.watchThread(worker, scope, 'jobs.pool', '/src/jobs/worker.js');
 * watched.of(process.pid, worker.threadId, undefined); // the handle, until it exits
 */
export class WatchedWorkers {
  readonly #threads = new Map<number, WatchedHandle>();
  readonly #children = new Map<number, WatchedHandle>();
  readonly #exited: Exited;

  constructor(exited: Exited) {
    this.#exited = exited;
  }

  watchThread(
    worker: Worker,
    scope: IntegrationScope,
    starter: string,
    script: string | undefined,
  ): void {
    if (!(worker.threadId >= 0)) {
      return;
    }
    const known = this.#threads.get(worker.threadId);
    if (known !== undefined) {
      Object.assign(known, { scope, starter, script: script ?? known.script });
      return;
    }
    const watched = newWatched('worker', worker.threadId, scope, starter, script);
    this.#threads.set(watched.id, watched);
    // A monitor: it sees the error without handling it, so a worker error nobody
    // listens for still fails the test as it did.
    worker.on(errorMonitor, (error: unknown) => {
      watched.error ??= { value: error };
    });
    // First in line, so that a listener of the test finds the worker's last records.
    worker.prependOnceListener('exit', (code: number) => {
      this.#exited(watched, code, null);
    });
    markEndedByParent(worker, 'terminate', watched);
  }

  watchChild(child: ChildProcess, scope: IntegrationScope, starter: string): void {
    if (typeof child.pid !== 'number') {
      return;
    }
    const known = this.#children.get(child.pid);
    if (known !== undefined) {
      Object.assign(known, { scope, starter });
      return;
    }
    const watched = newWatched(
      'child-process',
      child.pid,
      scope,
      starter,
      scriptOf(child.spawnargs),
    );
    this.#children.set(watched.id, watched);
    child.prependOnceListener('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      this.#exited(watched, code, signal);
    });
    markEndedByParent(child, 'kill', watched);
  }

  /**
   * The watched handle a worker reports from: its thread in this process, its process, or
   * the process that started it (a shell's `node`).
   */
  of(pid: number, threadId: number, parentPid: number | undefined): WatchedHandle | undefined {
    if (pid === process.pid) {
      return this.#threads.get(threadId);
    }
    return (
      this.#children.get(pid) ??
      (parentPid === undefined ? undefined : this.#children.get(parentPid))
    );
  }

  /** A handle that ended: its id may be given to another thread or process later. */
  forget(watched: WatchedHandle): void {
    (watched.kind === 'worker' ? this.#threads : this.#children).delete(watched.id);
  }
}

function newWatched(
  kind: WatchedHandle['kind'],
  id: number,
  scope: IntegrationScope,
  starter: string,
  script: string | undefined,
): WatchedHandle {
  return { kind, id, scope, starter, script, error: undefined, endedByParent: false };
}

/** Records that `method` (terminate, kill) was called on the handle, then calls it. */
function markEndedByParent(handle: object, method: string, watched: WatchedHandle): void {
  const original: unknown = Reflect.get(handle, method);
  if (typeof original !== 'function') {
    return;
  }
  Object.defineProperty(handle, method, {
    configurable: true,
    writable: true,
    value: function endedByParent(this: unknown, ...args: unknown[]): unknown {
      // kill(0) only asks whether the process is alive.
      if (!(method === 'kill' && args[0] === 0)) {
        watched.endedByParent = true;
      }
      return Reflect.apply(original, this, args);
    },
  });
}

/** The script a child process runs: the first argument that names a JavaScript file. */
function scriptOf(spawnargs: readonly string[] | undefined): string | undefined {
  if (!Array.isArray(spawnargs)) {
    return undefined;
  }
  const script = spawnargs.slice(1).find((arg) => /\.[cm]?[jt]sx?$/.test(arg));
  return script === undefined ? spawnargs[0] : path.resolve(script);
}

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { now } from '../src/clock';
import { CAPTURE_BELOW } from '../src/ErrorPropagation';
import { errorMessageOf } from '../src/errorMessageOf';
import { IntegrationError } from '../src/IntegrationError';
import { createModuleNamer } from '../src/moduleNameForFile';
import type { ModuleNamer } from '../src/moduleNameForFile';
import type { ResourceRecord } from '../src/records';
import type { ResourceTracker } from '../src/ResourceTracker';
import { decodeThrown } from '../src/worker/decodeThrown';
import { WorkerExitError } from '../src/worker/WorkerExitError';
import {
  HUB_ENV_KEY,
  LineSplitter,
  MAX_CONTROL_LINE_BYTES,
  MAX_RECORDS_PER_WORKER,
  SCOPE_ENV_KEY,
  parseSpoolFileName,
  readWorkerControl,
} from '../src/worker/workerProtocol';
import type { HubControl, SpoolRecord } from '../src/worker/workerProtocol';
import { findAutoTrackedHandle } from './findAutoTrackedHandle';
import { InheritedScopeToken } from './InheritedScopeToken';
import type { InheritedTokenSnapshot } from './InheritedScopeToken';
import type { IntegrationLifecycle, ScopeListener } from './IntegrationLifecycle';
import type { IntegrationScope } from './IntegrationScope';
import { SpoolChannel } from './SpoolChannel';
import type { Announced } from './SpoolChannel';
import { WatchedWorkers } from './WatchedWorkers';
import type { WatchedHandle } from './WatchedWorkers';
import {
  WORKER_ADVICE,
  floodReason,
  lateCrashMessage,
  lateRecordsMessage,
  stillRunningMessage,
  stoppedNotice,
  unavailableMessage,
  workerChannelError,
} from './workerMessages';
import type { WorkerAdvice } from './workerMessages';
import { WorkerPeer } from './WorkerPeer';

/** Counted records all workers of one test file may send together. */
export const MAX_RECORDS_PER_FILE = 400_000;
/** Malformed lines after which a worker is not read any more. */
export const MAX_MALFORMED_PER_WORKER = 20;
/** Bytes read per worker in one turn of the event loop, so that a flood cannot stall it. */
const TURN_BUDGET_BYTES = 1024 * 1024;

/** What the hub needs from the environment. */
export interface WorkerHubOptions {
  lifecycle: IntegrationLifecycle;
  rootDir: string;
  /** The test file, as absolute path: its module is the target of crashes nobody else started. */
  testPath: string;
}

/** Something wrong with what a worker sent, reported with the verdict of `scope`. */
interface Problem {
  readonly peer: WorkerPeer;
  readonly scope: IntegrationScope | undefined;
  readonly kind: 'malformed' | 'stopped';
  count: number;
  /** What was wrong (the first malformed record, or why the worker was cut off). */
  readonly detail: string;
}

/**
 * When a folder was last listed, and its modification time then: a later listing finds
 * nothing new while that time is unchanged. File systems keep times coarsely (a kernel tick;
 * whole seconds on some), so a change made within that grain of a listing could leave the
 * time as it was: a time that close to the listing proves nothing, and the folder is listed
 * again.
 */
class FolderListing {
  constructor(
    readonly changedMs: number,
    readonly listedMs: number,
  ) {}

  isCurrent(changedMs: number): boolean {
    // Whole seconds suggest a file system that keeps no finer times (FAT keeps two).
    const grainMs = changedMs % 1000 === 0 ? 2000 : 100;
    return changedMs === this.changedMs && changedMs < this.listedMs - grainMs;
  }
}

/**
 * Less than the time a child process takes to start Node, load the worker entry and write
 * its first record (tens of milliseconds on a fast machine).
 */
const QUICKEST_REPORTING_CHILD_MS = 5;

/** What nearly every verdict finds: no problem of any worker. */
const NO_ERRORS: readonly Error[] = Object.freeze([]);

/** Hubs this process has started: each numbers its scope tokens with its own count. */
let hubsStarted = 0;

function notOnStack(): void {
  // Handed to CAPTURE_BELOW, which leaves out every frame from here up: as this function
  // is never running, a context captured here has an empty `call_stack` (the environment's
  // own frames would say nothing about the worker).
}

/**
 * The environment's end of the channel to worker threads and child processes (see
 * `src/worker/workerProtocol.ts`): one per test file, on the process's `SpoolChannel`. It
 * hands its address down through `process.env`, reads each worker's spool file in order,
 * puts every record in the scope that started the worker (marked with `thread_id` or
 * `pid`), captures crashes, and stays bounded whatever a worker sends.
 *
 * @example
 * const hub = WorkerHub.start({ lifecycle, rootDir, testPath });
 * // ... the file's tests run ...
 * await hub?.close();
 */
export class WorkerHub implements ScopeListener {
  readonly #lifecycle: IntegrationLifecycle;
  readonly #rootDir: string;
  readonly #channel: SpoolChannel;
  readonly #directory: string;
  /** Numbers this hub among those of the process: its scope tokens start with it. */
  readonly #number = ++hubsStarted;
  readonly #testPath: string;
  /** Names the modules of workers' scripts; made when first needed, as few files start any. */
  #moduleFor: ModuleNamer | undefined;
  #testModule: string | undefined;
  /** What children started without an `env` inherit from Jest's `process.env`. */
  readonly #inherited: InheritedScopeToken;
  readonly #inheritedBefore: InheritedTokenSnapshot;
  readonly #hubDirectoryBefore: string | undefined;
  readonly #removeListener: () => void;
  readonly #peers = new Map<string, WorkerPeer>();
  readonly #sockets = new Set<net.Socket>();
  // The running scopes that were given a token, by token and by scope: a test is given one
  // only when something may carry it to a worker (see `#tokenOf`). Only running ones: a
  // finished scope must be free to go, and weak maps would cost the collector work on every
  // test. What a finished scope's token stands for is kept as a description.
  readonly #scopesByToken = new Map<string, IntegrationScope>();
  readonly #tokens = new Map<IntegrationScope, string>();
  readonly #finishedByToken = new Map<string, string>();
  readonly #watched = new WatchedWorkers((watched, code, signal) =>
    this.#handleExited(watched, code, signal),
  );
  /** The scope token of each thread Node announced, as it started (see `#announced`). */
  readonly #threadTokens = new Map<number, string>();
  readonly #problems: Problem[] = [];
  readonly #warned = new Set<string>();
  #fileScope: IntegrationScope | undefined;
  #listing: FolderListing;
  /**
   * The token of the innermost running scope, given on first ask: what a worker started now
   * inherits. `undefined` before the file starts, after it ends, and once the hub closed.
   */
  readonly #innermostToken = (): string | undefined => {
    const scope = this.#lifecycle.innermost();
    return scope === undefined || this.#closed ? undefined : this.#tokenOf(scope);
  };
  /** The realm env object a token was last written into, and that token (see `envRead`). */
  #stampedEnv: object | undefined;
  #stampedToken: string | undefined;
  #nextToken = 1;
  #accepted = 0;
  /** A worker's file is being read (see `#drainAll`). */
  #reading = false;
  #closed = false;

  /**
   * Opens the channel for one test file and starts following its scopes. Never throws:
   * when the channel cannot be opened, it warns and returns `undefined`, and
   * `connectWorker()` in workers keeps records to itself.
   */
  static start(options: WorkerHubOptions): WorkerHub | undefined {
    try {
      return new WorkerHub(options);
    } catch (error) {
      options.lifecycle.warn(unavailableMessage(error));
      return undefined;
    }
  }

  private constructor(options: WorkerHubOptions) {
    this.#lifecycle = options.lifecycle;
    this.#rootDir = options.rootDir;
    this.#testPath = options.testPath;
    this.#inherited = InheritedScopeToken.install(process);
    this.#inheritedBefore = this.#inherited.snapshot();
    this.#hubDirectoryBefore = process.env[HUB_ENV_KEY];
    this.#channel = SpoolChannel.lend({
      accept: (socket) => this.#accept(socket),
      announced: (started) => this.#announced(started),
      failed: (error) => {
        this.#lifecycle.warn(unavailableMessage(error));
        void this.close();
      },
    });
    this.#directory = this.#channel.directory;
    // The channel comes emptied: a first look that finds it unchanged need not list it.
    this.#listing = new FolderListing(this.#channel.emptiedAtMs, Date.now());
    process.env[HUB_ENV_KEY] = this.#directory;
    this.#setRealmEnv(HUB_ENV_KEY, this.#directory);
    this.#removeListener = options.lifecycle.addScopeListener(this);
  }

  scopeStarted(scope: IntegrationScope): void {
    if (scope.kind === 'file') {
      this.#fileScope ??= scope;
    }
    this.#pointEnvAtInnermost(scope.kind !== 'test');
  }

  /** Reads what workers wrote, before a scope's verdict. */
  beforeLeakCheck(scope: IntegrationScope): void {
    if (this.#mayHaveUnread(scope)) {
      this.#drainAll();
    }
  }

  /** Reads what workers wrote, before the test looks at its records. */
  beforeRead(): void {
    const scope = this.#lifecycle.innermost();
    if (scope !== undefined && this.#mayHaveUnread(scope)) {
      this.#drainAll();
    }
  }

  /**
   * Whether a worker may have written for `scope` since the last look. Looking costs a
   * system call, which in a busy worker is several microseconds, so a quick scope in a
   * process that never started a child skips it: a worker thread or child process started
   * by any API but a synchronous one is announced (`childrenStarted`), and one started
   * synchronously blocks the scope for as long as it runs, which for anything that loads
   * Node and reports is far longer than `QUICKEST_REPORTING_CHILD_MS`. What a worker of an
   * earlier scope writes is that scope's, and is read at the next look.
   */
  #mayHaveUnread(scope: IntegrationScope): boolean {
    return (
      this.#peers.size > 0 ||
      this.#channel.childrenStarted ||
      now() - scope.startedAt >= QUICKEST_REPORTING_CHILD_MS
    );
  }

  /** The lifecycle brings the records up to date just before (`beforeLeakCheck`). */
  verdictErrors(scope: IntegrationScope): readonly Error[] {
    if (this.#problems.length === 0) {
      return NO_ERRORS;
    }
    const errors: Error[] = [];
    for (let index = 0; index < this.#problems.length;) {
      const problem = this.#problems[index] as Problem;
      if (problem.scope === scope) {
        errors.push(this.#problemError(problem));
        this.#problems.splice(index, 1);
      } else {
        index += 1;
      }
    }
    return errors;
  }

  scopeFinished(scope: IntegrationScope): void {
    const token = this.#tokens.get(scope);
    if (token === undefined && scope.kind === 'test') {
      // Nothing to point back: a test writes no real token, the view shows the function
      // that the scopes around it show too, and the realm's env got no token of it.
      return;
    }
    if (token !== undefined) {
      this.#tokens.delete(scope);
      this.#scopesByToken.delete(token);
      this.#finishedByToken.set(token, describeScope(scope));
    }
    if (this.#lifecycle.innermost() !== undefined) {
      this.#pointEnvAtInnermost(scope.kind !== 'test');
    }
  }

  scopeDiscarded(scope: IntegrationScope): void {
    this.scopeFinished(scope);
  }

  /**
   * The test realm's `process.env` is about to be read: it names the innermost scope when
   * it is spread into a child's `env`.
   */
  envRead(env: object): void {
    const token = this.#innermostToken();
    if (token !== undefined && (env !== this.#stampedEnv || token !== this.#stampedToken)) {
      this.#stampedEnv = env;
      this.#stampedToken = token;
      writeEnvVariable(env, SCOPE_ENV_KEY, token);
    }
  }

  /**
   * Workers started from now on belong to the innermost scope. The realm's env is written
   * when the test next reads it (`envRead`), or at once where the lifecycle does not hand
   * the realm's `process.env` out. Jest's own shows it to children started without an
   * `env` (see `InheritedScopeToken`); the real variable, which threads copy, is written
   * only when `real` (a file or describe scope starts or is the innermost again): threads
   * of a test are named from their announcement (`#announced`). So a test that starts no
   * worker and reads no `process.env` is never given a token.
   */
  #pointEnvAtInnermost(real: boolean): void {
    this.#inherited.point(this.#innermostToken, { real });
    if (!this.#lifecycle.announcesEnvReads) {
      const token = this.#innermostToken();
      if (token !== undefined) {
        this.#setRealmEnv(SCOPE_ENV_KEY, token);
      }
    }
  }

  /** The scope's token, given the first time it is asked for; only for a running scope. */
  #tokenOf(scope: IntegrationScope): string {
    let token = this.#tokens.get(scope);
    if (token === undefined) {
      token = `${this.#number}.${this.#nextToken++}`;
      this.#tokens.set(scope, token);
      this.#scopesByToken.set(token, scope);
    }
    return token;
  }

  /**
   * Node announced a worker thread or child process, synchronously as the code of the
   * running scope made it: it belongs to that scope (a thread whatever token its copy of
   * the real env holds), and is watched for its end.
   */
  #announced(started: Announced): void {
    const scope = this.#lifecycle.innermost();
    if (this.#closed || scope === undefined) {
      return;
    }
    const token = this.#tokenOf(scope);
    if (started.kind === 'worker') {
      this.#threadTokens.set(started.handle.threadId, token);
      this.#watched.watchThread(started.handle, scope, this.#testModuleName(), undefined);
      return;
    }
    // Announced before it is spawned: it has its pid by the next microtask.
    const child = started.handle;
    queueMicrotask(() => {
      try {
        if (!this.#closed) {
          this.#watched.watchChild(child, scope, this.#testModuleName());
        }
      } catch {
        // Watching is an add-on: the child runs and reports as usual without it.
      }
    });
  }

  resourceTracked(record: Readonly<ResourceRecord>): void {
    const type = record.resource_type;
    if ((type !== 'worker' && type !== 'child-process') || record.metadata.auto_tracked !== true) {
      return;
    }
    // Auto-tracking records the handle first and starts watching it right after; by the
    // next microtask, long before any event of the new worker, it can be looked up.
    const id = record.resource_id;
    const starter = record.owner_module;
    const metadata = record.metadata;
    queueMicrotask(() => {
      try {
        this.#watch(id, type, starter, metadata);
      } catch {
        // Watching is an add-on: the worker runs and reports as usual without it.
      }
    });
  }

  /**
   * Reads what is left of every worker, warns about those still running, and closes the
   * channel. Safe to call twice; never throws.
   */
  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    try {
      this.#drainAll();
      for (const peer of this.#peers.values()) {
        this.#judgeAtClose(peer);
      }
      for (const problem of this.#problems.splice(0)) {
        this.#warnOnce(`problem:${problem.peer.name}`, this.#problemError(problem).message);
      }
    } catch {
      // Closing must finish: what could not be read is lost, but the run goes on.
    }
    this.#closed = true;
    this.#removeListener();
    // Destroyed rather than ended: a worker busy in a loop would never answer, and the
    // file must not wait for it. Its end of the socket closes, which tells it.
    for (const socket of this.#sockets) {
      socket.destroy();
    }
    for (const peer of this.#peers.values()) {
      peer.close();
    }
    this.#channel.giveBack();
    this.#inherited.restore(this.#inheritedBefore);
    if (this.#hubDirectoryBefore === undefined) {
      delete process.env[HUB_ENV_KEY];
    } else {
      process.env[HUB_ENV_KEY] = this.#hubDirectoryBefore;
    }
  }

  // --- the address -----------------------------------------------------------------

  /**
   * Sets a variable in the test realm's `process.env`, which a test spreads into a child's
   * `env` (Jest's own, which threads copy and children inherit, is set beside it). It is
   * written beneath the recording proxy of the scope that records env changes, without
   * reading `process.env` through it (which would make one): the environment's own
   * bookkeeping is no configuration change of the test.
   */
  #setRealmEnv(key: string, value: string): void {
    const realmEnv = this.#lifecycle.realmEnvTarget();
    if (realmEnv !== undefined) {
      writeEnvVariable(realmEnv, key, value);
    }
  }

  // --- the control sockets ---------------------------------------------------------

  #accept(socket: net.Socket): void {
    socket.unref();
    if (this.#closed) {
      socket.destroy();
      return;
    }
    this.#sockets.add(socket);
    let peer: WorkerPeer | undefined;
    const splitter = new LineSplitter(MAX_CONTROL_LINE_BYTES);
    const refuse = (): void => {
      socket.destroy();
    };
    socket.on('data', (chunk: Buffer) => {
      splitter.push(
        chunk,
        (line) => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(line.toString('utf8'));
          } catch {
            refuse();
            return;
          }
          const control = readWorkerControl(parsed);
          if (control === undefined) {
            refuse();
            return;
          }
          if (control.t === 'attach') {
            const attached = peer === undefined ? this.#peerNamed(control.spool) : undefined;
            if (attached === undefined || attached.socket !== undefined) {
              refuse();
              return;
            }
            peer = attached;
            peer.socket = socket;
          } else if (peer === undefined) {
            refuse();
            return;
          } else if (control.t === 'flush') {
            peer.flushes.push({ id: control.id, offset: control.offset });
          }
          this.#schedule(peer);
        },
        refuse,
      );
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.#sockets.delete(socket);
      if (peer === undefined || peer.socket !== socket) {
        return;
      }
      peer.socket = undefined;
      // The worker's end closes its socket only when told to stop, or when its thread or
      // process is gone.
      if (!this.#closed && peer.stopped === undefined) {
        this.#read(peer, Number.POSITIVE_INFINITY);
        this.#settlePeer(peer, true);
      }
    });
  }

  #send(peer: WorkerPeer, message: HubControl): void {
    const socket = peer.socket;
    if (socket !== undefined && !socket.destroyed) {
      socket.write(`${JSON.stringify(message)}\n`);
    }
  }

  #schedule(peer: WorkerPeer): void {
    if (peer.readScheduled || this.#closed) {
      return;
    }
    peer.readScheduled = true;
    setImmediate(() => {
      peer.readScheduled = false;
      if (this.#closed) {
        return;
      }
      // A flush beyond what was written waits for the next poke: a worker writes its records
      // before it asks, so only a broken one gets here, and it must not keep Jest busy.
      if (this.#read(peer, TURN_BUDGET_BYTES)) {
        this.#schedule(peer);
      }
    });
  }

  #answerFlushes(peer: WorkerPeer): void {
    for (let index = 0; index < peer.flushes.length;) {
      const flush = peer.flushes[index] as { id: number; offset: number };
      if (peer.stopped !== undefined) {
        this.#send(peer, { t: 'refused', id: flush.id, reason: peer.stopped });
      } else if (peer.consumed >= flush.offset) {
        this.#send(peer, { t: 'ack', id: flush.id });
      } else {
        index += 1;
        continue;
      }
      peer.flushes.splice(index, 1);
    }
  }

  // --- the spool files -------------------------------------------------------------

  #peerNamed(name: string): WorkerPeer | undefined {
    const existing = this.#peers.get(name);
    if (existing !== undefined) {
      return existing;
    }
    const writer = parseSpoolFileName(name);
    if (writer === undefined) {
      return undefined;
    }
    const peer = new WorkerPeer(
      name,
      path.join(this.#directory, name),
      writer.pid,
      writer.threadId,
    );
    this.#peers.set(name, peer);
    return peer;
  }

  /**
   * Every spool file, including those of workers that never connected their socket. The
   * folder is listed only when it may have changed since the last listing: once workers
   * may run, every verdict looks (`#mayHaveUnread`), and asking the folder when it last
   * changed costs far less than listing it.
   */
  #discover(): void {
    let changedMs: number;
    try {
      changedMs = this.#channel.changedMs();
    } catch {
      return;
    }
    if (this.#listing.isCurrent(changedMs)) {
      return;
    }
    const listedMs = Date.now();
    let names: string[];
    try {
      names = fs.readdirSync(this.#directory);
    } catch {
      return;
    }
    this.#listing = new FolderListing(changedMs, listedMs);
    for (const name of names) {
      if (!this.#peers.has(name)) {
        this.#peerNamed(name);
      }
    }
  }

  /**
   * Reads everything every worker wrote so far (bounded by the limits), synchronously. Not
   * while a read is under way: putting a record in a tracker looks at its records, which
   * asks for this again (`beforeRead`).
   */
  #drainAll(): void {
    if (this.#closed || this.#reading) {
      return;
    }
    this.#discover();
    for (const peer of this.#peers.values()) {
      this.#read(peer, Number.POSITIVE_INFINITY);
      this.#settlePeer(peer, false);
    }
  }

  #read(peer: WorkerPeer, budget: number): boolean {
    const reading = this.#reading;
    this.#reading = true;
    try {
      const more = peer.read(
        budget,
        (record) => this.#ingest(peer, record),
        (problem, line, fatal) => this.#malformed(peer, problem, line, fatal),
      );
      this.#answerFlushes(peer);
      return more;
    } finally {
      this.#reading = reading;
    }
  }

  #ingest(peer: WorkerPeer, record: SpoolRecord): void {
    if (peer.stopped !== undefined) {
      return;
    }
    if (peer.hello === undefined) {
      if (record.t !== 'hello') {
        this.#stop(
          peer,
          'its first record was not "hello", so it was not written by connectWorker()',
          'protocol',
        );
        return;
      }
      peer.hello = record;
      if (this.#isOtherHubsToken(this.#scopeTokenOf(peer))) {
        this.#ignoreOtherFilesWorker(peer);
        return;
      }
      const home = this.#homeOf(peer);
      peer.setHome(home.scope, home.described);
      return;
    }
    switch (record.t) {
      case 'hello':
        this.#malformed(peer, 'a second "hello" record', 0, false);
        return;
      case 'uncaught':
        peer.uncaught = record.thrown;
        return;
      case 'exit':
        peer.exitCode = record.code;
        return;
      case 'overflow':
        this.#stop(peer, floodReason(record.limit, 'per connectWorker()'), 'flood');
        return;
      default:
        break;
    }
    if (peer.records >= MAX_RECORDS_PER_WORKER) {
      this.#stop(peer, floodReason(MAX_RECORDS_PER_WORKER, 'per connectWorker()'), 'flood');
      return;
    }
    if (this.#accepted >= MAX_RECORDS_PER_FILE) {
      this.#stop(
        peer,
        floodReason(MAX_RECORDS_PER_FILE, 'for all workers of one test file'),
        'flood',
      );
      return;
    }
    peer.records += 1;
    this.#accepted += 1;
    switch (record.t) {
      case 'track':
        this.#track(peer, record);
        return;
      case 'release':
        this.#release(peer, record.id);
        return;
      case 'error':
        this.#captureError(peer, record);
        return;
      case 'config':
        this.#configChange(peer, record.path, record.old, record.new);
        return;
    }
  }

  #track(peer: WorkerPeer, record: Extract<SpoolRecord, { t: 'track' }>): void {
    const scope = this.#destination(peer);
    if (scope === undefined) {
      return;
    }
    const metadata: Record<string, unknown> = { ...record.metadata, ...this.#originOf(peer) };
    if (record.stack !== undefined) {
      metadata.creation_stack = record.stack;
    }
    if (metadata.creation_site === undefined) {
      metadata.creation_site = this.#creationSite(peer, metadata);
    }
    const tracker = scope.resources;
    const id = uniqueId(tracker, record.id, peer);
    try {
      tracker.trackResource(record.module, record.type, id, metadata);
    } catch (error) {
      this.#malformed(peer, `trackResource refused it: ${errorMessageOf(error)}`, 0, false);
      return;
    }
    peer.resources.set(record.id, { scope, tracker, id });
  }

  #release(peer: WorkerPeer, workerId: string): void {
    const resource = peer.resources.get(workerId);
    if (resource === undefined) {
      this.#malformed(peer, `it released "${workerId}", which it never tracked`, 0, false);
      return;
    }
    peer.resources.delete(workerId);
    if (this.#hasFinished(resource.scope)) {
      this.#warnLate(peer, describeScope(resource.scope));
    }
    try {
      resource.tracker.releaseResource(resource.id);
    } catch (error) {
      // Released in the test already, by hand: the worker's release adds nothing.
      if (!(IntegrationError.is(error) && error.code === 'RESOURCE_ALREADY_RELEASED')) {
        this.#malformed(peer, `releaseResource refused it: ${errorMessageOf(error)}`, 0, false);
      }
    }
  }

  #captureError(peer: WorkerPeer, record: Extract<SpoolRecord, { t: 'error' }>): void {
    const scope = this.#destination(peer);
    if (scope === undefined) {
      return;
    }
    try {
      scope.errors[CAPTURE_BELOW](
        notOnStack,
        record.source,
        record.target,
        decodeThrown(record.thrown),
        {
          operation: record.operation,
          context: {
            ...record.context,
            ...this.#originOf(peer),
            worker_call_stack: record.call_stack,
          },
        },
      );
    } catch (error) {
      this.#malformed(
        peer,
        `captureCrossModuleError refused it: ${errorMessageOf(error)}`,
        0,
        false,
      );
    }
  }

  #configChange(peer: WorkerPeer, configPath: string, oldValue: unknown, newValue: unknown): void {
    const scope = this.#destination(peer);
    if (scope === undefined) {
      return;
    }
    try {
      scope.config.onConfigChange(configPath, oldValue, newValue);
    } catch (error) {
      // Recorded already; what a subscriber in the test threw is the test's business.
      if (IntegrationError.is(error) && error.code === 'INVALID_ARGUMENT') {
        this.#malformed(peer, `onConfigChange refused it: ${error.message}`, 0, false);
      }
    }
  }

  // --- where records go ------------------------------------------------------------

  /**
   * The scope that started the worker (known from auto-tracking, else from the scope token
   * it inherited, else the file), and how to name it; `scope` is `undefined` when it has
   * finished and is gone.
   */
  #homeOf(peer: WorkerPeer): { scope: IntegrationScope | undefined; described: string } {
    const watched = this.#watchedOf(peer);
    if (watched !== undefined) {
      return { scope: watched.scope, described: describeScope(watched.scope) };
    }
    const token = this.#scopeTokenOf(peer);
    if (token !== undefined) {
      const running = this.#scopesByToken.get(token);
      if (running !== undefined) {
        return { scope: running, described: describeScope(running) };
      }
      const finished = this.#finishedByToken.get(token);
      if (finished !== undefined) {
        return { scope: undefined, described: finished };
      }
    }
    return { scope: this.#fileScope, described: describeScope(this.#fileScope) };
  }

  /**
   * The token of the scope that started the worker: a thread of this process Node announced
   * has the one it was announced in. Otherwise, the one it inherited, which names the threads
   * that started it, innermost last (`<token>@<pid>:<thread id>...`, see `connectWorker`):
   * the innermost one announced here is the one that counts.
   */
  #scopeTokenOf(peer: WorkerPeer): string | undefined {
    if (peer.pid === process.pid) {
      const announced = this.#threadTokens.get(peer.threadId);
      if (announced !== undefined) {
        return announced;
      }
    }
    const inherited = peer.hello?.scope;
    if (typeof inherited !== 'string') {
      return undefined;
    }
    const [original, ...threads] = inherited.split('@');
    for (let index = threads.length - 1; index >= 0; index -= 1) {
      const [pid, threadId] = (threads[index] as string).split(':').map(Number);
      const announced = pid === process.pid ? this.#threadTokens.get(threadId ?? -1) : undefined;
      if (announced !== undefined) {
        return announced;
      }
    }
    return original === '' ? undefined : original;
  }

  /** A token another hub of this process handed out: its test file came before this one. */
  #isOtherHubsToken(token: string | null | undefined): boolean {
    const hub = typeof token === 'string' ? /^(\d+)\.\d+$/.exec(token)?.[1] : undefined;
    return hub !== undefined && Number(hub) !== this.#number;
  }

  /**
   * A worker an earlier test file started, still reporting into the process's channel after
   * that file's hub closed (which warned that it was still running): what it sends now
   * belongs to no test of this file, so it is not read, judged or reported.
   */
  #ignoreOtherFilesWorker(peer: WorkerPeer): void {
    peer.fromOtherFile = true;
    peer.stopped = 'it was started by an earlier test file';
    peer.close();
    peer.socket?.destroy();
  }

  /** Where a new record of the worker goes now: its scope, or the file's when that ended. */
  #destination(peer: WorkerPeer): IntegrationScope | undefined {
    const home = peer.home;
    if (home !== undefined && !this.#hasFinished(home)) {
      return home;
    }
    this.#warnLate(peer, peer.homeDescription ?? describeScope(undefined));
    return this.#openFileScope();
  }

  #hasFinished(scope: IntegrationScope): boolean {
    return !this.#lifecycle.isRunning(scope);
  }

  /** The running scope whose tracker this is (it was made, as it tracked the handle). */
  #runningScopeWith(tracker: object): IntegrationScope | undefined {
    return this.#lifecycle.scopes().find((scope) => scope.madeResources() === tracker);
  }

  #openFileScope(): IntegrationScope | undefined {
    const file = this.#fileScope;
    return file !== undefined && !this.#hasFinished(file) ? file : undefined;
  }

  #watchedOf(peer: WorkerPeer): WatchedHandle | undefined {
    return this.#watched.of(peer.pid, peer.threadId, peer.hello?.ppid);
  }

  /** Which thread or process a record came from, as `metadata` and `context_data` say it. */
  #originOf(peer: WorkerPeer): Record<string, number> {
    if (peer.pid === process.pid) {
      return { thread_id: peer.threadId };
    }
    return peer.threadId === 0 ? { pid: peer.pid } : { pid: peer.pid, thread_id: peer.threadId };
  }

  #labelOf(peer: WorkerPeer): string {
    const script = this.#shownPath(peer.hello?.script ?? undefined);
    const who =
      peer.pid === process.pid
        ? `worker thread ${peer.threadId}`
        : peer.threadId === 0
          ? `child process ${peer.pid}`
          : `worker thread ${peer.threadId} of child process ${peer.pid}`;
    return script === undefined ? who : `${who} (${script})`;
  }

  /** `worker.js:12:5 in worker thread 3`: the caller's line, and which worker it ran in. */
  #creationSite(peer: WorkerPeer, metadata: Record<string, unknown>): string {
    const where =
      peer.pid === process.pid ? `worker thread ${peer.threadId}` : `child process ${peer.pid}`;
    const stack = [metadata.creation_stack, metadata.stack].find(
      (value): value is string => typeof value === 'string',
    );
    const frame = stack === undefined ? undefined : firstFrameOf(stack);
    if (frame === undefined) {
      const script = this.#shownPath(peer.hello?.script ?? undefined);
      return script === undefined ? `in ${where}` : `${script}, in ${where}`;
    }
    return `${this.#shownPath(frame.file) ?? frame.file}:${frame.position} in ${where}`;
  }

  #shownPath(file: string | undefined): string | undefined {
    if (file === undefined || file === '') {
      return undefined;
    }
    let absolute = file;
    if (file.startsWith('file://')) {
      try {
        absolute = fileURLToPath(file);
      } catch {
        return file;
      }
    }
    if (!path.isAbsolute(absolute)) {
      return file;
    }
    const relative = path.relative(this.#rootDir, absolute);
    return relative.startsWith('..') ? absolute : relative.replace(/\\/g, '/');
  }

  #moduleOf(script: string | undefined): string {
    if (script === undefined || script === '') {
      return 'unknown';
    }
    try {
      this.#moduleFor ??= createModuleNamer({
        rootDir: this.#rootDir,
        modules: this.#lifecycle.options.modules,
      });
      return this.#moduleFor(script);
    } catch {
      return 'unknown';
    }
  }

  /** The test file's module: the target of crashes of the workers its tests started. */
  #testModuleName(): string {
    this.#testModule ??= this.#moduleOf(this.#testPath);
    return this.#testModule;
  }

  // --- crashes ---------------------------------------------------------------------

  #watch(
    resourceId: string,
    type: 'worker' | 'child-process',
    starter: string,
    metadata: Readonly<Record<string, unknown>>,
  ): void {
    if (this.#closed) {
      return;
    }
    const found = findAutoTrackedHandle(resourceId);
    if (found === undefined) {
      return;
    }
    const scope = this.#runningScopeWith(found.tracker) ?? this.#fileScope;
    if (scope === undefined) {
      return;
    }
    if (type === 'worker') {
      const filename = metadata.filename;
      this.#watched.watchThread(
        found.handle as Worker,
        scope,
        starter,
        typeof filename === 'string' ? filename : undefined,
      );
    } else {
      this.#watched.watchChild(found.handle as ChildProcess, scope, starter);
    }
  }

  #handleExited(watched: WatchedHandle, code: number | null, signal: string | null): void {
    if (this.#closed) {
      return;
    }
    this.#discover();
    // Everything, not only this worker's files: a child's own children (a shell's `node`)
    // are known by the parent pid in their first line.
    for (const peer of this.#peers.values()) {
      this.#read(peer, Number.POSITIVE_INFINITY);
    }
    const peers = [...this.#peers.values()].filter((peer) =>
      watched.kind === 'worker'
        ? peer.pid === process.pid && peer.threadId === watched.id
        : peer.pid === watched.id || peer.hello?.ppid === watched.id,
    );
    for (const peer of peers) {
      peer.settled = true;
    }
    // Its peers know their scope by now; the handle's entry would only hold the scope, and a
    // pid may be given to another process later.
    this.#watched.forget(watched);
    const crashed =
      watched.error !== undefined ||
      (!watched.endedByParent && (signal !== null || (code !== null && code !== 0)));
    if (!crashed) {
      return;
    }
    const peer = peers.find((candidate) => candidate.hello !== undefined);
    const script = peer?.hello?.script ?? watched.script;
    const label =
      watched.kind === 'worker' ? `worker thread ${watched.id}` : `child process ${watched.id}`;
    const shown = this.#shownPath(script ?? undefined);
    const who = shown === undefined ? label : `${label} (${shown})`;
    const uncaught = peers.map((candidate) => candidate.uncaught).find(Boolean);
    const error =
      watched.error !== undefined
        ? watched.error.value
        : uncaught !== undefined
          ? decodeThrown(uncaught)
          : new WorkerExitError(
              signal !== null
                ? `${who} was killed by ${signal}`
                : `${who} exited with code ${String(code)}`,
              code,
              signal,
            );
    this.#captureCrash(watched.scope, describeScope(watched.scope), {
      kind: watched.kind,
      who,
      source: this.#moduleOf(script ?? undefined),
      target: watched.starter,
      error,
      context: {
        ...(watched.kind === 'worker' ? { thread_id: watched.id } : { pid: watched.id }),
        exit_code: code,
        ...(signal === null ? {} : { signal }),
        ...(shown === undefined ? {} : { script: shown }),
      },
    });
  }

  /**
   * Judges the end of a worker whose handle nobody watches (auto-tracking off for its
   * kind), from what it reported itself: a non-zero exit, or a process that vanished
   * without a word (killed, or crashed in native code). A thread that ended without a
   * word was terminated by its parent: not a crash.
   */
  #settlePeer(peer: WorkerPeer, gone: boolean): void {
    if (
      peer.settled ||
      peer.fromOtherFile ||
      peer.hello === undefined ||
      this.#watchedOf(peer) !== undefined
    ) {
      return;
    }
    if (peer.exitCode === undefined && !gone) {
      return;
    }
    peer.settled = true;
    const crashed = peer.exitCode !== undefined ? peer.exitCode !== 0 : peer.pid !== process.pid;
    if (!crashed) {
      return;
    }
    const who = this.#labelOf(peer);
    const error =
      peer.uncaught !== undefined
        ? decodeThrown(peer.uncaught)
        : new WorkerExitError(
            peer.exitCode !== undefined
              ? `${who} exited with code ${peer.exitCode}`
              : `${who} ended without saying how: it was killed, or crashed in native code`,
            peer.exitCode ?? null,
            null,
          );
    const script = this.#shownPath(peer.hello.script ?? undefined);
    this.#captureCrash(peer.home, peer.homeDescription, {
      kind: peer.pid === process.pid ? 'worker' : 'child-process',
      who,
      source: this.#moduleOf(peer.hello.script ?? undefined),
      target: this.#testModuleName(),
      error,
      context: {
        ...this.#originOf(peer),
        exit_code: peer.exitCode ?? null,
        ...(script === undefined ? {} : { script }),
      },
    });
  }

  #captureCrash(
    home: IntegrationScope | undefined,
    described: string | undefined,
    crash: {
      kind: 'worker' | 'child-process';
      who: string;
      source: string;
      target: string;
      error: unknown;
      context: Record<string, unknown>;
    },
  ): void {
    let scope = home;
    if (scope === undefined || this.#hasFinished(scope)) {
      const late = this.#openFileScope();
      this.#warnOnce(
        `crash:${crash.who}`,
        lateCrashMessage(
          crash.who,
          described ?? describeScope(undefined),
          crash.error,
          late !== undefined,
        ),
      );
      scope = late;
    }
    if (scope === undefined) {
      return;
    }
    try {
      scope.errors[CAPTURE_BELOW](notOnStack, crash.source, crash.target, crash.error, {
        operation: crash.kind === 'worker' ? 'worker-thread' : 'child-process',
        context: crash.context,
      });
    } catch {
      // Module names come from the mapping and are never empty; nothing else can refuse.
    }
  }

  #judgeAtClose(peer: WorkerPeer): void {
    if (peer.hello === undefined || peer.fromOtherFile) {
      return;
    }
    const isChild = peer.pid !== process.pid;
    const running =
      peer.exitCode === undefined && (isChild ? isAlive(peer.pid) : peer.socket !== undefined);
    if (!running) {
      this.#settlePeer(peer, isChild);
    } else if (peer.stopped === undefined) {
      this.#warnOnce(`running:${peer.name}`, stillRunningMessage(this.#labelOf(peer)));
    }
  }

  // --- problems --------------------------------------------------------------------

  #malformed(peer: WorkerPeer, problem: string, line: number, fatal: boolean): void {
    if (peer.stopped !== undefined) {
      return;
    }
    const detail = line > 0 ? `, on line ${line}: ${problem}` : `: ${problem}`;
    peer.malformed += 1;
    if (fatal) {
      this.#stop(peer, problem, 'flood');
      return;
    }
    if (peer.malformed >= MAX_MALFORMED_PER_WORKER) {
      this.#stop(
        peer,
        `${MAX_MALFORMED_PER_WORKER} of its records were malformed (the last${detail})`,
        'protocol',
      );
      return;
    }
    this.#report(peer, 'malformed', detail);
  }

  #stop(peer: WorkerPeer, reason: string, advice: WorkerAdvice): void {
    if (peer.stopped !== undefined) {
      return;
    }
    peer.stopped = reason;
    this.#send(peer, {
      t: 'refused',
      reason: stoppedNotice(reason),
    });
    this.#answerFlushes(peer);
    peer.close();
    this.#report(peer, 'stopped', `${reason}. ${WORKER_ADVICE[advice]}`);
  }

  /** Keeps a problem for the verdict of the worker's scope (malformed records counted). */
  #report(peer: WorkerPeer, kind: Problem['kind'], detail: string): void {
    const scope = this.#problemScope(peer);
    const earlier =
      kind === 'malformed'
        ? this.#problems.find(
            (candidate) =>
              candidate.peer === peer && candidate.kind === kind && candidate.scope === scope,
          )
        : undefined;
    if (earlier !== undefined) {
      earlier.count += 1;
      return;
    }
    const problem: Problem = { peer, scope, kind, count: 1, detail };
    if (scope === undefined) {
      this.#warnOnce(`${kind}:${peer.name}`, this.#problemError(problem).message);
    } else {
      this.#problems.push(problem);
    }
  }

  /** The open scope a worker's problems are reported against: its own, else the file. */
  #problemScope(peer: WorkerPeer): IntegrationScope | undefined {
    const home = peer.home;
    return home !== undefined && !this.#hasFinished(home) ? home : this.#openFileScope();
  }

  #problemError(problem: Problem): Error {
    return workerChannelError(
      problem.kind,
      this.#labelOf(problem.peer),
      problem.detail,
      problem.count,
    );
  }

  #warnLate(peer: WorkerPeer, from: string): void {
    this.#warnOnce(
      `late:${peer.name}:${from}`,
      lateRecordsMessage(this.#labelOf(peer), from, this.#openFileScope() !== undefined),
    );
  }

  #warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) {
      return;
    }
    this.#warned.add(key);
    try {
      this.#lifecycle.warn(message);
    } catch {
      process.stderr.write(`${message}\n`);
    }
  }
}

/** An id not active in `tracker`: the worker's own, or marked with where it came from. */
function uniqueId(tracker: ResourceTracker, id: string, peer: WorkerPeer): string {
  if (tracker.getResourceState(id)?.state !== 'active') {
    return id;
  }
  const origin = peer.pid === process.pid ? `thread-${peer.threadId}` : `pid-${peer.pid}`;
  let candidate = `${id}@${origin}`;
  for (let attempt = 2; tracker.getResourceState(candidate)?.state === 'active'; attempt += 1) {
    candidate = `${id}@${origin}#${attempt}`;
  }
  return candidate;
}

/** The first frame of a V8 stack: its file and `line:column`. */
function firstFrameOf(stack: string): { file: string; position: string } | undefined {
  for (const line of stack.split('\n')) {
    const match = /^\s+at (?:.*\()?(.+?):(\d+):(\d+)\)?$/.exec(line);
    if (match !== null) {
      return { file: match[1] as string, position: `${match[2]}:${match[3]}` };
    }
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describeScope(scope: IntegrationScope | undefined): string {
  switch (scope?.kind) {
    case 'test':
      return `test "${scope.name}"`;
    case 'describe':
      return `describe("${scope.name}")`;
    case 'file':
      return 'the test file';
    default:
      return 'its test';
  }
}

function writeEnvVariable(env: object, key: string, value: string): void {
  try {
    (env as Record<string, string>)[key] = value;
  } catch {
    // A realm whose env cannot be written: its children only lack the variable.
  }
}

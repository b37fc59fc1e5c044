import {
  ConfigChangeObserver,
  observedEnvTarget,
  prepareConfigObserverOptions,
  routeEnv,
  startObservingEnv,
} from '../src/ConfigChangeObserver';
import type { ConfigChangeObserverOptions } from '../src/ConfigChangeObserver';
import { describeValue } from '../src/describeValue';
import { IntegrationError } from '../src/IntegrationError';
import type { IntegrationHandle } from '../src/IntegrationHandle';
import { isErrorLike } from '../src/isErrorLike';
import { now } from '../src/clock';
import type { StackFrame } from '../src/parseStack';
import type { ResourceRecord } from '../src/records';
import { ResourceTracker } from '../src/ResourceTracker';
import { toJSONSafe } from '../src/toJSONSafe';
import { unwrapObserved } from '../src/unwrapObserved';
import { createIntegrationHandle } from './createIntegrationHandle';
import type { RecordKind } from './createIntegrationHandle';
import { IntegrationScope } from './IntegrationScope';
import type { ScopeStateMakers } from './IntegrationScope';
import { compileIgnoreRules } from './leakFilter';
import type { RecordPredicate } from './leakFilter';
import { creationFrame, creationStackOf } from '../src/creationSite';
import { formatLeakReport } from './leakReport';
import type { LeakScope } from './leakReport';
import type { IntegrationOptions } from './options';
import { ScopeEnvRouter } from './ScopeEnvRouter';
import { settleLeaks } from './settleLeaks';

/** What a test file's lifecycle needs to know about where it runs. */
export interface IntegrationLifecycleOptions {
  options: IntegrationOptions;
  /** The project's root: creation sites are shown relative to it. */
  rootDir: string;
  /** The test file, named in the report of what its top level leaked. */
  testPath: string;
  /** The test realm's `process`, whose `env` each scope records and restores. */
  realmProcess: { env: NodeJS.ProcessEnv } | undefined;
  /** Where `leaks: 'warn'` reports go. */
  warn: (message: string) => void;
}

/**
 * Something that wants to know when scopes start and finish, such as automatic tracking
 * of Node handles (it attributes what it sees to the running scope's tracker).
 */
export interface ScopeListener {
  /**
   * A scope started. A test's scope starts for listeners only when something first asks for
   * it (see `IntegrationLifecycle.start`); a test that nothing asked for is only finished
   * (`scopeFinished`) or discarded.
   */
  scopeStarted?(scope: IntegrationScope): void;
  /**
   * Called before each look at a scope's leaks (once, then after each settling pause), and
   * before its verdict errors are asked for unless that look came just before, to bring its
   * records up to date, such as releasing handles found closed. Not for a test that nothing
   * asked for: it has no records.
   */
  beforeLeakCheck?(scope: IntegrationScope): void;
  /** Whether a still-active record must not be reported, such as an unref'd handle. */
  isIgnored?(record: ResourceRecord): boolean;
  /**
   * Called with what a scope's verdict found leaked, before anything is closed, when there
   * are leaks (never under `leaks: 'off'`); `stackOf` gives each one's creation stack.
   */
  leaksFound?(
    scope: IntegrationScope,
    leaks: readonly ResourceRecord[],
    stackOf: (record: ResourceRecord) => string | undefined,
  ): void;
  /**
   * Errors to report against a scope as it finishes, after its verdict and under every
   * `leaks` mode, such as a worker that broke the reporting protocol. Not asked for a test
   * that nothing asked for: no worker had its token.
   */
  verdictErrors?(scope: IntegrationScope): readonly Error[];
  /** Called with every record tracked in any scope, auto-tracked handles included. */
  resourceTracked?(record: Readonly<ResourceRecord>): void;
  /** The test adopted a real object (`resources.adopt`): its new record speaks for it. */
  objectAdopted?(object: object): void;
  /**
   * Someone is about to read a scope's records of one kind (a tracker's, or through
   * `integration.errors` / `integration.config`): bring them up to date.
   */
  beforeRead?(records: RecordKind): void;
  scopeFinished?(scope: IntegrationScope): void;
  /** A scope that never ran (a skipped or todo test) was dropped without a verdict. */
  scopeDiscarded?(scope: IntegrationScope): void;
  /**
   * The test realm's `process.env` is about to be read; `env` is the object beneath the
   * recording proxy. Only where the lifecycle hands `process.env` out (`announcesEnvReads`).
   */
  envRead?(env: object): void;
}

/** What nearly every scope has open as it finishes. */
const NOTHING_OPEN: readonly ResourceRecord[] = Object.freeze([]);

/** How long closing what a scope leaked may take before the run moves on without it. */
const CLOSE_TIMEOUT_MS = 1000;

/**
 * The per-file state of the environment, independent of Jest: a stack of scopes (the
 * file, running `describe` blocks, running tests), the `integration` handle that reads the
 * innermost one, and the verdict on each scope as it finishes.
 *
 * @example
 * const lifecycle = new IntegrationLifecycle({ options, rootDir, testPath, realmProcess, warn });
 * const test = lifecycle.start('test', 'cache › closes its watcher');
 * // ... the test runs, using lifecycle.handle ...
 * const errors = await lifecycle.finish(test); // the leak report as an Error, if it leaked
 */
export class IntegrationLifecycle {
  readonly handle: IntegrationHandle;
  readonly options: IntegrationOptions;
  readonly #settings: IntegrationLifecycleOptions;
  readonly #isIgnored: RecordPredicate;
  readonly #knownModules: string[];
  readonly #listeners: ScopeListener[] = [];
  /**
   * Where records without a stack of their own were tracked from, kept unformatted until a
   * leak report needs them; by record key, since the tracker hands out fresh copies.
   */
  readonly #creationErrors = new Map<string, Error>();
  readonly #stackOf = (record: ResourceRecord): string | undefined =>
    creationStackOf(record) ?? this.#creationErrors.get(recordKey(record))?.stack;
  readonly #trackerObservers = {
    onTrack: (record: Readonly<ResourceRecord>): void => {
      if (!hasOwnStack(record)) {
        // The stack runs through the tracker to the user's call.
        this.#creationErrors.set(recordKey(record), new Error('created here'));
      }
      for (const listener of this.#listeners) {
        try {
          listener.resourceTracked?.(record);
        } catch {
          // A listener is an add-on: it must never break tracking.
        }
      }
    },
    onRelease: (record: Readonly<ResourceRecord>): void => {
      // Most records carry their own stack, so there is usually nothing to forget.
      if (this.#creationErrors.size > 0) {
        this.#creationErrors.delete(recordKey(record));
      }
    },
    beforeRead: (): void => this.#beforeRead('resources'),
    onAdopt: (object: object): void => {
      for (const listener of this.#listeners) {
        try {
          listener.objectAdopted?.(object);
        } catch {
          // A listener is an add-on: it must never break tracking.
        }
      }
    },
  };
  readonly #stateMakers: ScopeStateMakers = {
    tracker: (scope) => {
      this.#wakeIfQuiet(scope);
      return new ResourceTracker(this.#trackerObservers);
    },
    observer: (scope) => {
      this.#wakeIfQuiet(scope);
      const observer = new ConfigChangeObserver(this.#configOptions);
      if (scope.observesEnv && this.#envRouter !== undefined) {
        routeEnv(observer, this.#envSeenInside(scope));
      }
      return observer;
    },
  };
  #configOptions: ConfigChangeObserverOptions | undefined;
  /** Hands `process.env` to the innermost scope that records it; `undefined` without a realm. */
  #envRouter: ScopeEnvRouter | undefined;
  #scopes: IntegrationScope[] = [];
  /**
   * The test started last, while nothing has asked for its scope: it is not among
   * `#scopes` yet, and listeners have not heard of it (see `start`).
   */
  #quietTest: IntegrationScope | undefined;
  #disposed = false;
  /** A leak check brought every record up to date just now (see `#findLeaks`). */
  #recordsUpToDate = false;
  #fileFinished = false;

  constructor(settings: IntegrationLifecycleOptions) {
    this.#settings = settings;
    this.options = settings.options;
    this.#isIgnored = compileIgnoreRules(settings.options.ignore, this.#stackOf);
    this.#knownModules = [...new Set(Object.values(settings.options.modules))];
    this.handle = createIntegrationHandle(
      () => this.current(),
      (records) => this.#beforeRead(records),
    );
  }

  /** The innermost running scope; `integration` reads it. */
  current(): IntegrationScope {
    const scope = this.innermost();
    if (scope === undefined) {
      throw new IntegrationError(
        'INVALID_STATE',
        this.#fileFinished || this.#disposed
          ? 'integration was used after its test file finished (after its last afterAll hook). Use it inside tests, hooks or the test file body, and close what calls it back later before the file ends.'
          : 'integration was used before its test file started. Use it inside tests, hooks or the test file body.',
      );
    }
    return scope;
  }

  /** Reports a warning where `leaks: 'warn'` reports go (the test file's console). */
  warn(message: string): void {
    this.#settings.warn(message);
  }

  /** The innermost running scope, or `undefined` before the file starts and after it ends. */
  innermost(): IntegrationScope | undefined {
    this.#wakeQuietTest();
    // Indexing, not `at(-1)`: this runs several times per test, and `at` is a call.
    const scopes = this.#scopes;
    return scopes[scopes.length - 1];
  }

  /** The running scopes, outermost first. */
  scopes(): readonly IntegrationScope[] {
    this.#wakeQuietTest();
    return this.#scopes;
  }

  /** Whether `scope` started and has not finished; asks nothing of a quiet test. */
  isRunning(scope: IntegrationScope): boolean {
    return scope === this.#quietTest || this.#scopes.includes(scope);
  }

  /** Registers a listener for scope starts and finishes; returns how to remove it. */
  addScopeListener(listener: ScopeListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const index = this.#listeners.indexOf(listener);
      if (index !== -1) {
        this.#listeners.splice(index, 1);
      }
    };
  }

  /**
   * Opens a scope with fresh state and makes it the current one. `name` may be a function,
   * asked when the name is first needed.
   *
   * Most tests track nothing, observe no configuration, read no `process.env` and start no
   * worker. So a test's scope is quiet at first: listeners hear that it started, and it
   * joins `scopes()`, only once something asks for it (`innermost()`, `current()`,
   * `scopes()`, a read of `process.env`, or its tracker or config observer being made). A
   * test that stays quiet finishes with the one check it needs: that `process.env` is still
   * defined as it was.
   */
  start(kind: LeakScope, name: string | (() => string)): IntegrationScope {
    if (this.#disposed) {
      throw new IntegrationError(
        'INVALID_STATE',
        `cannot start ${kind} "${typeof name === 'function' ? name() : name}": the environment was torn down.`,
      );
    }
    const realmProcess = this.#settings.realmProcess;
    if (this.#configOptions === undefined) {
      // Checked and compiled at the first scope, where a problem was always reported.
      this.#configOptions = prepareConfigObserverOptions({
        configMap: this.options.configMap,
        unmappedConfig: this.options.unmappedConfig,
        knownModules: this.#knownModules,
        ...(realmProcess === undefined ? {} : { process: realmProcess }),
      });
      if (realmProcess !== undefined) {
        this.#envRouter = ScopeEnvRouter.install(realmProcess, {
          recorder: () => this.#envRecorder(),
          beforeRead: (env) => this.#announceEnvRead(env),
        });
      }
    }
    // Scopes stack in the order they started: a test running beside this one
    // (`test.concurrent`) goes first.
    this.#wakeQuietTest();
    // Tests running concurrently (`test.concurrent`) share one `process.env`: only the
    // first of them records its changes, and the others' go to it too.
    const observesEnv = realmProcess !== undefined && (kind !== 'test' || !this.#hasOpenTest());
    const scope = new IntegrationScope(kind, name, observesEnv, this.#stateMakers);
    if (observesEnv && this.#envRouter !== undefined) {
      this.#envRouter.enter(scope);
    } else if (observesEnv) {
      // No shared accessor (the realm's `env` cannot be redefined): each scope's observer
      // puts its own, and restore() puts the previous one back, so scopes must finish in
      // the reverse order they started.
      startObservingEnv(scope.config);
    }
    if (kind === 'test' && (this.#envRouter !== undefined || realmProcess === undefined)) {
      this.#quietTest = scope;
      return scope;
    }
    this.#scopes.push(scope);
    this.#notify('scopeStarted', scope);
    return scope;
  }

  /** Something asked for the scopes: a quiet test, if there is one, joins the running ones. */
  #wakeQuietTest(): void {
    const scope = this.#quietTest;
    if (scope === undefined) {
      return;
    }
    this.#quietTest = undefined;
    this.#scopes.push(scope);
    this.#notify('scopeStarted', scope);
  }

  /** A part of `scope` is being made: if it is the quiet test, it wakes. */
  #wakeIfQuiet(scope: IntegrationScope): void {
    if (scope === this.#quietTest) {
      this.#wakeQuietTest();
    }
  }

  /**
   * The env object code sees as `process.env` now, beneath any recording proxy: where the
   * environment writes variables of its own, which are no configuration change of a test.
   * `undefined` without a realm.
   */
  realmEnvTarget(): object | undefined {
    const env = this.#envSeenBelow(this.#scopes.length);
    return typeof env === 'object' && env !== null ? env : undefined;
  }

  /** Whether listeners hear of every read of the realm's `process.env` (`envRead`). */
  get announcesEnvReads(): boolean {
    return this.#envRouter !== undefined;
  }

  #beforeRead(records: RecordKind): void {
    if (this.#recordsUpToDate) {
      return;
    }
    for (const listener of this.#listeners) {
      try {
        listener.beforeRead?.(records);
      } catch {
        // A listener is an add-on: it must never break a look-up.
      }
    }
  }

  #announceEnvRead(env: unknown): void {
    if (typeof env !== 'object' || env === null) {
      return;
    }
    for (const listener of this.#listeners) {
      try {
        listener.envRead?.(env);
      } catch {
        // A listener is an add-on: it must never break a read of process.env.
      }
    }
  }

  /** The observer `process.env` goes to: the innermost scope's that records env changes. */
  #envRecorder(): ConfigChangeObserver | undefined {
    this.#wakeQuietTest();
    for (let index = this.#scopes.length - 1; index >= 0; index -= 1) {
      const scope = this.#scopes[index] as IntegrationScope;
      if (scope.observesEnv) {
        return scope.config;
      }
    }
    return undefined;
  }

  #hasOpenTest(): boolean {
    for (const open of this.#scopes) {
      if (open.kind === 'test') {
        return true;
      }
    }
    return false;
  }

  /** What a scope starts out seeing as `process.env`: what the scopes around it see. */
  #envSeenInside(scope: IntegrationScope): unknown {
    return this.#envSeenBelow(Math.max(0, this.#scopes.lastIndexOf(scope)));
  }

  /**
   * The env object beneath the recording proxy of the innermost scope below `end` (an
   * index into the running scopes) that made one, else the realm's own.
   */
  #envSeenBelow(end: number): unknown {
    for (let index = end - 1; index >= 0; index -= 1) {
      const config = (this.#scopes[index] as IntegrationScope).madeConfig();
      const target = config === undefined ? undefined : observedEnvTarget(config);
      if (target !== undefined) {
        return target;
      }
    }
    return this.#envRouter === undefined
      ? unwrapObserved(this.#settings.realmProcess?.env)
      : this.#envRouter.unscopedEnv;
  }

  /**
   * Ends a scope: lets closes settle, reports what leaked (`leaks` option), closes it
   * (`closeLeaked`), and undoes every config change the scope observed, whatever happened
   * before. Never throws nor rejects: gives the errors to report against the scope (the leak
   * report under `leaks: 'fail'`, and any failure while checking). A scope with nothing
   * open finishes at once and gets its errors back directly; a promise of them means
   * something had to settle first (see `handleTestEvent` for why that matters).
   */
  finish(scope: IntegrationScope): Error[] | Promise<Error[]> {
    if (scope === this.#quietTest) {
      return this.#finishQuiet(scope);
    }
    const errors: Error[] = [];
    let open: readonly ResourceRecord[];
    try {
      open = this.options.leaks === 'off' ? NOTHING_OPEN : this.#openRecords(scope);
    } catch (error) {
      return this.#endAfter(Promise.reject(error), scope, errors);
    }
    if (open.length === 0) {
      // Under `leaks: 'off'` nothing has looked yet.
      return this.#end(scope, errors, this.options.leaks !== 'off');
    }
    const filterErrors = new Map<RecordPredicate, unknown>();
    let leaks: readonly ResourceRecord[];
    try {
      leaks = this.#unexcused(scope, open, filterErrors);
    } catch (error) {
      return this.#endAfter(Promise.reject(error), scope, errors);
    }
    if (leaks.length === 0) {
      reportFilterErrors(filterErrors, errors);
      return this.#end(scope, errors, true);
    }
    return this.#endAfter(this.#verdict(scope, leaks, filterErrors, errors), scope, errors);
  }

  /** Waits for the verdict, then ends the scope; a verdict that broke is reported. */
  async #endAfter(
    verdict: Promise<void>,
    scope: IntegrationScope,
    errors: Error[],
  ): Promise<Error[]> {
    try {
      await verdict;
    } catch (error) {
      errors.push(internalError(`checking ${describeScope(scope)} for leaked resources`, error));
      const resources = scope.madeResources();
      if (this.options.closeLeaked && resources !== undefined) {
        // Whatever broke the verdict, the run must still be able to exit by itself.
        await closeLeaked(resources).catch(() => undefined);
      }
    }
    return this.#end(scope, errors, false);
  }

  /**
   * What every finish ends with, whatever the verdict: the scope is closed and forgotten.
   * `upToDate` says a look at its records came just before, in the same synchronous run.
   */
  #end(scope: IntegrationScope, errors: Error[], upToDate: boolean): Error[] {
    if (!upToDate) {
      this.#notify('beforeLeakCheck', scope);
    }
    for (const listener of this.#listeners) {
      try {
        const found = listener.verdictErrors?.(scope);
        if (found !== undefined && found.length > 0) {
          errors.push(...found);
        }
      } catch {
        // A listener is an add-on: it must never break the verdict of a test.
      }
    }
    try {
      this.#restoreConfig(scope);
    } catch (error) {
      errors.push(
        IntegrationError.is(error)
          ? new IntegrationError(
              error.code,
              `After ${describeScope(scope)}: ${error.message}`,
              error.details,
            )
          : internalError(`undoing the configuration changes of ${describeScope(scope)}`, error),
      );
    }
    this.#remove(scope);
    this.#forgetCreations(scope);
    this.#fileFinished ||= scope.kind === 'file';
    this.#notify('scopeFinished', scope);
    return errors;
  }

  /**
   * A test that nothing asked for has no records, no worker had its token, and it changed no
   * configuration anyone observed: only a `process.env` it redefined is left to take back.
   */
  #finishQuiet(scope: IntegrationScope): Error[] {
    this.#quietTest = undefined;
    if (scope.observesEnv) {
      this.#envRouter?.leave(scope);
    }
    this.#notify('scopeFinished', scope);
    return [];
  }

  /** Drops a scope that never ran (a skipped or todo test), undoing what it observed. */
  discard(scope: IntegrationScope): void {
    if (scope === this.#quietTest) {
      this.#quietTest = undefined;
    }
    try {
      this.#restoreConfig(scope);
    } catch {
      // Nothing ran in this scope, so there is nothing to restore that could fail usefully.
    }
    this.#forgetCreations(scope);
    this.#remove(scope);
    this.#notify('scopeDiscarded', scope);
  }

  /** Takes a scope off the running ones: nearly always the innermost. */
  #remove(scope: IntegrationScope): void {
    const scopes = this.#scopes;
    if (scopes[scopes.length - 1] === scope) {
      scopes.pop();
      return;
    }
    const index = scopes.lastIndexOf(scope);
    if (index !== -1) {
      scopes.splice(index, 1);
    }
  }

  /**
   * Frees the file's state: scopes still open (a run that was interrupted) are dropped
   * after undoing their config changes, and the realm gets its own `process.env` back.
   * Safe to call more than once.
   */
  dispose(): void {
    if (this.#disposed) {
      return;
    }
    this.#disposed = true;
    this.#quietTest = undefined;
    for (const scope of [...this.#scopes].reverse()) {
      try {
        scope.madeConfig()?.restore();
      } catch {
        // Teardown must finish; a scope that cannot restore has nothing left to report to.
      }
    }
    this.#envRouter?.uninstall();
    this.#scopes = [];
    this.#listeners.length = 0;
    this.#creationErrors.clear();
  }

  /** The records of a scope still open now and not excused. */
  #findLeaks(
    scope: IntegrationScope,
    filterErrors: Map<RecordPredicate, unknown>,
  ): readonly ResourceRecord[] {
    return this.#unexcused(scope, this.#openRecords(scope), filterErrors);
  }

  /** The records of a scope still open now, brought up to date first. */
  #openRecords(scope: IntegrationScope): readonly ResourceRecord[] {
    this.#notify('beforeLeakCheck', scope);
    // A scope that never made its tracker has tracked nothing, not even through a listener.
    // The listeners were just asked to bring its records up to date: reading them must not
    // ask again (a sweep of open handles, a look at the worker channel).
    let open: readonly ResourceRecord[] | undefined;
    this.#recordsUpToDate = true;
    try {
      open = scope.madeResources()?.verifyCleanup();
    } finally {
      this.#recordsUpToDate = false;
    }
    return open ?? NOTHING_OPEN;
  }

  /** Those of `open` that no ignore rule, listener or `allowLeaks` filter excuses. */
  #unexcused(
    scope: IntegrationScope,
    open: readonly ResourceRecord[],
    filterErrors: Map<RecordPredicate, unknown>,
  ): readonly ResourceRecord[] {
    return open.length === 0
      ? NOTHING_OPEN
      : open.filter((record) => !this.#isExcused(scope, record, filterErrors));
  }

  /** Undoes what the scope's observer saw, and takes back a `process.env` it redefined. */
  #restoreConfig(scope: IntegrationScope): void {
    if (scope.observesEnv) {
      this.#envRouter?.leave(scope);
    }
    scope.madeConfig()?.restore();
  }

  /** Given what was found open, lets it settle and reports what is still open then. */
  async #verdict(
    scope: IntegrationScope,
    found: readonly ResourceRecord[],
    filterErrors: Map<RecordPredicate, unknown>,
    errors: Error[],
  ): Promise<void> {
    const leaks = await settleLeaks(found, () => this.#findLeaks(scope, filterErrors));
    reportFilterErrors(filterErrors, errors);
    if (leaks.length === 0) {
      return;
    }
    const verdictTime = now();
    // Read before closing: a closed record's creation stack is forgotten with it.
    const stacks = new Map(leaks.map((record) => [recordKey(record), this.#stackOf(record)]));
    const stackOf = (record: ResourceRecord): string | undefined => stacks.get(recordKey(record));
    for (const listener of this.#listeners) {
      try {
        listener.leaksFound?.(scope, leaks, stackOf);
      } catch {
        // A listener is an add-on: it must never break the verdict of a test.
      }
    }
    // Leaks were found in the scope's tracker, so it was made.
    const closed = this.options.closeLeaked
      ? await closeLeaked(scope.resources, new Set(leaks.map(recordKey)))
      : new Set<string>();
    const mode = this.options.leaks === 'warn' ? 'warn' : 'fail';
    const message = formatLeakReport({
      scope: scope.kind,
      name: scope.kind === 'file' ? this.#settings.testPath : scope.name,
      leaks,
      now: verdictTime,
      rootDir: this.#settings.rootDir,
      mode,
      closed,
      stackOf,
    });
    if (mode === 'warn') {
      this.#settings.warn(message);
      return;
    }
    const site = leaks.map((record) => creationFrame(record, stackOf)).find(Boolean);
    errors.push(leakError(message, leaks, site));
  }

  #isExcused(
    scope: IntegrationScope,
    record: ResourceRecord,
    filterErrors: Map<RecordPredicate, unknown>,
  ): boolean {
    if (this.#isIgnored(record) || this.#listeners.some((listener) => ignores(listener, record))) {
      return true;
    }
    return (scope.madeAllowed() ?? []).some((allows) => {
      try {
        return allows(record);
      } catch (error) {
        filterErrors.set(allows, error);
        return false;
      }
    });
  }

  /** A finished scope's records are never reported again: their creation stacks can go. */
  #forgetCreations(scope: IntegrationScope): void {
    const resources = scope.madeResources();
    if (this.#creationErrors.size === 0 || resources === undefined) {
      return;
    }
    try {
      for (const record of resources.verifyCleanup()) {
        this.#creationErrors.delete(recordKey(record));
      }
    } catch {
      // Only memory is at stake, and dispose() clears it all.
    }
  }

  #notify(
    event: 'scopeStarted' | 'beforeLeakCheck' | 'scopeFinished' | 'scopeDiscarded',
    scope: IntegrationScope,
  ): void {
    for (const listener of this.#listeners) {
      try {
        listener[event]?.(scope);
      } catch {
        // A listener is an add-on: it must never break the verdict of a test.
      }
    }
  }
}

/** One error per `allowLeaks` filter that threw while the leaks were looked for. */
function reportFilterErrors(filterErrors: Map<RecordPredicate, unknown>, errors: Error[]): void {
  for (const error of filterErrors.values()) {
    errors.push(
      new Error(
        `integration.allowLeaks(filter): the filter function threw ${isErrorLike(error) ? `${error.name}: ${error.message}` : describeValue(error)}; the resources it was asked about count as leaked.`,
      ),
    );
  }
}

function ignores(listener: ScopeListener, record: ResourceRecord): boolean {
  try {
    return listener.isIgnored?.(record) === true;
  } catch {
    return false;
  }
}

/**
 * The ids of what `closeLeaked` closed: only the reported leaks (by record key) when given,
 * everything otherwise; a closer that hangs is given up on after a while.
 */
async function closeLeaked(
  resources: ResourceTracker,
  reported?: ReadonlySet<string>,
): Promise<Set<string>> {
  const closed = await resources.closeLeaked({
    timeout: CLOSE_TIMEOUT_MS,
    ...(reported === undefined ? {} : { filter: (record) => reported.has(recordKey(record)) }),
  });
  return new Set(closed.map((record) => record.resource_id));
}

/**
 * The error that fails a leaking test. Its `stack` is the report followed by one frame:
 * where the first leak was created, so that Jest prints the whole report as the message
 * and shows that line's code, or else a Node-internal frame that Jest hides (reporters split
 * message from stack at the first frame, and the environment's own frames say nothing
 * useful). The records ride along, JSON-safe, for reporters that read `failureDetails`.
 */
function leakError(
  message: string,
  leaks: readonly ResourceRecord[],
  site: StackFrame | undefined,
): Error {
  const error = new Error(message);
  error.name = 'ResourceLeakError';
  const frame =
    site === undefined
      ? 'node:internal/jest-environment-integration:1:1'
      : `${site.file}:${site.line ?? 1}:${site.column ?? 1}`;
  error.stack = `${message}\n    at ${frame}`;
  Object.defineProperty(error, 'leaked_resources', {
    value: toJSONSafe(leaks),
    enumerable: true,
  });
  return error;
}

function internalError(doing: string, cause: unknown): Error {
  const reason = isErrorLike(cause) ? `${cause.name}: ${cause.message}` : describeValue(cause);
  const error = new Error(
    `jest-environment-integration failed while ${doing}: ${reason}. This is a bug in jest-environment-integration; please report it with this message.`,
    { cause },
  );
  if (isErrorLike(cause) && typeof cause.stack === 'string') {
    error.stack = `${error.name}: ${error.message}\n${cause.stack.split('\n').slice(1).join('\n')}`;
  }
  return error;
}

function describeScope(scope: IntegrationScope): string {
  switch (scope.kind) {
    case 'test':
      return `test "${scope.name}"`;
    case 'describe':
      return `describe("${scope.name}")`;
    case 'file':
      return 'the test file';
  }
}

/** One tracking of one id: ids are reused once released, creation times are not. */
function recordKey(record: Readonly<ResourceRecord>): string {
  return `${record.created_at}\u0000${record.resource_id}`;
}

function hasOwnStack(record: Readonly<ResourceRecord>): boolean {
  const metadata = record.metadata as Record<string, unknown> | undefined;
  return (
    metadata !== undefined &&
    (metadata['stack'] !== undefined ||
      metadata['creation_stack'] !== undefined ||
      metadata['creation_site'] !== undefined)
  );
}

import { assertNonEmptyString } from './assertArgument';
import { BRAND } from './brand';
import { now } from './clock';
import type { AffectedModulesLookup } from './compileConfigMap';
import { compileConfigMap } from './compileConfigMap';
import { ConfigChangeEventRecord } from './ConfigChangeEventRecord';
import { describeValue } from './describeValue';
import { IntegrationError } from './IntegrationError';
import { invalidArgument } from './invalidArgument';
import { isErrorLike } from './isErrorLike';
import type { ChangeSink, ObservedChange } from './RecordingProxies';
import { RecordingProxies } from './RecordingProxies';
import type { ConfigChangeEvent } from './records';
import type { UndoFailure } from './UndoLog';
import { UndoLog } from './UndoLog';
import { unwrapObserved } from './unwrapObserved';
import type {
  ConfigChangeObserverOptions,
  ValidatedConfigObserverOptions,
} from './validateConfigObserverOptions';
import { validateConfigObserverOptions } from './validateConfigObserverOptions';

export type { ConfigChangeObserverOptions } from './validateConfigObserverOptions';

/**
 * Called with every recorded change, synchronously, in the order of the change log.
 *
 * @example
 * const unsubscribe = config.subscribe((event) => console.log(event.config_path));
 */
export type ConfigChangeListener = (event: ConfigChangeEvent) => void;

/** Options checked and compiled once by `prepareConfigObserverOptions`. */
interface PreparedOptions {
  readonly validated: ValidatedConfigObserverOptions;
  readonly lookup: AffectedModulesLookup;
}

const preparedOptions = new WeakMap<object, PreparedOptions>();

/**
 * Checks `options` once and returns a frozen copy that observers made from it accept
 * without checking again, sharing one compiled `configMap` (its globs are compiled once):
 * for code that makes an observer per test with the same options, such as the environment.
 *
 * @throws IntegrationError `INVALID_ARGUMENT` as `new ConfigChangeObserver(options)` does.
 *
 * @example
 * const options = prepareConfigObserverOptions({ configMap: { 'env.*': 'cli.main' } });
 * const perTest = new ConfigChangeObserver(options); // no second check
 */
export function prepareConfigObserverOptions(
  options?: ConfigChangeObserverOptions,
): ConfigChangeObserverOptions {
  const validated = validateConfigObserverOptions(options);
  const prepared = Object.freeze({ ...options });
  preparedOptions.set(prepared, { validated, lookup: compileConfigMap(validated.configMap) });
  return prepared;
}

interface Subscription {
  readonly listener: ConfigChangeListener;
}

/** What the environment reaches of an observer beyond its public methods (set in its class). */
let envInternals: {
  startObserving(observer: ConfigChangeObserver): void;
  route(observer: ConfigChangeObserver, env: unknown): void;
  read(observer: ConfigChangeObserver): unknown;
  replace(observer: ConfigChangeObserver, next: unknown): void;
  target(observer: ConfigChangeObserver): object | undefined;
};

/**
 * `observeEnv()` for the environment, which starts one observer per test: the accessor is
 * put on `process` at once, and the recording proxy made only when something reads
 * `process.env`, which most tests never do.
 *
 * @throws IntegrationError as `observeEnv()` does.
 */
export function startObservingEnv(observer: ConfigChangeObserver): void {
  envInternals.startObserving(observer);
}

/**
 * Makes `observer` record `process.env` as `env` (the env object code sees when the observer
 * starts) without putting an accessor of its own on `process`: for the environment, whose
 * one accessor per test file hands every read and assignment of `process.env` to the
 * innermost scope's observer (`readRoutedEnv`, `replaceRoutedEnv`). `observeEnv()` then
 * returns the recording proxy, and `restore()` undoes the changes and leaves `process` alone.
 * Does nothing when the observer already observes `process.env`.
 */
export function routeEnv(observer: ConfigChangeObserver, env: unknown): void {
  envInternals.route(observer, env);
}

/** What reading `process.env` gives in a scope whose observer was routed: the recording proxy. */
export function readRoutedEnv(observer: ConfigChangeObserver): unknown {
  return envInternals.read(observer);
}

/** Assigning `process.env` in a scope whose observer was routed: recorded, and observed from then on. */
export function replaceRoutedEnv(observer: ConfigChangeObserver, next: unknown): void {
  envInternals.replace(observer, next);
}

/**
 * The env object `process.env` stands for now, beneath the recording proxy: what the
 * environment writes its own variables into, which are not configuration changes of the
 * test. `undefined` when the observer does not observe `process.env`.
 */
export function observedEnvTarget(observer: ConfigChangeObserver): object | undefined {
  return envInternals.target(observer);
}

/** What `observeEnv()` changed on the process object, to put it back. */
interface EnvState {
  readonly owner: { env: unknown };
  /** Someone else's accessor hands `process.env` to this observer (`routeEnv`): nothing to put back. */
  readonly routed: boolean;
  /** The own `env` property before, `undefined` when it was inherited or absent. */
  readonly previous: PropertyDescriptor | undefined;
  /** What `owner.env` was before. */
  readonly original: unknown;
  /** `env` could not be redefined (not configurable), so the proxy was assigned instead. */
  assigned: boolean;
  /** The env object in use now: the original, or what the test assigned to `process.env`. */
  current: unknown;
}

/**
 * Records run-time configuration changes with their old and new values and the modules
 * they affect, and undoes every change it observed.
 *
 * Subscribers are called synchronously, each event in log order, even when a subscriber
 * makes another change (that change is delivered once the current one has reached every
 * subscriber). A subscriber that throws stops neither the others nor the recording: once
 * every subscriber has been called, the call that made the change throws what was thrown
 * (the value itself for one error, an `AggregateError` of all of them for several). For a
 * change made through a proxy, that is the assignment or `delete`, which has then already
 * happened and been recorded.
 *
 * @example
 * const config = new ConfigChangeObserver({ configMap: { parser: 'chunker.parser' } });
 * const settings = config.observe({ parser: { timeout_ms: 100 } });
 * settings.parser.timeout_ms = 250;
 * config.getChangeLog();
 * // [{ config_path: 'parser.timeout_ms', old_value: 100, new_value: 250,
 * //    affected_modules: ['chunker.parser'], timestamp: 1732400000123.25 }]
 * config.restore(); // settings.parser.timeout_ms is 100 again
 */
export class ConfigChangeObserver {
  readonly #lookup: AffectedModulesLookup;
  readonly #unmappedModules: readonly string[];
  readonly #process: { env: NodeJS.ProcessEnv };
  readonly #log: ConfigChangeEventRecord[] = [];
  readonly #subscriptions = new Set<Subscription>();
  #undelivered: ConfigChangeEventRecord[] = [];
  #delivering = false;
  readonly #undoLog = new UndoLog();
  #restoring = false;
  // Made on first use: the environment makes an observer per test, and most tests observe
  // no object and never read `process.env` (each holds a WeakMap, which the collector visits).
  #objects: RecordingProxies | undefined;
  #envProxies: RecordingProxies | undefined;
  #env: EnvState | undefined;

  /**
   * @throws IntegrationError `INVALID_ARGUMENT` for an unknown option or a wrong value,
   * naming the option and what it accepts.
   */
  constructor(options?: ConfigChangeObserverOptions) {
    const prepared =
      typeof options === 'object' && options !== null ? preparedOptions.get(options) : undefined;
    const validated = prepared?.validated ?? validateConfigObserverOptions(options);
    this.#lookup = prepared?.lookup ?? compileConfigMap(validated.configMap);
    this.#unmappedModules = validated.unmappedConfig === 'all' ? validated.allModules : [];
    this.#process = validated.process;
  }

  get #objectProxies(): RecordingProxies {
    this.#objects ??= new RecordingProxies(this.#sink(), {
      coerceToString: false,
      observeNested: true,
    });
    return this.#objects;
  }

  get #envProxiesMade(): RecordingProxies {
    this.#envProxies ??= new RecordingProxies(this.#sink(), {
      coerceToString: true,
      observeNested: false,
    });
    return this.#envProxies;
  }

  /** Where the proxies report changes: into this observer's log and undo log. */
  #sink(): ChangeSink {
    return {
      isRestoring: (): boolean => this.#restoring,
      remember: (undo) => this.#undoLog.push(undo),
      record: (changes: ObservedChange[]): void => {
        this.#record(changes);
      },
    };
  }

  /** Recognised across realms and copies of the package, where `instanceof` fails. */
  get [BRAND](): 'ConfigChangeObserver' {
    return 'ConfigChangeObserver';
  }

  /**
   * Records a change, with the modules it affects, and notifies subscribers. It changes
   * nothing itself, so `restore()` has nothing to undo for it.
   *
   * @returns the recorded event.
   * @throws IntegrationError `INVALID_ARGUMENT` when `path` is not a non-empty string
   * (nothing is recorded); or, after recording and notifying everyone, what subscribers threw.
   *
   * @example
   * config.onConfigChange('parser.timeout_ms', 100, 250);
   */
  onConfigChange(path: string, oldValue: unknown, newValue: unknown): ConfigChangeEvent {
    assertNonEmptyString(
      path,
      'config.onConfigChange(path, oldValue, newValue)',
      'path',
      "a dotted config path such as 'parser.timeout_ms'",
    );
    return this.#record([{ path, oldValue, newValue }])[0] as ConfigChangeEvent;
  }

  /**
   * The modules a change at `path` affects, sorted: those of the exact key in `configMap`,
   * else of the longest dotted prefix key (`parser` for `parser.limits.max`), else of every
   * matching glob key together (`parser.*`, `env.*`, `**`); else, for an unmapped path,
   * every known module (`unmappedConfig: 'all'`) or none.
   *
   * @example
   * new ConfigChangeObserver({ configMap: { 'env.*': 'cli.main' } }).getAffectedModules('env.HOME');
   * // ['cli.main']
   */
  getAffectedModules(path: string): string[] {
    assertNonEmptyString(
      path,
      'config.getAffectedModules(path)',
      'path',
      "a dotted config path such as 'parser.timeout_ms'",
    );
    return this.#affectedModules(path);
  }

  /**
   * Calls `listener` with every change recorded from now on.
   *
   * @returns a function that unsubscribes it; calling that again does nothing.
   * @throws IntegrationError `INVALID_ARGUMENT` when `listener` is not a function.
   *
   * @example
   * const unsubscribe = config.subscribe((event) => seen.push(event.config_path));
   * unsubscribe();
   */
  subscribe(listener: ConfigChangeListener): () => void {
    if (typeof listener !== 'function') {
      throw invalidArgument(
        'config.subscribe(listener)',
        'listener',
        'a function',
        listener,
        'a function that receives each ConfigChangeEvent, such as (event) => events.push(event)',
      );
    }
    const subscription: Subscription = { listener };
    this.#subscriptions.add(subscription);
    return () => {
      this.#subscriptions.delete(subscription);
    };
  }

  /**
   * Every recorded event, oldest first (a copy: changing it changes nothing here).
   *
   * @example
   * expect(config.getChangeLog().map((event) => event.config_path)).toEqual(['env.PORT']);
   */
  getChangeLog(): ConfigChangeEvent[] {
    return [...this.#log];
  }

  /**
   * A proxy of `object` that writes through to it and records every set and delete at its
   * dotted path (`prefix.key`, `prefix.list.0`), nested plain objects and arrays included.
   * Assigning the value a property already has records nothing; symbol keys are not
   * recorded. An array's `length` is not recorded itself: shortening an array records the
   * deletion of each element it removes. The same object and prefix always give the same
   * proxy, and so does each nested object read through it.
   *
   * @throws IntegrationError `INVALID_ARGUMENT` when `object` is not an object or `prefix`
   * is not a non-empty string.
   *
   * @example
   * const settings = config.observe(loadSettings(), 'settings');
   * settings.cache.dir = '/tmp/x'; // records 'settings.cache.dir'
   */
  observe<T extends object>(object: T, prefix?: string): T {
    const call = 'config.observe(object, prefix?)';
    if (typeof object !== 'object' || object === null) {
      throw invalidArgument(
        call,
        'object',
        'an object or an array',
        object,
        'the configuration object to watch, such as config.observe(settings)',
      );
    }
    if (prefix !== undefined) {
      assertNonEmptyString(
        prefix,
        call,
        'prefix',
        "a dotted path such as 'settings', or no prefix",
      );
    }
    return this.#objectProxies.observe(object, prefix ?? '');
  }

  /**
   * Replaces `process.env` (of the `process` option) with a proxy that records every
   * change as `env.NAME`, values turned into strings as the real `process.env` does;
   * a deleted variable is recorded with `new_value: undefined`. Assigning a whole new
   * object to `process.env` is recorded too, as one event per variable that differs, and
   * the new object is observed from then on. Calling it again returns the current proxy.
   *
   * @throws IntegrationError `INVALID_STATE` when `process.env` is not an object or cannot
   * be replaced.
   *
   * @example
   * const env = config.observeEnv();
   * process.env.CACHE_DIR = '/tmp/cache'; // records 'env.CACHE_DIR'
   */
  observeEnv(): NodeJS.ProcessEnv {
    return this.#currentEnv(this.#env ?? this.#installEnvAccessor()) as NodeJS.ProcessEnv;
  }

  static {
    envInternals = {
      startObserving: (observer) => {
        observer.#env ??= observer.#installEnvAccessor();
      },
      route: (observer, env) => {
        observer.#env ??= {
          owner: observer.#process,
          routed: true,
          previous: undefined,
          original: env,
          assigned: false,
          current: env,
        };
      },
      read: (observer) => {
        const state = observer.#env;
        return state === undefined ? undefined : observer.#currentEnv(state);
      },
      replace: (observer, next) => {
        const state = observer.#env;
        if (state !== undefined) {
          observer.#replaceEnv(state, next);
        }
      },
      target: (observer) => {
        const current = observer.#env?.current;
        return typeof current === 'object' && current !== null ? current : undefined;
      },
    };
  }

  #installEnvAccessor(): EnvState {
    const owner = this.#process as { env: unknown };
    const original = owner.env;
    const current = unwrapObserved(original);
    if (typeof current !== 'object' || current === null) {
      throw new IntegrationError(
        'INVALID_STATE',
        `config.observeEnv(): \`process.env\` is ${describeValue(original)}, so there is nothing to observe. Call it while \`process.env\` is an object.`,
        { env: original },
      );
    }
    const previous = Reflect.getOwnPropertyDescriptor(owner, 'env');
    const state: EnvState = { owner, routed: false, previous, original, assigned: false, current };
    // An accessor rather than a plain value, so that `process.env = { ...process.env }` (a
    // common way to reset env in tests) is seen and the new object observed too.
    const installed = Reflect.defineProperty(owner, 'env', {
      configurable: true,
      enumerable: previous?.enumerable ?? true,
      get: () => this.#currentEnv(state),
      set: (next: unknown) => {
        this.#replaceEnv(state, next);
      },
    });
    if (!installed) {
      const proxy = this.#envProxiesMade.observe(current, 'env');
      if (!Reflect.set(owner, 'env', proxy) || owner.env !== proxy) {
        throw new IntegrationError(
          'INVALID_STATE',
          'config.observeEnv(): `process.env` cannot be replaced on this process object: its `env` property is read-only. Pass a `process` whose `env` can be assigned.',
        );
      }
      state.assigned = true;
    }
    this.#env = state;
    return state;
  }

  /**
   * Undoes every change observed through `observe` and `observeEnv` since the last
   * restore, newest first, so that every object is exactly as it was (deleted keys back,
   * added keys gone, array lengths as they were; a deleted key comes back last in key
   * order), and puts the original `process.env`
   * back. It records nothing and notifies no one. Calling it again does nothing more;
   * changes made afterwards through the proxies are observed (and undone) again.
   *
   * @throws IntegrationError `INVALID_STATE` when some change could not be undone (a
   * frozen object, a throwing setter), after undoing all the others.
   *
   * @example
   * afterEach(() => config.restore());
   */
  restore(): void {
    const failures: UndoFailure[] = [];
    this.#restoring = true;
    try {
      failures.push(...this.#undoLog.undoAll());
      const env = this.#env;
      if (env !== undefined) {
        this.#env = undefined;
        failures.push(...putEnvBack(env));
      }
    } finally {
      this.#restoring = false;
    }
    if (failures.length > 0) {
      const list = failures
        .map(({ path, error }) => `'${path}' (${describeFailure(error)})`)
        .join(', ');
      throw new IntegrationError(
        'INVALID_STATE',
        `config.restore(): ${failures.length === 1 ? '1 observed change' : `${failures.length} observed changes`} could not be undone: ${list}. Everything else was restored. Keep observed objects writable (not frozen, sealed or read-only) until the test ends.`,
        { failures },
      );
    }
  }

  #affectedModules(path: string): string[] {
    return this.#lookup(path) ?? [...this.#unmappedModules];
  }

  #record(changes: readonly ObservedChange[]): ConfigChangeEventRecord[] {
    const events = changes.map(
      ({ path, oldValue, newValue }) =>
        new ConfigChangeEventRecord({
          config_path: path,
          old_value: oldValue,
          new_value: newValue,
          affected_modules: this.#affectedModules(path),
          timestamp: now(),
        }),
    );
    for (const event of events) {
      this.#log.push(event);
      this.#undelivered.push(event);
    }
    this.#deliver();
    return events;
  }

  /** Delivers undelivered events in order; throws what subscribers threw once all ran. */
  #deliver(): void {
    // A change made by a subscriber waits until the current event has reached everyone.
    if (this.#delivering) {
      return;
    }
    this.#delivering = true;
    const errors: unknown[] = [];
    try {
      for (let index = 0; index < this.#undelivered.length; index += 1) {
        const event = this.#undelivered[index] as ConfigChangeEventRecord;
        for (const subscription of [...this.#subscriptions]) {
          if (!this.#subscriptions.has(subscription)) {
            continue; // unsubscribed by an earlier subscriber of this event
          }
          try {
            subscription.listener(event);
          } catch (error) {
            errors.push(error);
          }
        }
      }
    } finally {
      this.#undelivered = [];
      this.#delivering = false;
    }
    if (errors.length === 1) {
      throw errors[0];
    }
    if (errors.length > 1) {
      throw new AggregateError(
        errors,
        `${errors.length} config change subscribers threw. Every subscriber was still notified and every change recorded; the errors are in \`errors\`.`,
      );
    }
  }

  #currentEnv(state: EnvState): unknown {
    const { current } = state;
    return typeof current === 'object' && current !== null
      ? this.#envProxiesMade.observe(current, 'env')
      : current;
  }

  #replaceEnv(state: EnvState, next: unknown): void {
    const previous = state.current;
    const current = unwrapObserved(next);
    if (current === previous) {
      return;
    }
    state.current = current;
    if (!this.#restoring) {
      this.#record(diffEnv(previous, current));
    }
  }
}

/** One change per variable that differs between two env objects: changed, removed, added. */
function diffEnv(before: unknown, after: unknown): ObservedChange[] {
  const read = (env: unknown): Map<string, unknown> => {
    const variables = new Map<string, unknown>();
    if (typeof env === 'object' && env !== null) {
      for (const name of Object.keys(env)) {
        variables.set(name, (env as Record<string, unknown>)[name]);
      }
    }
    return variables;
  };
  const oldVariables = read(before);
  const newVariables = read(after);
  const changes: ObservedChange[] = [];
  for (const [name, oldValue] of oldVariables) {
    const newValue = newVariables.get(name);
    if (!newVariables.has(name) || !Object.is(oldValue, newValue)) {
      changes.push({ path: `env.${name}`, oldValue, newValue });
    }
  }
  for (const [name, newValue] of newVariables) {
    if (!oldVariables.has(name)) {
      changes.push({ path: `env.${name}`, oldValue: undefined, newValue });
    }
  }
  return changes;
}

function putEnvBack(env: EnvState): UndoFailure[] {
  if (env.routed) {
    return [];
  }
  try {
    let done: boolean;
    if (env.assigned) {
      done = Reflect.set(env.owner, 'env', env.original);
    } else if (env.previous !== undefined) {
      done = Reflect.defineProperty(env.owner, 'env', env.previous);
    } else {
      done = Reflect.deleteProperty(env.owner, 'env');
    }
    return done
      ? []
      : [{ path: 'env', error: new TypeError('`process.env` could not be put back') }];
  } catch (error) {
    return [{ path: 'env', error }];
  }
}

function describeFailure(error: unknown): string {
  return isErrorLike(error) ? `${error.name}: ${error.message}` : describeValue(error);
}

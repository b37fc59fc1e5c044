import type { UndoStep } from './UndoLog';
import { undoStepFor } from './UndoLog';
import { registerObserved, unwrapObserved } from './unwrapObserved';

/** One property change a recording proxy saw. */
export interface ObservedChange {
  readonly path: string;
  readonly oldValue: unknown;
  readonly newValue: unknown;
}

/** Where recording proxies report to: their observer. */
export interface ChangeSink {
  /** While true, writes go straight through: nothing is recorded or remembered. */
  isRestoring(): boolean;
  /** Keeps how to undo a change that has just been made. */
  remember(step: UndoStep): void;
  /** Records changes that have been made and remembered; may throw what subscribers threw. */
  record(changes: ObservedChange[]): void;
}

export interface RecordingOptions {
  /** Turn every written value into a string first, as `process.env` does. */
  readonly coerceToString: boolean;
  /** Hand out recording proxies for nested plain objects and arrays too. */
  readonly observeNested: boolean;
}

/**
 * Makes and caches the recording proxies of one observer. A proxy writes through to its
 * object; every set, delete and `defineProperty` of a string key is first remembered for
 * undoing, then recorded at its dotted path (`prefix.key`, `list.0`). Symbol keys go
 * straight through. Assigning the value a property already holds changes nothing and
 * records nothing.
 *
 * Nested plain objects and arrays read through a proxy are proxies too, one per object and
 * path, so `settings.server === settings.server`. Other objects (Map, Date, class
 * instances) are returned as they are: their methods need the real object as `this`.
 * Proxies are made lazily, on read, so a circular object never makes this loop.
 *
 * An array's `length` is not recorded as a change of its own: shortening an array records
 * the deletion of every element it removes (highest index first), lengthening it records
 * nothing, and undoing puts the length back in every case.
 *
 * @example
 * const proxies = new RecordingProxies(sink, { coerceToString: false, observeNested: true });
 * const settings = proxies.observe({ server: { port: 80 } }, 'settings');
 * settings.server.port = 8080; // sink.record([{ path: 'settings.server.port', oldValue: 80, newValue: 8080 }])
 */
export class RecordingProxies {
  readonly #sink: ChangeSink;
  readonly #options: RecordingOptions;
  readonly #cache = new WeakMap<object, Map<string, object>>();

  constructor(sink: ChangeSink, options: RecordingOptions) {
    this.#sink = sink;
    this.#options = options;
  }

  /** The recording proxy for `object` at `path` (`''` for none), the same one every time. */
  observe<T extends object>(object: T, path: string): T {
    const target = unwrapObserved(object);
    let byPath = this.#cache.get(target);
    if (byPath === undefined) {
      byPath = new Map();
      this.#cache.set(target, byPath);
    }
    let proxy = byPath.get(path);
    if (proxy === undefined) {
      proxy = this.#create(target, path);
      byPath.set(path, proxy);
      registerObserved(proxy, target);
    }
    return proxy as T;
  }

  #create(object: object, path: string): object {
    const sink = this.#sink;
    const options = this.#options;
    const observe = (value: object, key: string): object => this.observe(value, pathOf(key));
    const pathOf = (key: string): string => (path === '' ? key : `${path}.${key}`);
    // Coercing first means a value that cannot become a string throws before anything changes.
    const prepare = (value: unknown): unknown =>
      options.coerceToString ? `${value as string}` : unwrapObserved(value);

    const setArrayLength = (target: unknown[], value: unknown): boolean => {
      const oldLength = target.length;
      const requested = +(value as number);
      const removed: { step: UndoStep; change: ObservedChange }[] = [];
      if (Number.isInteger(requested) && requested >= 0 && requested < oldLength) {
        for (let index = oldLength - 1; index >= requested; index -= 1) {
          const key = String(index);
          const own = Reflect.getOwnPropertyDescriptor(target, key);
          if (own !== undefined) {
            const oldValue = 'value' in own ? own.value : Reflect.get(target, key);
            removed.push({
              step: { target, key, path: pathOf(key), previous: own, arrayLength: oldLength },
              change: { path: pathOf(key), oldValue, newValue: undefined },
            });
          }
        }
      }
      const done = Reflect.set(target, 'length', requested);
      // Even a refused shortening may have removed elements above a non-deletable one.
      const gone = removed.filter(({ step }) => !Object.hasOwn(target, step.key));
      for (const { step } of gone) {
        sink.remember(step);
      }
      if (target.length !== oldLength) {
        sink.remember({
          target,
          key: 'length',
          path: pathOf('length'),
          previous: undefined,
          assigned: { value: oldLength },
        });
      }
      if (gone.length > 0) {
        sink.record(gone.map(({ change }) => change));
      }
      return done;
    };

    const proxy: object = new Proxy(object, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver === proxy ? target : receiver);
        if (
          receiver !== proxy ||
          typeof key === 'symbol' ||
          !options.observeNested ||
          !isPlainObjectOrArray(value)
        ) {
          return value;
        }
        const own = Reflect.getOwnPropertyDescriptor(target, key);
        // A proxy must return the very value of a frozen property (a Proxy invariant).
        if (own !== undefined && own.configurable === false && own.writable === false) {
          return value;
        }
        return observe(value, key);
      },

      set(target, key, value, receiver) {
        if (receiver !== proxy) {
          // The proxy is only the prototype of the object written to: not our change.
          return Reflect.set(target, key, value, receiver);
        }
        if (typeof key === 'symbol') {
          return Reflect.set(target, key, value);
        }
        const newValue = prepare(value);
        if (sink.isRestoring()) {
          return Reflect.set(target, key, newValue);
        }
        if (key === 'length' && Array.isArray(target)) {
          return setArrayLength(target, newValue);
        }
        const own = Reflect.getOwnPropertyDescriptor(target, key);
        if (own !== undefined && 'value' in own && Object.is(own.value, newValue)) {
          return Reflect.set(target, key, newValue);
        }
        const existed = Reflect.has(target, key);
        const oldValue: unknown = Reflect.get(target, key);
        const step = undoStepFor(target, key, pathOf(key));
        if (!Reflect.set(target, key, newValue)) {
          return false;
        }
        sink.remember(step);
        if (!existed || !Object.is(oldValue, newValue)) {
          sink.record([{ path: step.path, oldValue, newValue }]);
        }
        return true;
      },

      deleteProperty(target, key) {
        if (typeof key === 'symbol' || sink.isRestoring()) {
          return Reflect.deleteProperty(target, key);
        }
        const own = Reflect.getOwnPropertyDescriptor(target, key);
        if (own === undefined) {
          return Reflect.deleteProperty(target, key);
        }
        const oldValue: unknown = 'value' in own ? own.value : Reflect.get(target, key);
        const arrayLength = Array.isArray(target) ? target.length : undefined;
        if (!Reflect.deleteProperty(target, key)) {
          return false;
        }
        sink.remember({ target, key, path: pathOf(key), previous: own, arrayLength });
        sink.record([{ path: pathOf(key), oldValue, newValue: undefined }]);
        return true;
      },

      defineProperty(target, key, descriptor) {
        if (typeof key === 'symbol') {
          return Reflect.defineProperty(target, key, descriptor);
        }
        const next =
          'value' in descriptor ? { ...descriptor, value: prepare(descriptor.value) } : descriptor;
        if (sink.isRestoring()) {
          return Reflect.defineProperty(target, key, next);
        }
        if (key === 'length' && Array.isArray(target) && 'value' in next) {
          return setArrayLength(target, next.value) && Reflect.defineProperty(target, key, next);
        }
        const own = Reflect.getOwnPropertyDescriptor(target, key);
        const existed = Reflect.has(target, key);
        const oldValue: unknown =
          own !== undefined && 'value' in own ? own.value : Reflect.get(target, key);
        const arrayLength = Array.isArray(target) ? target.length : undefined;
        if (!Reflect.defineProperty(target, key, next)) {
          return false;
        }
        sink.remember({ target, key, path: pathOf(key), previous: own, arrayLength });
        const newValue: unknown = 'value' in next ? next.value : Reflect.get(target, key);
        if (!existed || !Object.is(oldValue, newValue)) {
          sink.record([{ path: pathOf(key), oldValue, newValue }]);
        }
        return true;
      },
    });
    return proxy;
  }
}

/** Plain objects (of any realm) and arrays: what config is made of, and safe to proxy. */
function isPlainObjectOrArray(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  if (Array.isArray(value)) {
    return true;
  }
  const prototype: unknown = Reflect.getPrototypeOf(value);
  return prototype === null || Reflect.getPrototypeOf(prototype as object) === null;
}

// Every recording proxy this copy of the package made, to the object it stands for. Shared
// by all observers, so that one observer never wraps another's proxy (which would record
// each change twice and undo it through the other's log).
const targets = new WeakMap<object, object>();

/** Remembers that `proxy` records changes to `target`. */
export function registerObserved(proxy: object, target: object): void {
  targets.set(proxy, target);
}

/**
 * The real object behind a recording proxy, or the value itself when it is not one. Values
 * written through a proxy are unwrapped first, so the observed object never holds proxies.
 *
 * @example
 * const settings = config.observe({ a: {} });
 * unwrapObserved(settings.a) === unwrapObserved(settings).a; // true
 */
export function unwrapObserved<T>(value: T): T {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    return value;
  }
  return (targets.get(value) as T | undefined) ?? value;
}

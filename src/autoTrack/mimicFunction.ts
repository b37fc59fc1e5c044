/**
 * Makes a wrapper look like the function it wraps: same `name` and `length`, and the
 * same own extra properties (`setTimeout[util.promisify.custom]` keeps
 * `util.promisify(setTimeout)` working exactly as before).
 */
export function mimicFunction<T extends object>(wrapper: T, original: object): T {
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'prototype' || key === 'arguments' || key === 'caller') {
      continue;
    }
    const descriptor = Reflect.getOwnPropertyDescriptor(original, key);
    if (descriptor !== undefined) {
      try {
        Reflect.defineProperty(wrapper, key, descriptor);
      } catch {
        // Non-configurable on the wrapper: keep the wrapper's own.
      }
    }
  }
  return wrapper;
}

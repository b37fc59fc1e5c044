import { invalidArgument } from './invalidArgument';

/**
 * Refuses anything but a non-empty string, naming the call, the argument, what was
 * received and what to pass instead.
 *
 * @param call - how the user wrote the call, e.g. `'resources.trackResource(module, type, id)'`
 * @param name - the argument's name as it appears in `call`
 * @param hint - what a good value looks like, e.g. `"a module name such as 'cache.store'"`
 */
export function assertNonEmptyString(
  value: unknown,
  call: string,
  name: string,
  hint: string,
): asserts value is string {
  if (typeof value === 'string' && value.trim() !== '') {
    return;
  }
  throw invalidArgument(call, name, 'a non-empty string', value, hint);
}

/** Refuses anything but a plain object (or `undefined` when `optional`). */
export function assertPlainObject(
  value: unknown,
  call: string,
  name: string,
  hint: string,
  optional = true,
): asserts value is Record<string, unknown> | undefined {
  if (value === undefined && optional) {
    return;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return;
  }
  throw invalidArgument(call, name, optional ? 'an object or undefined' : 'an object', value, hint);
}

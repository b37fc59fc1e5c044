import { types } from 'node:util';
import { errorMessageOf } from './errorMessageOf';
import { errorTypeOf } from './errorTypeOf';
import { isErrorLike } from './isErrorLike';

/** How an error serialises: the same four keys in every language. */
export interface SerializedError {
  name: string;
  message: string;
  stack: string | null;
  cause: unknown;
}

const MAX_DEPTH = 32;

/**
 * How many objects one serialisation copies. Without a bound, an object graph that shares
 * its parts (`a = { x: b, y: b }`, thirty levels deep) would be written out 2^30 times.
 */
const MAX_OBJECTS = 50_000;

/**
 * The objects being copied right now, outermost first. Module-wide rather than per call
 * because a `toJSON` method may call `toJSONSafe` again (records do): an object that
 * contains itself through such a method is still written as `'[Circular]'`.
 */
const inProgress = new Set<object>();
let copiedObjects = 0;

/**
 * A copy of any value that `JSON.stringify` can always write: circular references become
 * `'[Circular]'`, BigInt `'123n'`, symbols `'Symbol(x)'`, functions `'[Function name]'`,
 * errors `{name, message, stack, cause}`, Maps objects, Sets arrays; a getter or proxy that
 * throws becomes `'[Unreadable: reason]'`; past 32 levels `'[MaxDepth]'`, past 50,000
 * objects `'[Truncated]'`. Never throws.
 *
 * @example
 * const value: Record<string, unknown> = { id: 1n, at: new Date(0) };
 * value.self = value;
 * JSON.stringify(toJSONSafe(value)); // '{"id":"1n","at":"1970-01-01T00:00:00.000Z","self":"[Circular]"}'
 */
export function toJSONSafe(value: unknown): unknown {
  return outermost(() => copy(value, 0));
}

/**
 * Serialises an error (or anything thrown) to `{name, message, stack, cause}`, where `name`
 * and `message` are the `error_type` and `error_message` an `ErrorContext` gives the same
 * value (`'TypeError'`, `'ParseFailure'`, `'string'`, `'null'`, `'Object'`). Never throws.
 *
 * @example
 * serializeError(new TypeError('x', { cause: 'y' }));
 * // { name: 'TypeError', message: 'x', stack: 'TypeError: x\n    at ...', cause: 'y' }
 * serializeError('boom'); // { name: 'string', message: 'boom', stack: null, cause: null }
 */
export function serializeError(error: unknown): SerializedError {
  return outermost(() => serializeErrorAt(error, 0));
}

/** Runs a top-level call, starting the object budget afresh unless it is a nested one. */
function outermost<T>(run: () => T): T {
  if (inProgress.size === 0) {
    copiedObjects = 0;
  }
  return run();
}

function serializeErrorAt(error: unknown, depth: number): SerializedError {
  const serialized: SerializedError = {
    name: errorTypeOf(error),
    message: errorMessageOf(error),
    stack: null,
    cause: null,
  };
  if (!isErrorLike(error)) {
    return serialized;
  }
  const stack = readSafely(() => error.stack);
  serialized.stack = typeof stack === 'string' ? stack : null;
  inProgress.add(error);
  try {
    const cause = 'cause' in error ? copy(error.cause, depth + 1) : undefined;
    serialized.cause = cause === undefined ? null : cause;
  } catch (reason) {
    serialized.cause = unreadable(reason);
  } finally {
    inProgress.delete(error);
  }
  return serialized;
}

function copy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${functionName(value)}]`;
    default:
      break;
  }
  if (value === null) {
    return null;
  }
  const object = value as object;
  if (inProgress.has(object)) {
    return '[Circular]';
  }
  if (depth >= MAX_DEPTH) {
    return '[MaxDepth]';
  }
  copiedObjects += 1;
  if (copiedObjects > MAX_OBJECTS) {
    return '[Truncated]';
  }
  try {
    if (isErrorLike(object)) {
      return serializeErrorAt(object, depth);
    }
    inProgress.add(object);
    try {
      return copyObject(object, depth);
    } finally {
      inProgress.delete(object);
    }
  } catch (reason) {
    return unreadable(reason);
  }
}

function copyObject(object: object, depth: number): unknown {
  if (Array.isArray(object)) {
    return object.map((item: unknown) => copy(item, depth + 1));
  }
  if (types.isMap(object)) {
    const entries: Record<string, unknown> = {};
    for (const [key, item] of object as Map<unknown, unknown>) {
      entries[String(key)] = copy(item, depth + 1);
    }
    return entries;
  }
  if (types.isSet(object)) {
    return [...(object as Set<unknown>)].map((item: unknown) => copy(item, depth + 1));
  }
  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    return copy(toJSON.call(object), depth + 1);
  }
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    try {
      result[key] = copy((object as Record<string, unknown>)[key], depth + 1);
    } catch (reason) {
      result[key] = unreadable(reason);
    }
  }
  return result;
}

function functionName(fn: object): string {
  const name = readSafely(() => (fn as { name?: unknown }).name);
  return typeof name === 'string' && name !== '' ? name : 'anonymous';
}

function readSafely(read: () => unknown): unknown {
  try {
    return read();
  } catch (reason) {
    return unreadable(reason);
  }
}

/** Says why a value could not be read; safe whatever was thrown (even `Object.create(null)`). */
function unreadable(reason: unknown): string {
  return `[Unreadable: ${errorMessageOf(reason)}]`;
}

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
 * A copy of any value that `JSON.stringify` can always write: circular references become
 * `'[Circular]'`, BigInt `'123n'`, symbols `'Symbol(x)'`, functions `'[Function name]'`,
 * errors `{name, message, stack, cause}`, Maps objects, Sets arrays; a getter or proxy that
 * throws becomes `'[Unreadable: reason]'`. Never throws.
 */
export function toJSONSafe(value: unknown): unknown {
  return copy(value, [], 0);
}

/** Serialises an error (or anything thrown) to `{name, message, stack, cause}`. */
export function serializeError(error: unknown): SerializedError {
  return serializeErrorWith(error, [], 0);
}

function serializeErrorWith(error: unknown, ancestors: object[], depth: number): SerializedError {
  if (isErrorLike(error)) {
    const inner = [...ancestors, error];
    let cause: unknown = null;
    try {
      cause = 'cause' in error ? copy(error.cause, inner, depth + 1) : null;
    } catch (reason) {
      cause = unreadable(reason);
    }
    return {
      name: String(readSafely(() => error.name)),
      message: String(readSafely(() => error.message)),
      stack: typeof readSafely(() => error.stack) === 'string' ? (error.stack as string) : null,
      cause: cause === undefined ? null : cause,
    };
  }
  return {
    name: error === null ? 'null' : typeof error,
    message: describePrimitive(error),
    stack: null,
    cause: null,
  };
}

function copy(value: unknown, ancestors: object[], depth: number): unknown {
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
      return `[Function ${value.name || 'anonymous'}]`;
    default:
      break;
  }
  if (value === null) {
    return null;
  }
  const object = value as object;
  if (ancestors.includes(object)) {
    return '[Circular]';
  }
  if (depth >= MAX_DEPTH) {
    return '[MaxDepth]';
  }
  try {
    if (isErrorLike(object)) {
      return serializeErrorWith(object, ancestors, depth);
    }
    const inner = [...ancestors, object];
    if (Array.isArray(object)) {
      return object.map((item) => copy(item, inner, depth + 1));
    }
    if (object instanceof Map) {
      const entries: Record<string, unknown> = {};
      for (const [key, item] of object) {
        entries[String(key)] = copy(item, inner, depth + 1);
      }
      return entries;
    }
    if (object instanceof Set) {
      return [...object].map((item) => copy(item, inner, depth + 1));
    }
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      return copy(toJSON.call(object), inner, depth + 1);
    }
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(object)) {
      try {
        result[key] = copy((object as Record<string, unknown>)[key], inner, depth + 1);
      } catch (reason) {
        result[key] = unreadable(reason);
      }
    }
    return result;
  } catch (reason) {
    return unreadable(reason);
  }
}

function describePrimitive(value: unknown): string {
  try {
    if (typeof value === 'string') {
      return value;
    }
    if (typeof value === 'object' && value !== null) {
      return JSON.stringify(copy(value, [], 0));
    }
    return String(value);
  } catch {
    return '[Unreadable]';
  }
}

function readSafely(read: () => unknown): unknown {
  try {
    return read();
  } catch (reason) {
    return unreadable(reason);
  }
}

function unreadable(reason: unknown): string {
  const message = isErrorLike(reason) ? reason.message : String(reason);
  return `[Unreadable: ${message}]`;
}

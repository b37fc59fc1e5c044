import type { EncodedThrown } from './workerProtocol';

const MAX_CAUSE_DEPTH = 32;

/**
 * The thrown value a worker sent, as close to the original as data allows: an error
 * becomes an `Error` again with the worker's `name`, `message` and `stack` (and its causes
 * errors too), so that the `ErrorContext` built from it has the worker's `error_type`,
 * `error_message`, parsed `stack` and `cause_chain`; any other value is the value itself.
 *
 * @example
 * decodeThrown({ kind: 'error', error: { name: 'TypeError', message: 'x', stack: null, cause: null } });
 * // TypeError-named Error: x
 */
export function decodeThrown(encoded: EncodedThrown): unknown {
  return encoded.kind === 'error' ? reviveError(encoded.error, 0) : encoded.value;
}

function reviveError(
  serialized: { name: string; message: string; stack: string | null; cause: unknown },
  depth: number,
): Error {
  const error = new Error(serialized.message);
  Object.defineProperty(error, 'name', {
    value: serialized.name,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  // Without a stack of its own, the revived error says where it came from, not where the
  // environment happened to revive it.
  error.stack = serialized.stack ?? `${serialized.name}: ${serialized.message}`;
  if (serialized.cause !== null && serialized.cause !== undefined) {
    Object.defineProperty(error, 'cause', {
      value: reviveCause(serialized.cause, depth + 1),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  return error;
}

function reviveCause(cause: unknown, depth: number): unknown {
  if (depth > MAX_CAUSE_DEPTH || typeof cause !== 'object' || cause === null) {
    return cause;
  }
  const candidate = cause as Record<string, unknown>;
  const keys = Object.keys(candidate);
  const isSerializedError =
    keys.length === 4 &&
    typeof candidate.name === 'string' &&
    typeof candidate.message === 'string' &&
    (typeof candidate.stack === 'string' || candidate.stack === null) &&
    'cause' in candidate;
  return isSerializedError
    ? reviveError(
        candidate as { name: string; message: string; stack: string | null; cause: unknown },
        depth,
      )
    : cause;
}

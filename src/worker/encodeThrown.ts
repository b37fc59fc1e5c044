import { isErrorLike } from '../isErrorLike';
import { serializeError, toJSONSafe } from '../toJSONSafe';
import type { EncodedThrown } from './workerProtocol';

/**
 * A thrown value as it crosses to the environment: an error as `{name, message, stack,
 * cause}` (its `name` is the `error_type` an `ErrorContext` gives it, so the context built
 * on the other side names the same type), anything else as a JSON-safe copy. Never throws.
 *
 * @example
 * encodeThrown(new TypeError('x')); // { kind: 'error', error: { name: 'TypeError', message: 'x', ... } }
 * encodeThrown('boom'); // { kind: 'value', value: 'boom' }
 */
export function encodeThrown(thrown: unknown): EncodedThrown {
  if (isErrorLike(thrown)) {
    return { kind: 'error', error: serializeError(thrown) };
  }
  const value = toJSONSafe(thrown);
  return value === undefined ? { kind: 'value' } : { kind: 'value', value };
}

import { equalsWithMatchers } from './equalsWithMatchers';
import { isAsymmetricMatcher } from './isAsymmetricMatcher';
import type { ErrorContext } from './records';

/** The keys of an `ErrorContext`, in the order of the standard format. */
export const ERROR_CONTEXT_KEYS = [
  'source_module',
  'target_module',
  'operation',
  'original_error',
  'error_type',
  'error_message',
  'timestamp',
  'context_data',
] as const satisfies readonly (keyof ErrorContext)[];

/**
 * What a test may expect of an `ErrorContext`: any of its keys, each a value or an
 * asymmetric matcher (values nested in `context_data` may be matchers too).
 *
 * @example
 * const expected: ExpectedErrorContext = {
 *   operation: 'parse',
 *   error_message: expect.stringContaining('unexpected token'),
 *   context_data: { file: 'a.ts' },
 * };
 */
export type ExpectedErrorContext = { [Key in keyof ErrorContext]?: unknown };

/** One expected key that the context lacks or whose value differs. */
export interface ErrorContextMismatch {
  key: keyof ErrorContext;
  /** The context has no such key. */
  missing: boolean;
  expected: unknown;
  /** The context's value; for `context_data`, only the entries that `expected` names. */
  received: unknown;
}

/**
 * The expected keys that the context lacks or whose values differ, in the order of the
 * standard format. Values are compared with {@link equalsWithMatchers}; `timestamp` only
 * needs to be present as a finite number; `context_data` is compared like `toMatchObject`
 * (extra entries are fine, at every depth), because it always carries more than a test
 * writes (the stack, the cause chain, the call stack). Keys of `expected` that an
 * `ErrorContext` does not have are ignored. Never throws.
 *
 * @example
 * errorContextMismatches(context, { operation: 'parse', error_type: 'TypeError' });
 * // [{ key: 'operation', missing: false, expected: 'parse', received: 'load' }]
 */
export function errorContextMismatches(
  context: object,
  expected: ExpectedErrorContext,
): ErrorContextMismatch[] {
  const mismatches: ErrorContextMismatch[] = [];
  for (const key of ERROR_CONTEXT_KEYS) {
    if (!Object.prototype.hasOwnProperty.call(expected, key)) {
      continue;
    }
    const expectedValue = expected[key];
    let present: boolean;
    let received: unknown;
    try {
      present = key in context;
      received = present ? (context as Record<string, unknown>)[key] : undefined;
    } catch {
      present = false;
      received = undefined;
    }
    if (!present) {
      mismatches.push({ key, missing: true, expected: expectedValue, received });
    } else if (key === 'timestamp') {
      if (typeof received !== 'number' || !Number.isFinite(received)) {
        mismatches.push({ key, missing: false, expected: expectedValue, received });
      }
    } else if (key === 'context_data') {
      if (!equalsWithMatchers(expectedValue, received, { subset: true })) {
        mismatches.push({
          key,
          missing: false,
          expected: expectedValue,
          received: entriesNamedBy(expectedValue, received),
        });
      }
    } else if (!equalsWithMatchers(expectedValue, received)) {
      mismatches.push({ key, missing: false, expected: expectedValue, received });
    }
  }
  return mismatches;
}

/** The entries of `received` that `expected` names, for a message that shows only those. */
function entriesNamedBy(expected: unknown, received: unknown): unknown {
  if (
    typeof expected !== 'object' ||
    expected === null ||
    Array.isArray(expected) ||
    isAsymmetricMatcher(expected) ||
    typeof received !== 'object' ||
    received === null
  ) {
    return received;
  }
  try {
    const entries: Record<string, unknown> = {};
    for (const key of Object.keys(expected)) {
      if (key in received) {
        entries[key] = (received as Record<string, unknown>)[key];
      }
    }
    return entries;
  } catch {
    return received;
  }
}

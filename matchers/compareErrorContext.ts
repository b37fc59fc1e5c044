import type { MatcherContext } from 'expect';
import { ERROR_CONTEXT_KEYS } from '../src/errorContextMismatches';
import type { ErrorContext } from '../src/records';

/** How a context compares with the keys a test expects of it. */
export interface ErrorContextComparison {
  /** Every expected key is present and equal. */
  pass: boolean;
  /** Expected keys the context lacks. */
  missing: string[];
  /** Expected keys whose values differ. */
  differing: string[];
  /**
   * The context's values at the expected keys, for a diff against `expected`: `timestamp`
   * shows the expected value when it is a number (only that is checked) and `context_data`
   * only the expected entries.
   */
  receivedSubset: Record<string, unknown>;
}

/**
 * Compares a context with expected keys as `errors.verifyErrorContext` does, but through
 * the matcher's `equals` (so custom equality testers count too): every expected key must
 * be present and equal, asymmetric matchers honoured; `timestamp` only needs to be a
 * number; `context_data` is matched like `toMatchObject`, because it always carries more
 * (stack, cause chain) than a test would write. Keys come in the standard order.
 */
export function compareErrorContext(
  matcherContext: MatcherContext,
  context: ErrorContext,
  expected: Record<string, unknown>,
): ErrorContextComparison {
  const { equals, utils } = matcherContext;
  const customTesters = matcherContext.customTesters ?? [];
  const actual = context as unknown as Record<string, unknown>;
  const missing: string[] = [];
  const differing: string[] = [];
  const receivedSubset: Record<string, unknown> = {};

  for (const key of ERROR_CONTEXT_KEYS) {
    if (!Object.prototype.hasOwnProperty.call(expected, key)) {
      continue;
    }
    if (!(key in actual)) {
      missing.push(key);
      continue;
    }
    const expectedValue = expected[key];
    const actualValue = actual[key];
    if (key === 'timestamp') {
      const present = typeof actualValue === 'number' && Number.isFinite(actualValue);
      receivedSubset[key] = present ? expectedValue : actualValue;
      if (!present) {
        differing.push(key);
      }
      continue;
    }
    if (key === 'context_data') {
      receivedSubset[key] = subsetOf(actualValue, expectedValue);
      if (
        !equals(actualValue, expectedValue, [
          ...customTesters,
          utils.iterableEquality,
          utils.subsetEquality,
        ])
      ) {
        differing.push(key);
      }
      continue;
    }
    receivedSubset[key] = actualValue;
    if (!equals(actualValue, expectedValue, [...customTesters, utils.iterableEquality])) {
      differing.push(key);
    }
  }
  return {
    pass: missing.length === 0 && differing.length === 0,
    missing,
    differing,
    receivedSubset,
  };
}

function subsetOf(actual: unknown, expected: unknown): unknown {
  if (
    typeof actual !== 'object' ||
    actual === null ||
    typeof expected !== 'object' ||
    expected === null ||
    Array.isArray(expected) ||
    typeof (expected as { asymmetricMatch?: unknown }).asymmetricMatch === 'function'
  ) {
    return actual;
  }
  const subset: Record<string, unknown> = {};
  for (const key of Object.keys(expected)) {
    if (key in actual) {
      subset[key] = (actual as Record<string, unknown>)[key];
    }
  }
  return subset;
}

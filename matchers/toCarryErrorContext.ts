import type { MatcherContext, MatcherFunction } from 'expect';
import { ERROR_CONTEXT_KEYS } from '../src/errorContextMismatches';
import type { IntegrationHandle } from '../src/IntegrationHandle';
import { isErrorLike } from '../src/isErrorLike';
import type { ErrorContext } from '../src/records';
import { compareErrorContext } from './compareErrorContext';
import type { ErrorContextComparison } from './compareErrorContext';
import { currentHandleFromGlobal } from './currentHandleFromGlobal';
import { isErrorContext } from './isErrorContext';
import { matcherError } from './matcherError';
import { resolveReceiver } from './resolveReceiver';
import type { ExpectedErrorContext } from './types';

const NAME = 'toCarryErrorContext';

/**
 * Builds `toCarryErrorContext` around a way to find the current test's `integration`
 * handle, which it needs when it receives an error value rather than a context. The
 * environment registers the matchers from outside the test realm, so it passes its own.
 *
 * @example
 * expect.extend({ toCarryErrorContext: createToCarryErrorContext(() => environment.handle) });
 */
export function createToCarryErrorContext(
  currentHandle: () => IntegrationHandle | undefined,
): MatcherFunction<[expected: ExpectedErrorContext]> {
  return function toCarryErrorContext(received, expected) {
    const hint = this.utils.matcherHint(NAME, 'received', 'expected', {
      isNot: this.isNot,
      promise: this.promise,
    });
    if (
      typeof expected !== 'object' ||
      expected === null ||
      Array.isArray(expected) ||
      !Object.keys(expected).every((key) => (ERROR_CONTEXT_KEYS as readonly string[]).includes(key))
    ) {
      throw matcherError(
        this,
        hint,
        'expected',
        `be an object with some of the ErrorContext keys: ${ERROR_CONTEXT_KEYS.join(', ')}`,
        expected,
      );
    }
    const expectedKeys = expected as Record<string, unknown>;

    if (isErrorContext(received)) {
      return judgeContexts(this, hint, expectedKeys, [received], undefined);
    }
    if (resolveReceiver(received, 'ErrorPropagation') !== undefined) {
      throw receivedError(this, hint, received);
    }
    const errors = resolveReceiver(currentHandle(), 'ErrorPropagation');
    if (errors === undefined) {
      throw matcherError(
        this,
        hint,
        'received',
        "be an ErrorContext when no `integration` handle is active to look an error up in (run the test under testEnvironment 'integration')",
        received,
      );
    }
    const contexts = errors
      .getErrorChain()
      .filter((each) => Object.is(each.original_error, received));
    if (contexts.length === 0 && !isErrorLike(received)) {
      throw receivedError(this, hint, received);
    }
    return judgeContexts(this, hint, expectedKeys, contexts, { error: received });
  };
}

/**
 * Passes when the error context (or a context captured for this error value in the
 * current test) has every expected key, with equal values.
 *
 * @example
 * expect(context).toCarryErrorContext({ source_module: 'chunker.parser', operation: 'parse' });
 */
export const toCarryErrorContext = createToCarryErrorContext(currentHandleFromGlobal);

function receivedError(context: MatcherContext, hint: string, received: unknown): Error {
  return matcherError(
    context,
    hint,
    'received',
    'be an ErrorContext, or a value captured by `integration.errors` in the current test',
    received,
  );
}

function judgeContexts(
  context: MatcherContext,
  hint: string,
  expected: Record<string, unknown>,
  contexts: ErrorContext[],
  errorValue: { error: unknown } | undefined,
) {
  const comparisons = contexts.map((each) => compareErrorContext(context, each, expected));
  const matching = comparisons.findIndex((comparison) => comparison.pass);
  const { printExpected, printReceived, stringify } = context.utils;

  if (matching !== -1) {
    return {
      pass: true,
      message: () => {
        const comparison = comparisons[matching] as ErrorContextComparison;
        const sameAsExpected = stringify(comparison.receivedSubset) === stringify(expected);
        return (
          `${hint}\n\n` +
          (errorValue === undefined
            ? ''
            : `Received error: ${printReceived(errorValue.error)}\n` +
              `Its context:    ${describeRoute(context, contexts[matching] as ErrorContext)}\n\n`) +
          `Expected: not ${printExpected(expected)}` +
          (sameAsExpected ? '' : `\nReceived:     ${printReceived(comparison.receivedSubset)}`)
        );
      },
    };
  }

  return {
    pass: false,
    message: () => {
      if (errorValue === undefined) {
        return `${hint}\n\n${describeComparison(context, expected, comparisons[0] as ErrorContextComparison)}`;
      }
      if (contexts.length === 0) {
        return (
          `${hint}\n\n` +
          `Expected context: ${printExpected(expected)}\n` +
          `Received error:   ${printReceived(errorValue.error)}, not captured by \`integration.errors\` in this test`
        );
      }
      const received = `Received error: ${printReceived(errorValue.error)}`;
      if (contexts.length === 1) {
        return (
          `${hint}\n\n${received}\n` +
          `Its context:    ${describeRoute(context, contexts[0] as ErrorContext)}\n\n` +
          describeComparison(context, expected, comparisons[0] as ErrorContextComparison)
        );
      }
      const sections = comparisons.map(
        (comparison, index) =>
          `Context ${index + 1} of ${contexts.length}: ${describeRoute(context, contexts[index] as ErrorContext)}\n` +
          describeComparison(context, expected, comparison),
      );
      return `${hint}\n\n${received}, captured ${contexts.length} times\n\n${sections.join('\n\n')}`;
    },
  };
}

function describeRoute(context: MatcherContext, errorContext: ErrorContext): string {
  const { printReceived } = context.utils;
  return (
    `${printReceived(errorContext.source_module)} → ${printReceived(errorContext.target_module)}` +
    ` during ${printReceived(errorContext.operation)}`
  );
}

function describeComparison(
  context: MatcherContext,
  expected: Record<string, unknown>,
  comparison: ErrorContextComparison,
): string {
  const lines: string[] = [];
  if (comparison.missing.length > 0) {
    lines.push(`Missing keys:   ${comparison.missing.join(', ')}`);
  }
  if (comparison.differing.length > 0) {
    lines.push(`Differing keys: ${comparison.differing.join(', ')}`);
  }
  return `${lines.join('\n')}\n\n${context.utils.printDiffOrStringify(
    expected,
    comparison.receivedSubset,
    'Expected',
    'Received',
    context.expand !== false,
  )}`;
}

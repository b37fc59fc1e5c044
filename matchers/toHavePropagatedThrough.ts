import type { MatcherContext, MatcherFunction } from 'expect';
import { groupContextsByError } from './groupContextsByError';
import type { PropagatedError } from './groupContextsByError';
import { matcherError } from './matcherError';
import { resolveReceiver } from './resolveReceiver';

const NAME = 'toHavePropagatedThrough';

/**
 * Passes when one captured error went through these modules in this order (others may lie
 * between them): the error's path is the source of its first context, then each target,
 * following both the same thrown value and errors that wrap it as their `cause`.
 *
 * @example
 * expect(integration).toHavePropagatedThrough(['chunker.parser', 'cli.main']);
 */
export const toHavePropagatedThrough: MatcherFunction<[modules: readonly string[]]> = function (
  received,
  modules,
) {
  const hint = this.utils.matcherHint(NAME, 'received', 'expected', {
    isNot: this.isNot,
    promise: this.promise,
  });
  const errors = resolveReceiver(received, 'ErrorPropagation');
  if (errors === undefined) {
    throw matcherError(this, hint, 'received', 'be `integration` or an ErrorPropagation', received);
  }
  if (
    !Array.isArray(modules) ||
    modules.length === 0 ||
    !modules.every((module) => typeof module === 'string' && module !== '')
  ) {
    throw matcherError(this, hint, 'expected', 'be a non-empty array of module names', modules);
  }

  const propagated = groupContextsByError(errors.getErrorChain());
  const matching = propagated.filter(({ path }) => isSubsequence(modules, path));
  const expectedPath = formatPath(modules, this.utils.printExpected);

  if (matching.length > 0) {
    return {
      pass: true,
      message: () =>
        `${hint}\n\n` +
        `Expected path: not ${expectedPath}\n` +
        `Received path:     ${formatErrors(this, matching).join('\n                   ')}`,
    };
  }
  return {
    pass: false,
    message: () =>
      `${hint}\n\n` +
      `Expected path: ${expectedPath}\n` +
      (propagated.length === 0
        ? 'Received: no error was captured'
        : propagated.length === 1
          ? `Received path: ${formatErrors(this, propagated).join('')}`
          : `Received paths of ${propagated.length} errors:\n` +
            formatErrors(this, propagated)
              .map((line) => `  ${line}`)
              .join('\n')),
  };
};

function isSubsequence(wanted: readonly string[], path: readonly string[]): boolean {
  let next = 0;
  for (const module of path) {
    if (module === wanted[next]) {
      next += 1;
    }
  }
  return next === wanted.length;
}

function formatPath(modules: readonly string[], print: (value: unknown) => string): string {
  return modules.map((module) => print(module)).join(' → ');
}

function formatErrors(context: MatcherContext, propagated: PropagatedError[]): string[] {
  const { printReceived } = context.utils;
  return propagated.map(
    ({ error, path }) => `${formatPath(path, printReceived)}  (${printReceived(error)})`,
  );
}

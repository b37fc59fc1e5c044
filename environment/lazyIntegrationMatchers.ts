import type { IntegrationMatchersOptions } from '../matchers/createIntegrationMatchers';
import type * as CreateIntegrationMatchersModule from '../matchers/createIntegrationMatchers';
import { INTEGRATION_MATCHER_NAMES } from '../matchers/matcherNames';
import type { IntegrationMatcherName } from '../matchers/matcherNames';

type IntegrationMatchers = ReturnType<
  typeof CreateIntegrationMatchersModule.createIntegrationMatchers
>;
type Matcher = (this: unknown, ...args: unknown[]) => unknown;

/**
 * The matchers for `expect.extend`, each loading the matchers the first time any of them
 * is called. The environment registers them in every test file, and loading the matchers
 * (their messages, comparisons and formatting) costs each Jest worker milliseconds that a
 * suite which never calls them would pay for nothing.
 *
 * @example
 * expect.extend(createLazyIntegrationMatchers({ currentHandle: () => lifecycle.handle }));
 */
export function createLazyIntegrationMatchers(
  options: IntegrationMatchersOptions,
): IntegrationMatchers {
  let loaded: Record<IntegrationMatcherName, Matcher> | undefined;
  const load = (): Record<IntegrationMatcherName, Matcher> => {
    loaded ??= loadCreateIntegrationMatchers()(options) as unknown as Record<
      IntegrationMatcherName,
      Matcher
    >;
    return loaded;
  };
  const matchers = {} as Record<IntegrationMatcherName, Matcher>;
  for (const name of INTEGRATION_MATCHER_NAMES) {
    matchers[name] = function (this: unknown, ...args: unknown[]): unknown {
      return load()[name].apply(this, args);
    };
  }
  return matchers as unknown as IntegrationMatchers;
}

function loadCreateIntegrationMatchers(): typeof CreateIntegrationMatchersModule.createIntegrationMatchers {
  const loaded =
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy
    require('../matchers/createIntegrationMatchers') as typeof CreateIntegrationMatchersModule;
  return loaded.createIntegrationMatchers;
}

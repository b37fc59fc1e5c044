import { describeValue } from '../src/describeValue';
import { IntegrationError } from '../src/IntegrationError';
import { createIntegrationMatchers } from './createIntegrationMatchers';
import type { IntegrationMatchersOptions } from './createIntegrationMatchers';

/**
 * Extends a Jest `expect` with the matchers; refuses anything that has no `extend`, such
 * as the `undefined` a setup file finds when it runs before Jest's `expect` exists.
 *
 * @throws IntegrationError `INVALID_STATE` when `expect` cannot be extended.
 * @example
 * registerIntegrationMatchers(environment.global.expect, { currentHandle: () => handle });
 */
export function registerIntegrationMatchers(
  expect: unknown,
  options?: IntegrationMatchersOptions,
): void {
  const extend: unknown =
    (typeof expect === 'function' || typeof expect === 'object') && expect !== null
      ? (expect as { extend?: unknown }).extend
      : undefined;
  if (typeof extend !== 'function') {
    throw new IntegrationError(
      'INVALID_STATE',
      `jest-environment-integration/matchers: Jest's \`expect\` was not found (received ${describeValue(expect)}). ` +
        'Load this module from `setupFilesAfterEnv` in your Jest configuration, not from `setupFiles` or outside Jest, ' +
        'or call `expect.extend(createIntegrationMatchers())` yourself.',
      { received: expect },
    );
  }
  extend.call(expect, createIntegrationMatchers(options));
}

import type { IntegrationHandle } from '../src/IntegrationHandle';
import { currentHandleFromGlobal } from './currentHandleFromGlobal';
import type { IntegrationMatcherName } from './matcherNames';
import { createToCarryErrorContext } from './toCarryErrorContext';
import { toHaveNoLeakedResources } from './toHaveNoLeakedResources';
import { toHavePropagatedThrough } from './toHavePropagatedThrough';
import { toHaveRecordedConfigChange } from './toHaveRecordedConfigChange';
import { toHaveReleasedResource } from './toHaveReleasedResource';

/** How `createIntegrationMatchers` finds the current test's state. */
export interface IntegrationMatchersOptions {
  /**
   * Returns the current test's `integration` handle, which `toCarryErrorContext` reads when
   * it receives an error value. Defaults to the handle the environment publishes on the
   * global object of the realm these matchers were loaded in.
   */
  currentHandle?: () => IntegrationHandle | undefined;
}

/**
 * The matchers, ready for `expect.extend`. The environment registers them by itself; use
 * this (or the `jest-environment-integration/matchers` entry) with another environment.
 *
 * @example
 * import { expect } from '@jest/globals';
 * import { createIntegrationMatchers } from 'jest-environment-integration/matchers';
 * expect.extend(createIntegrationMatchers());
 */
export function createIntegrationMatchers(options: IntegrationMatchersOptions = {}) {
  return {
    toHaveNoLeakedResources,
    toHaveReleasedResource,
    toCarryErrorContext: createToCarryErrorContext(
      options.currentHandle ?? currentHandleFromGlobal,
    ),
    toHavePropagatedThrough,
    toHaveRecordedConfigChange,
  } satisfies Record<IntegrationMatcherName, unknown>;
}

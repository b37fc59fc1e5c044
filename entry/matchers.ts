/**
 * `jest-environment-integration/matchers`: registers the matchers on Jest's `expect` for
 * suites that run another environment (jsdom, node), and exports them with their types.
 *
 * @example
 * // jest.config.ts
 * export default { setupFilesAfterEnv: ['jest-environment-integration/matchers'] };
 *
 * // or, in a setup file of your own:
 * import { expect } from '@jest/globals';
 * import { createIntegrationMatchers } from 'jest-environment-integration/matchers';
 * expect.extend(createIntegrationMatchers());
 */
import { registerIntegrationMatchers } from '../matchers/registerIntegrationMatchers';

export * from '../matchers/index';

registerIntegrationMatchers(findExpect());

function findExpect(): unknown {
  const globalExpect = (globalThis as { expect?: unknown }).expect;
  if (globalExpect !== undefined) {
    return globalExpect;
  }
  // With `injectGlobals: false` there is no global `expect`, but Jest's module registry
  // still serves `@jest/globals` to setup files.
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- only Jest's registry can answer, at run time
    return (require('@jest/globals') as { expect?: unknown }).expect;
  } catch {
    return undefined;
  }
}

import { BRAND, STATE_KEY, brandOf } from '../src/brand';
import type { ConfigChangeObserver } from '../src/ConfigChangeObserver';
import type { ErrorPropagation } from '../src/ErrorPropagation';
import { IntegrationError } from '../src/IntegrationError';
import type { IntegrationHandle, LeakFilter } from '../src/IntegrationHandle';
import type { ResourceTracker } from '../src/ResourceTracker';

export type { IntegrationHandle, LeakFilter } from '../src/IntegrationHandle';
// Importing `integration` also brings in the matchers' typings (their `expect` augmentations).
export type { IntegrationMatchers } from '../matchers/types';

declare global {
  /**
   * The current test's state, as the environment puts it on the global object. Typed for any
   * program that includes this module, by an import or by
   * `"types": ["jest-environment-integration/globals"]` in its tsconfig.
   *
   * @example
   * test('closes its server', () => {
   *   integration.resources.adopt('api', 'tcp-server', server);
   * });
   */
  var integration: IntegrationHandle;
}

/**
 * The current test's state, typed, for test files that prefer an import to the
 * `integration` global (as `@jest/globals` is to `expect`). It is one stable object whose
 * members are looked up when read, so it can be imported once at the top of the file.
 *
 * @example
 * import { integration } from 'jest-environment-integration/globals';
 *
 * test('the cache releases its watcher on close', async () => {
 *   const cache = await openCache(dir);
 *   await cache.close();
 *   expect(integration.resources).toHaveNoLeakedResources('cache');
 * });
 */
export const integration: IntegrationHandle = Object.freeze(
  Object.create(Object.prototype, {
    [BRAND]: { value: 'IntegrationHandle' },
    [Symbol.toStringTag]: { value: 'IntegrationHandle' },
    resources: {
      enumerable: true,
      get: (): ResourceTracker => currentHandle('resources').resources,
    },
    config: {
      enumerable: true,
      get: (): ConfigChangeObserver => currentHandle('config').config,
    },
    errors: {
      enumerable: true,
      get: (): ErrorPropagation => currentHandle('errors').errors,
    },
    allowLeaks: {
      enumerable: true,
      value: function allowLeaks(filter?: LeakFilter): void {
        currentHandle('allowLeaks(filter)').allowLeaks(filter);
      },
    },
  }) as IntegrationHandle,
);

function currentHandle(member: string): IntegrationHandle {
  const handle: unknown = (globalThis as { [STATE_KEY]?: unknown })[STATE_KEY];
  if (brandOf(handle) === 'IntegrationHandle') {
    return handle as IntegrationHandle;
  }
  throw new IntegrationError(
    'INVALID_STATE',
    `integration.${member}: this test does not run in jest-environment-integration, so there is no per-test state to read. Set \`testEnvironment: 'integration'\` in the Jest config (or \`@jest-environment integration\` in this file's docblock); with another environment, wrap it with withIntegration(Environment).`,
  );
}

import { STATE_KEY } from '../src/brand';
import type { IntegrationHandle } from '../src/IntegrationHandle';

/**
 * The `integration` handle the environment published on this realm's global object, or
 * `undefined` outside the environment. The default way for `toCarryErrorContext` to find
 * the current test's captured errors when the matchers are loaded inside the test realm.
 */
export function currentHandleFromGlobal(): IntegrationHandle | undefined {
  return (globalThis as { [STATE_KEY]?: IntegrationHandle })[STATE_KEY];
}

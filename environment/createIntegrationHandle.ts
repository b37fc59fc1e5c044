import { BRAND } from '../src/brand';
import type { ConfigChangeObserver } from '../src/ConfigChangeObserver';
import type { ErrorPropagation } from '../src/ErrorPropagation';
import type { IntegrationHandle, LeakFilter } from '../src/IntegrationHandle';
import type { ResourceTracker } from '../src/ResourceTracker';
import type { IntegrationScope } from './IntegrationScope';
import { compileLeakFilter } from './leakFilter';

/**
 * The one `integration` object of a test file: every member is read from the scope that is
 * running at the time of the read, so the object can be kept (or imported) once and still
 * be "this test's" state in every test.
 *
 * @param currentScope - the running scope; throws when there is none (after teardown)
 */
export function createIntegrationHandle(currentScope: () => IntegrationScope): IntegrationHandle {
  return new ScopedIntegrationHandle(currentScope);
}

class ScopedIntegrationHandle implements IntegrationHandle {
  readonly #currentScope: () => IntegrationScope;

  constructor(currentScope: () => IntegrationScope) {
    this.#currentScope = currentScope;
  }

  get resources(): ResourceTracker {
    return this.#currentScope().resources;
  }

  get config(): ConfigChangeObserver {
    return this.#currentScope().config;
  }

  get errors(): ErrorPropagation {
    return this.#currentScope().errors;
  }

  allowLeaks(filter?: LeakFilter): void {
    // Compiled before the scope is read, so a malformed filter is refused with nothing changed.
    const allowed = compileLeakFilter(filter);
    this.#currentScope().allowed.push(allowed);
  }
}

Object.defineProperties(ScopedIntegrationHandle.prototype, {
  [BRAND]: { value: 'IntegrationHandle' },
  [Symbol.toStringTag]: { value: 'IntegrationHandle' },
});

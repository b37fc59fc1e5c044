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
 * @param beforeRead - brings a kind of records up to date before `errors` or `config` is read
 */
export function createIntegrationHandle(
  currentScope: () => IntegrationScope,
  beforeRead: (records: RecordKind) => void,
): IntegrationHandle {
  return new ScopedIntegrationHandle(currentScope, beforeRead);
}

/** The kinds of records a scope keeps. */
export type RecordKind = 'resources' | 'errors' | 'config';

class ScopedIntegrationHandle implements IntegrationHandle {
  readonly #currentScope: () => IntegrationScope;
  readonly #beforeRead: (records: RecordKind) => void;

  constructor(currentScope: () => IntegrationScope, beforeRead: (records: RecordKind) => void) {
    this.#currentScope = currentScope;
    this.#beforeRead = beforeRead;
  }

  get resources(): ResourceTracker {
    return this.#currentScope().resources;
  }

  // What workers sent is brought in first, as the tracker does on its reads: a child run
  // with execFileSync has its errors and config changes in as soon as the test looks.
  get config(): ConfigChangeObserver {
    const scope = this.#currentScope();
    this.#beforeRead('config');
    return scope.config;
  }

  get errors(): ErrorPropagation {
    const scope = this.#currentScope();
    this.#beforeRead('errors');
    return scope.errors;
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

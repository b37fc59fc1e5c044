import type { ResourceRecord } from './records';
import type { ResourceTracker } from './ResourceTracker';
import type { ConfigChangeObserver } from './ConfigChangeObserver';
import type { ErrorPropagation } from './ErrorPropagation';

/**
 * Which leaked resources a test may end with: records matching every given field (strings
 * are globs, e.g. `'cache.*'`), or those a predicate accepts.
 *
 * @example
 * integration.allowLeaks({ type: 'timer', module: 'metrics.*' });
 */
export type LeakFilter =
  | { module?: string | RegExp; type?: string | RegExp; id?: string | RegExp }
  | ((record: ResourceRecord) => boolean);

/**
 * The current test's state, as `integration` in test code: always the state of the scope
 * that is running (the test, or the `describe` block / file while its `beforeAll` and
 * `afterAll` hooks run).
 *
 * @example
 * import { integration } from 'jest-environment-integration/globals';
 * integration.resources.trackResource('cache', 'temp-dir', dir);
 */
export interface IntegrationHandle {
  readonly resources: ResourceTracker;
  readonly config: ConfigChangeObserver;
  readonly errors: ErrorPropagation;
  /** This test may end with resources still open: all of them, or those matching `filter`. */
  allowLeaks(filter?: LeakFilter): void;
}

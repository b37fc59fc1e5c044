import type { ConfigChangeObserver } from '../src/ConfigChangeObserver';
import type { ErrorPropagation } from '../src/ErrorPropagation';
import type { ResourceTracker } from '../src/ResourceTracker';
import type { RecordPredicate } from './leakFilter';
import type { LeakScope } from './leakReport';

/**
 * The state of one scope of a test file: the file itself, a `describe` block (what its
 * `beforeAll` hooks open), or a test (what it and its `beforeEach`/`afterEach` hooks open).
 * `integration` points at the innermost running one.
 */
export interface IntegrationScope {
  readonly kind: LeakScope;
  /** The test's full name (`describe › test`), the describe block's path, or the file path. */
  readonly name: string;
  readonly resources: ResourceTracker;
  readonly config: ConfigChangeObserver;
  readonly errors: ErrorPropagation;
  /** What `integration.allowLeaks(...)` allowed in this scope. */
  readonly allowed: RecordPredicate[];
}

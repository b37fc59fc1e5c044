/**
 * Marks this package's objects so that they are recognised across realms and across
 * copies of the package: the environment's copy lives outside the test's `vm` context,
 * while a test that imports the package gets another copy inside it, so `instanceof`
 * cannot be trusted.
 */
export const BRAND = Symbol.for('jest-environment-integration.kind');

export type BrandKind =
  | 'ResourceTracker'
  | 'ConfigChangeObserver'
  | 'ErrorPropagation'
  | 'IntegrationHandle'
  | 'IntegrationReporter'
  | 'WorkerIntegration';

export function brandOf(value: unknown): BrandKind | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    return undefined;
  }
  try {
    const kind = (value as { [BRAND]?: unknown })[BRAND];
    return typeof kind === 'string' ? (kind as BrandKind) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the environment keeps the current `integration` handle on the test's global
 * object, for `jest-environment-integration/globals` and the matchers to find.
 */
export const STATE_KEY = Symbol.for('jest-environment-integration.state');

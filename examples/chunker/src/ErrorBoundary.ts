/**
 * Where one module's call into another can be observed: every cross-module call inside the
 * chunker goes through `boundary(source, target, fn)`, which must run `fn` and return its
 * result or rethrow what it threw, unchanged. Production code uses `passThrough`; a test
 * passes `integration.errors` from jest-environment-integration, which records each error
 * that crosses, with where it came from and where it went.
 *
 * @example
 * const chunker = await Chunker.open(config, { errors: integration.errors });
 */
export interface ErrorBoundary {
  boundary<T>(source: string, target: string, fn: () => T, options?: { operation?: string }): T;
}

/** The boundary that observes nothing: runs `fn`. */
export const passThrough: ErrorBoundary = {
  boundary: (_source, _target, fn) => fn(),
};

import type { ErrorContext } from '../src/records';

/**
 * What `expect.any(String)`, `expect.stringContaining(...)` and the other asymmetric
 * matchers are, in either flavour of Jest's typings; also what the asymmetric forms of
 * this package's matchers (`expect.toCarryErrorContext(...)`) return.
 */
export interface AsymmetricMatcherLike {
  asymmetricMatch(other: unknown): boolean;
}

/**
 * The keys `toCarryErrorContext` checks: any subset of an `ErrorContext`, each value
 * literal or an asymmetric matcher. `context_data` is matched like `toMatchObject` (it
 * always holds more than a test writes); `timestamp` is only checked for presence.
 *
 * @example
 * const expected: ExpectedErrorContext = {
 *   source_module: 'chunker.parser',
 *   error_message: expect.stringContaining('token'),
 *   context_data: { file: 'a.ts' },
 * };
 */
export type ExpectedErrorContext = {
  [Key in keyof ErrorContext]?: ErrorContext[Key] | AsymmetricMatcherLike;
};

/**
 * What `toHaveRecordedConfigChange` checks of a change, besides its path. Each key is
 * checked only when given: `from: undefined` means the key was added, `to: undefined`
 * that it was deleted.
 *
 * @example
 * const expected: ExpectedConfigChange = { from: 100, to: expect.any(Number), affecting: ['chunker.parser'] };
 */
export interface ExpectedConfigChange {
  /** The old value (`old_value`); equality as `toEqual`, asymmetric matchers honoured. */
  from?: unknown;
  /** The new value (`new_value`); equality as `toEqual`, asymmetric matchers honoured. */
  to?: unknown;
  /** Modules that must all be among the change's `affected_modules` (others may be too). */
  affecting?: readonly string[];
}

/**
 * The matchers of `jest-environment-integration`, for `expect(...)` (where `R` is what a
 * matcher returns: `void`, or a promise after `.resolves`/`.rejects`) and, as asymmetric
 * matchers, for `expect.<matcher>(...)` inside `toEqual`, `objectContaining` and friends.
 */
export interface IntegrationMatchers<R = unknown> {
  /**
   * Passes when `integration` (or a `ResourceTracker`) has no active resource, or none
   * owned by `module`. A failure lists every leaked resource: its type, id, owner, how
   * long it has been open and where it was created.
   *
   * @param module - only check the resources this module owns, e.g. `'cache'`
   * @example
   * await cache.close();
   * expect(integration).toHaveNoLeakedResources();
   * expect(integration.resources).toHaveNoLeakedResources('cache');
   */
  toHaveNoLeakedResources(module?: string): R;

  /**
   * Passes when the resource with this id was tracked by `integration` (or a
   * `ResourceTracker`) and is now released.
   *
   * @param id - the resource's `resource_id`
   * @example
   * resources.trackResource('cache', 'temp-dir', dir);
   * await cache.close();
   * expect(integration).toHaveReleasedResource(dir);
   */
  toHaveReleasedResource(id: string): R;

  /**
   * Passes when an `ErrorContext`, or an error captured in the current test (found among
   * `integration.errors.getErrorChain()` by identity), has every expected key with an
   * equal value. Asymmetric matchers are honoured; `context_data` is matched like
   * `toMatchObject`; `timestamp` only has to be present.
   *
   * @param expected - the keys to check, e.g. `{ source_module: 'chunker.parser' }`
   * @example
   * const error = await load('bad.ts').catch((thrown: unknown) => thrown);
   * expect(error).toCarryErrorContext({
   *   source_module: 'chunker.parser',
   *   target_module: 'cli.main',
   *   error_type: 'SyntaxError',
   * });
   */
  toCarryErrorContext(expected: ExpectedErrorContext): R;

  /**
   * Passes when one error captured by `integration` (or an `ErrorPropagation`) went
   * through these modules in this order, others possibly between them. An error's path
   * is the source of its first captured context, then each target; a wrapping error
   * (`new Error('...', { cause })`) continues the path of its cause.
   *
   * @param modules - module names in propagation order, at least one
   * @example
   * expect(integration).toHavePropagatedThrough(['chunker.parser', 'chunker.loader', 'cli.main']);
   */
  toHavePropagatedThrough(modules: readonly string[]): R;

  /**
   * Passes when `integration` (or a `ConfigChangeObserver`) recorded a change at exactly
   * this path with these values, affecting at least these modules.
   *
   * @param path - the dotted config path, e.g. `'parser.timeout_ms'` or `'env.CACHE_DIR'`
   * @param expected - `from`, `to` and `affecting`, each checked only when given
   * @example
   * process.env.CACHE_DIR = '/tmp/cache';
   * expect(integration).toHaveRecordedConfigChange('env.CACHE_DIR', { to: '/tmp/cache' });
   * expect(integration).toHaveRecordedConfigChange('parser.timeout_ms', {
   *   from: 100,
   *   to: expect.any(Number),
   *   affecting: ['chunker.parser'],
   * });
   */
  toHaveRecordedConfigChange(path: string, expected?: ExpectedConfigChange): R;
}

/* eslint-disable @typescript-eslint/no-empty-object-type -- merging: these interfaces only add our members */

// `expect`'s own typings: `import { expect } from '@jest/globals'` (its `Matchers` are these).
declare module 'expect' {
  interface Matchers<R> extends IntegrationMatchers<R> {}
  interface AsymmetricMatchers extends IntegrationMatchers<AsymmetricMatcherLike> {}
}

// `@types/jest`'s globals. Without `@types/jest` this declares a harmless, type-only namespace.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- `jest` is @types/jest's namespace
  namespace jest {
    interface Matchers<R> extends IntegrationMatchers<R> {}
    interface Expect extends IntegrationMatchers<AsymmetricMatcherLike> {}
    interface InverseAsymmetricMatchers extends IntegrationMatchers<AsymmetricMatcherLike> {}
  }
}

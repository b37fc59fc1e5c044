/**
 * What this package reads of an asymmetric matcher (`expect.any(String)`,
 * `expect.stringContaining('x')`, `expect.objectContaining({...})`, or a user's own). `src`
 * knows nothing of Jest, so matchers are recognised by shape, as Jest's own `equals` does.
 */
export interface AsymmetricMatcherLike {
  asymmetricMatch(other: unknown): boolean;
  /** Jest's short description, e.g. `'Any<String>'`. */
  toAsymmetricMatcher?(): string;
  /** What `expect.objectContaining(sample)` and friends were given. */
  sample?: unknown;
}

/**
 * Recognises an asymmetric matcher by its `asymmetricMatch` method. Never throws.
 *
 * @example
 * isAsymmetricMatcher(expect.any(String)); // true
 * isAsymmetricMatcher({ asymmetricMatch: (other) => other === 1 }); // true
 * isAsymmetricMatcher('x'); // false
 */
export function isAsymmetricMatcher(value: unknown): value is AsymmetricMatcherLike {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    return false;
  }
  try {
    return typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function';
  } catch {
    return false;
  }
}

import { isDeepStrictEqual, types } from 'node:util';
import { isAsymmetricMatcher } from './isAsymmetricMatcher';
import { isErrorLike } from './isErrorLike';

/** How {@link equalsWithMatchers} compares objects. */
export interface EqualityOptions {
  /**
   * Compare like `toMatchObject`: a received object may have keys that the expected one
   * does not (at every depth); arrays still need the same length.
   */
  subset?: boolean;
}

/**
 * Deep equality in which `expected` may hold asymmetric matchers at any depth
 * (`expect.any(String)`, `{ file: expect.stringContaining('.ts') }`): each is asked with its
 * `asymmetricMatch`. Arrays and plain objects (of any realm) are compared key by key, their
 * own enumerable keys and nothing else; two errors by `name`, `message` and `cause` (also
 * across realms); anything else with `util.isDeepStrictEqual`. Never throws: a getter, proxy
 * trap or matcher that throws makes the values differ.
 *
 * @example
 * equalsWithMatchers({ file: expect.stringContaining('.ts') }, { file: 'a.ts' }); // true
 * equalsWithMatchers({ a: 1 }, { a: 1, b: 2 }, { subset: true }); // true
 */
export function equalsWithMatchers(
  expected: unknown,
  received: unknown,
  options: EqualityOptions = {},
): boolean {
  return equals(expected, received, options.subset === true, []);
}

type Pair = [expected: object, received: object];

function equals(expected: unknown, received: unknown, subset: boolean, visiting: Pair[]): boolean {
  if (isAsymmetricMatcher(expected)) {
    try {
      return Boolean(expected.asymmetricMatch(received));
    } catch {
      return false;
    }
  }
  if (Object.is(expected, received)) {
    return true;
  }
  if (typeof expected !== 'object' || expected === null) {
    return false;
  }
  if (typeof received !== 'object' || received === null) {
    return false;
  }
  // Met this pair already further up: assume equal, the rest of the comparison decides.
  if (visiting.some(([e, r]) => e === expected && r === received)) {
    return true;
  }
  visiting.push([expected, received]);
  try {
    return equalObjects(expected, received, subset, visiting);
  } catch {
    return false;
  } finally {
    visiting.pop();
  }
}

function equalObjects(
  expected: object,
  received: object,
  subset: boolean,
  visiting: Pair[],
): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(received) &&
      received.length === expected.length &&
      expected.every((item, index) => equals(item, received[index], subset, visiting))
    );
  }
  if (types.isNativeError(expected)) {
    return (
      isErrorLike(received) &&
      equals(expected.name, received.name, subset, visiting) &&
      equals(expected.message, received.message, subset, visiting) &&
      (!('cause' in expected) || equals(expected.cause, received.cause, subset, visiting))
    );
  }
  if (isPlainObject(expected)) {
    if (Array.isArray(received)) {
      return false;
    }
    const expectedKeys = Object.keys(expected);
    if (!subset && !sameKeys(expectedKeys, Object.keys(received))) {
      return false;
    }
    const receivedRecord = received as Record<string, unknown>;
    return expectedKeys.every(
      (key) =>
        key in received &&
        equals((expected as Record<string, unknown>)[key], receivedRecord[key], subset, visiting),
    );
  }
  return isDeepStrictEqual(expected, received);
}

/** A plain object of any realm: its prototype is some realm's `Object.prototype`, or null. */
function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

function sameKeys(expectedKeys: string[], receivedKeys: string[]): boolean {
  if (expectedKeys.length !== receivedKeys.length) {
    return false;
  }
  const received = new Set(receivedKeys);
  return expectedKeys.every((key) => received.has(key));
}

import { isErrorLike } from './isErrorLike';

/**
 * The type of a thrown value, as an `ErrorContext` names it: for an error its `name` when
 * that says more than `'Error'` (`'TypeError'`, `'ValueError'`), else its class name (a
 * subclass that never set `name`), else `'Error'`; `'null'` for `null`; the `typeof` of
 * other primitives (`'string'`, `'number'`, `'undefined'`); the class name of any other
 * object, or `'Object'`. Never throws, whatever getters or proxy traps the value has.
 *
 * @example
 * errorTypeOf(new TypeError('x')); // 'TypeError'
 * errorTypeOf(new (class ParseFailure extends Error {})()); // 'ParseFailure'
 * errorTypeOf('boom'); // 'string'
 * errorTypeOf(null); // 'null'
 * errorTypeOf({ code: 'E_IO' }); // 'Object'
 */
export function errorTypeOf(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (typeof value !== 'object' && typeof value !== 'function') {
    return typeof value;
  }
  if (isErrorLike(value)) {
    const name = readSafely(() => value.name);
    if (typeof name === 'string' && name !== '' && name !== 'Error') {
      return name;
    }
    // An error that crossed a worker or process as plain data has no class of its own.
    const className = constructorNameOf(value);
    return className === undefined || className === 'Object' ? 'Error' : className;
  }
  return constructorNameOf(value) ?? 'Object';
}

function constructorNameOf(value: object): string | undefined {
  const name = readSafely(() => (value as { constructor?: { name?: unknown } }).constructor?.name);
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function readSafely(read: () => unknown): unknown {
  try {
    return read();
  } catch {
    return undefined;
  }
}

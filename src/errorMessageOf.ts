import { inspect } from 'node:util';
import { isErrorLike } from './isErrorLike';

const MAX_LENGTH = 200;

/**
 * The message of a thrown value, as an `ErrorContext` records it: an error's `message`, a
 * thrown string itself, and for anything else a one-line description of at most 200
 * characters (`'42'`, `'null'`, `"{ code: 'E_IO' }"`). Never throws: `util.inspect` neither
 * runs getters nor triggers proxy traps.
 *
 * @example
 * errorMessageOf(new RangeError('out of range')); // 'out of range'
 * errorMessageOf('boom'); // 'boom'
 * errorMessageOf(undefined); // 'undefined'
 * errorMessageOf({ code: 'E_IO' }); // "{ code: 'E_IO' }"
 */
export function errorMessageOf(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (isErrorLike(value)) {
    let message: unknown;
    try {
      message = value.message;
    } catch {
      message = undefined;
    }
    return typeof message === 'string' ? message : describeOnOneLine(message);
  }
  return describeOnOneLine(value);
}

function describeOnOneLine(value: unknown): string {
  let text: string;
  try {
    text = inspect(value, {
      depth: 2,
      breakLength: Infinity,
      maxArrayLength: 10,
      maxStringLength: MAX_LENGTH,
    });
  } catch {
    // A custom `[util.inspect.custom]` that throws.
    text = fallbackDescription(value);
  }
  // Errors nested in a value print their stacks over several lines.
  text = text.replace(/\s*\n\s*/g, ' ');
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 3)}...` : text;
}

function fallbackDescription(value: unknown): string {
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return '[unreadable value]';
  }
}

import { ParseError } from '../parser/ParseError';
import { ParseTimeoutError } from '../parser/ParseTimeoutError';
import type { SerializedFailure } from './workerProtocol';

/**
 * Rebuilds an error that crossed from a worker: a `ParseError` is a `ParseError` again, with
 * its fields, its cause chain, and the worker's stack (which tells where parsing failed).
 */
export function reviveFailure(failure: SerializedFailure): Error {
  const cause =
    failure.cause === undefined
      ? undefined
      : 'thrown' in failure.cause
        ? failure.cause.thrown
        : reviveFailure(failure.cause);
  const { fields } = failure;
  const file = typeof fields.file === 'string' ? fields.file : '<unknown>';
  const line = typeof fields.line === 'number' ? fields.line : undefined;
  const operation = typeof fields.operation === 'string' ? fields.operation : undefined;
  let error: Error;
  if (failure.name === 'ParseTimeoutError' && typeof fields.timeoutMs === 'number') {
    error = new ParseTimeoutError({ file, timeoutMs: fields.timeoutMs, line, operation });
  } else if (failure.name === 'ParseError') {
    error = new ParseError(failure.message, {
      file,
      line,
      operation,
      ...(failure.cause === undefined ? {} : { cause }),
    });
  } else {
    error = new Error(failure.message, failure.cause === undefined ? undefined : { cause });
    error.name = failure.name;
    Object.assign(error, fields);
  }
  if (failure.stack !== undefined) {
    error.stack = failure.stack;
  }
  return error;
}

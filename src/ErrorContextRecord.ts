import type { ErrorContext } from './records';
import { serializeError, toJSONSafe } from './toJSONSafe';

/** The data of an `ErrorContext`, in the order of the standard format. */
export type ErrorContextData = Pick<ErrorContext, keyof ErrorContext>;

/**
 * An `ErrorContext` as `ErrorPropagation` returns it: its own keys are exactly the eight of
 * the standard format, in order, and `JSON.stringify` writes `original_error` as
 * `{name, message, stack, cause}` and never throws, whatever was thrown or put in
 * `context_data`.
 *
 * @example
 * const context = errors.captureCrossModuleError('chunker.parser', 'cli.main', new TypeError('x'));
 * Object.keys(context); // ['source_module', 'target_module', 'operation', 'original_error', ...]
 * JSON.parse(JSON.stringify(context)).original_error; // { name: 'TypeError', message: 'x', ... }
 */
export class ErrorContextRecord implements ErrorContext {
  source_module: string;
  target_module: string;
  operation: string;
  original_error: unknown;
  error_type: string;
  error_message: string;
  timestamp: number;
  context_data: Record<string, unknown>;

  constructor(data: ErrorContextData) {
    this.source_module = data.source_module;
    this.target_module = data.target_module;
    this.operation = data.operation;
    this.original_error = data.original_error;
    this.error_type = data.error_type;
    this.error_message = data.error_message;
    this.timestamp = data.timestamp;
    this.context_data = data.context_data;
  }

  /** A JSON-safe copy in the standard format; `JSON.stringify` calls it. */
  toJSON(): Record<keyof ErrorContext, unknown> {
    return {
      source_module: toJSONSafe(this.source_module),
      target_module: toJSONSafe(this.target_module),
      operation: toJSONSafe(this.operation),
      original_error: serializeError(this.original_error),
      error_type: toJSONSafe(this.error_type),
      error_message: toJSONSafe(this.error_message),
      timestamp: toJSONSafe(this.timestamp),
      context_data: toJSONSafe(this.context_data),
    };
  }
}

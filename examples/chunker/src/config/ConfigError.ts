import { ChunkerError } from '../ChunkerError';

/**
 * A setting refused because its value is invalid, or its path unknown. A refused change
 * changes nothing.
 *
 * @example
 * await config.set('parser.timeout_ms', -1); // ConfigError: parser.timeout_ms must be a positive integer, but received -1
 */
export class ConfigError extends ChunkerError {
  readonly path: string;
  readonly value: unknown;

  constructor(message: string, details: { path: string; value: unknown; operation?: string }) {
    super(message, { module: 'chunker.config', operation: details.operation ?? 'set' });
    this.path = details.path;
    this.value = details.value;
  }
}

import { ChunkerError } from '../ChunkerError';

/**
 * The command line is wrong: exit code 1 and the usage text.
 *
 * @example
 * new UsageError('export needs --out <file>');
 */
export class UsageError extends ChunkerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { module: 'chunker.cli', operation: 'parse-arguments' }, options);
  }
}

import { ChunkerError } from '../ChunkerError';

/**
 * The cache could not open, read, write or watch its directory; `cause` holds the
 * file-system error.
 *
 * @example
 * new CacheError('cannot watch /tmp/cache', { dir: '/tmp/cache', operation: 'watch', cause: error });
 */
export class CacheError extends ChunkerError {
  readonly dir: string;

  constructor(message: string, details: { dir: string; operation: string; cause?: unknown }) {
    super(
      message,
      { module: 'chunker.cache', operation: details.operation },
      'cause' in details ? { cause: details.cause } : undefined,
    );
    this.dir = details.dir;
  }
}

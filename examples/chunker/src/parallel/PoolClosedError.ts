import { ChunkerError } from '../ChunkerError';

/**
 * The pool was closed before the file was parsed.
 *
 * @example
 * const pending = pool.parse('a.ts');
 * await pool.close();
 * await pending; // PoolClosedError: the parser pool closed before src/a.ts was parsed
 */
export class PoolClosedError extends ChunkerError {
  readonly file: string;

  constructor(file: string) {
    super(`the parser pool closed before ${file} was parsed`, {
      module: 'chunker.parallel',
      operation: 'parse-in-worker',
    });
    this.file = file;
  }
}

import { ChunkerError } from '../ChunkerError';

/**
 * A source file that cannot be split into chunks: unreadable, too large, binary, or with
 * unbalanced braces. `cause` holds the underlying error when there is one.
 *
 * @example
 * new ParseError('cannot read src/a.ts', { file: 'src/a.ts', cause: enoentError });
 */
export class ParseError extends ChunkerError {
  readonly file: string;
  /** The line where parsing stopped, from 1, when it is known. */
  readonly line: number | undefined;

  constructor(
    message: string,
    details: { file: string; line?: number; cause?: unknown; operation?: string },
  ) {
    super(
      message,
      { module: 'chunker.parser', operation: details.operation ?? 'parse' },
      'cause' in details ? { cause: details.cause } : undefined,
    );
    this.file = details.file;
    this.line = details.line;
  }

  /** The file is larger than `parser.max_file_bytes`. */
  static tooLarge(file: string, bytes: number, maxFileBytes: number): ParseError {
    return new ParseError(`${file} is ${bytes} bytes, over the limit of ${maxFileBytes}`, {
      file,
      cause: new RangeError(`parser.max_file_bytes is ${maxFileBytes}`),
    });
  }
}

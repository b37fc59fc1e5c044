/**
 * The base of every error the chunker throws: each says which module raised it and which
 * operation failed, so that an error printed by the CLI, or caught three modules away,
 * still tells where it started.
 *
 * @example
 * throw new ParseError('unclosed { opened at line 3', { file: 'a.ts', line: 3 });
 */
export class ChunkerError extends Error {
  /** The module that raised it, e.g. `'chunker.parser'`. */
  readonly module: string;
  /** The operation that failed, e.g. `'parse'`. */
  readonly operation: string;

  constructor(
    message: string,
    where: { module: string; operation: string },
    options?: { cause?: unknown },
  ) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.module = where.module;
    this.operation = where.operation;
  }
}

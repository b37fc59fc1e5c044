import { ChunkerError } from '../ChunkerError';

/**
 * The CLI could not write or read an export file; `cause` holds why.
 *
 * @example
 * new ExportError('cannot read out.jsonl: line 3 is not JSON', { file: 'out.jsonl', operation: 'read', cause });
 */
export class ExportError extends ChunkerError {
  readonly file: string;

  constructor(message: string, details: { file: string; operation: string; cause?: unknown }) {
    super(
      message,
      { module: 'chunker.cli', operation: details.operation },
      'cause' in details ? { cause: details.cause } : undefined,
    );
    this.file = details.file;
  }
}

import { ParseError } from './ParseError';

/**
 * Parsing took longer than `parser.timeout_ms`, in this thread or in a worker.
 *
 * @example
 * new ParseTimeoutError({ file: 'big.ts', timeoutMs: 50, line: 81920 });
 */
export class ParseTimeoutError extends ParseError {
  readonly timeoutMs: number;

  constructor(details: { file: string; timeoutMs: number; line?: number; operation?: string }) {
    const where = details.line === undefined ? '' : ` (stopped at line ${details.line})`;
    super(`parsing ${details.file} took longer than ${details.timeoutMs} ms${where}`, details);
    this.timeoutMs = details.timeoutMs;
  }
}

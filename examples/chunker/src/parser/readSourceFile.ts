import { readFile, stat } from 'node:fs/promises';
import { ParseError } from './ParseError';

/**
 * Reads a source file as text, refusing it before reading when it is larger than
 * `maxFileBytes`.
 *
 * @throws {ParseError} with the file-system error as `cause` when it cannot be read, or a
 *   `RangeError` cause when it is too large.
 * @example
 * const text = await readSourceFile('src/a.ts', 1_000_000);
 */
export async function readSourceFile(file: string, maxFileBytes: number): Promise<string> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new ParseError(`cannot read ${file}`, { file, cause: error, operation: 'read' });
  }
  if (size > maxFileBytes) {
    throw ParseError.tooLarge(file, size, maxFileBytes);
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ParseError(`cannot read ${file}`, { file, cause: error, operation: 'read' });
  }
}

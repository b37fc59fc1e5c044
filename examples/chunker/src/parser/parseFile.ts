import type { Chunk } from './Chunk';
import type { ParseOptions } from './parseSource';
import { parseSource } from './parseSource';
import { readSourceFile } from './readSourceFile';

/**
 * Reads a file and splits it into chunks, in this thread.
 *
 * @throws {ParseError} when the file cannot be read, is too large, or cannot be parsed.
 * @example
 * const chunks = await parseFile('src/a.ts', { strategy: 'functions', maxChunkLines: 40, maxFileBytes: 1e6, timeoutMs: 500 });
 */
export async function parseFile(
  file: string,
  options: Omit<ParseOptions, 'file'>,
): Promise<Chunk[]> {
  const text = await readSourceFile(file, options.maxFileBytes);
  return parseSource(text, { ...options, file });
}

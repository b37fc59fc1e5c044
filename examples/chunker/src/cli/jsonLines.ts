import { readFile, writeFile } from 'node:fs/promises';
import type { Chunk } from '../parser/Chunk';
import { ExportError } from './ExportError';

/** Writes one chunk per line, as JSON. */
export async function writeJsonLines(file: string, chunks: Chunk[]): Promise<void> {
  const text = chunks.map((chunk) => `${JSON.stringify(chunk)}\n`).join('');
  try {
    await writeFile(file, text, 'utf8');
  } catch (error) {
    throw new ExportError(`cannot write ${file}`, { file, operation: 'write', cause: error });
  }
}

/**
 * Reads chunks written by `writeJsonLines`.
 *
 * @throws {ExportError} naming the line that is not a JSON object.
 */
export async function readJsonLines(file: string): Promise<Chunk[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ExportError(`cannot read ${file}`, { file, operation: 'read', cause: error });
  }
  const chunks: Chunk[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      chunks.push(JSON.parse(line) as Chunk);
    } catch (error) {
      throw new ExportError(`cannot read ${file}: line ${index + 1} is not JSON`, {
        file,
        operation: 'read',
        cause: error,
      });
    }
  });
  return chunks;
}

import type { Chunk, ChunkKind } from '../parser/Chunk';
import { ExportError } from './ExportError';

/*
 * hyparquet and hyparquet-writer are ES modules: they are imported on first use, so that
 * the rest of the CLI (and the test suites that load it in-process) never needs them.
 */

/** Writes chunks as one Parquet row group with a column per chunk field. */
export async function writeParquet(file: string, chunks: Chunk[]): Promise<void> {
  try {
    const { parquetWriteFile } = await import('hyparquet-writer');
    parquetWriteFile({
      filename: file,
      columnData: [
        { name: 'file', type: 'STRING', data: chunks.map((chunk) => chunk.file) },
        { name: 'index', type: 'INT32', data: chunks.map((chunk) => chunk.index) },
        { name: 'kind', type: 'STRING', data: chunks.map((chunk) => chunk.kind) },
        { name: 'start_line', type: 'INT32', data: chunks.map((chunk) => chunk.start_line) },
        { name: 'end_line', type: 'INT32', data: chunks.map((chunk) => chunk.end_line) },
        { name: 'text', type: 'STRING', data: chunks.map((chunk) => chunk.text) },
      ],
      kvMetadata: [{ key: 'created_by', value: 'chunker example' }],
    });
  } catch (error) {
    throw new ExportError(`cannot write ${file} as Parquet`, {
      file,
      operation: 'write',
      cause: error,
    });
  }
}

/**
 * Reads chunks written by `writeParquet`.
 *
 * @throws {ExportError} when the file is not Parquet or lacks a chunk column.
 */
export async function readParquet(file: string): Promise<Chunk[]> {
  try {
    const { asyncBufferFromFile, parquetReadObjects } = await import('hyparquet');
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(file) });
    return rows.map((row) => ({
      file: String(row.file),
      index: Number(row.index),
      kind: String(row.kind) as ChunkKind,
      start_line: Number(row.start_line),
      end_line: Number(row.end_line),
      text: String(row.text),
    }));
  } catch (error) {
    throw new ExportError(`cannot read ${file} as Parquet`, {
      file,
      operation: 'read',
      cause: error,
    });
  }
}

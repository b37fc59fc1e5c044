/**
 * One piece of a source file. Keys are snake_case because chunks are exported as they are
 * to JSON Lines and Parquet columns.
 *
 * @example
 * { file: 'src/a.ts', index: 0, kind: 'function', start_line: 1, end_line: 12, text: 'function a() {...}' }
 */
export interface Chunk {
  file: string;
  /** Position of the chunk in its file, from 0. */
  index: number;
  /** `'function'` for a top-level declaration, `'block'` for blank-line-separated lines. */
  kind: ChunkKind;
  /** First line, from 1, inclusive. */
  start_line: number;
  /** Last line, inclusive. */
  end_line: number;
  text: string;
}

export type ChunkKind = 'block' | 'function';

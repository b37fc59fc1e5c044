import type { Chunk } from '../parser/Chunk';

/**
 * What the cache keeps for one source file, on disk as `<key>.chunks.json`. The source's
 * size and modification time tell whether the chunks are still those of the file.
 */
export interface CacheEntry {
  source_file: string;
  source_size: number;
  source_mtime_ms: number;
  chunks: Chunk[];
}

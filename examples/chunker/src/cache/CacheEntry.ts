import type { Chunk } from '../parser/Chunk';

/**
 * What the cache keeps for one source file, on disk as `<key>.chunks.json`. The source's
 * size and modification time, and the fingerprint of the settings that made the chunks,
 * tell whether the chunks are still those the file would give.
 */
export interface CacheEntry {
  source_file: string;
  source_size: number;
  source_mtime_ms: number;
  /** The caller's summary of what the chunks depend on besides the source (parser settings, plugins). */
  fingerprint: string;
  chunks: Chunk[];
}

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SplitStrategy } from '../parser/parseSource';

/**
 * Every setting of the chunker, by module. Keys are snake_case so that a dotted path
 * (`parser.timeout_ms`) reads the same here, in environment variables
 * (`CHUNKER_PARSER_TIMEOUT_MS`) and in change logs.
 *
 * @example
 * const settings = defaultSettings();
 * settings.parser.max_chunk_lines; // 40
 */
export interface ChunkerSettings {
  parser: {
    strategy: SplitStrategy;
    max_chunk_lines: number;
    max_file_bytes: number;
    timeout_ms: number;
  };
  cache: {
    enabled: boolean;
    dir: string;
  };
  parallel: {
    pool_size: number;
  };
  plugins: {
    enabled: string[];
  };
}

/** Each setting's dotted path and the type of its value. */
export interface SettingValues {
  'parser.strategy': SplitStrategy;
  'parser.max_chunk_lines': number;
  'parser.max_file_bytes': number;
  'parser.timeout_ms': number;
  'cache.enabled': boolean;
  'cache.dir': string;
  'parallel.pool_size': number;
  'plugins.enabled': string[];
}

export type SettingPath = keyof SettingValues;

/**
 * A fresh settings object with the defaults: a new object every call, so that one user's
 * changes never reach another's.
 */
export function defaultSettings(): ChunkerSettings {
  return {
    parser: {
      strategy: 'functions',
      max_chunk_lines: 40,
      max_file_bytes: 1_000_000,
      timeout_ms: 2_000,
    },
    cache: {
      enabled: false,
      dir: join(tmpdir(), 'chunker-cache'),
    },
    parallel: {
      pool_size: 2,
    },
    plugins: {
      enabled: [],
    },
  };
}

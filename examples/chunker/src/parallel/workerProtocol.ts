import type { Chunk } from '../parser/Chunk';
import type { ParseOptions } from '../parser/parseSource';

/** What the pool hands a worker when it starts. */
export interface WorkerStart {
  /** A module exporting `parseSource(text, options)`, used instead of the built-in parser. */
  parserModule: string | undefined;
}

/** A file to parse; `text` is read from `file` when absent. */
export interface ParseJob {
  id: number;
  file: string;
  text: string | undefined;
  options: Omit<ParseOptions, 'file' | 'now'>;
}

/** An error as it crosses the thread boundary: structured clone would lose its class and fields. */
export interface SerializedFailure {
  name: string;
  message: string;
  stack: string | undefined;
  /** The own enumerable fields of the error (`file`, `line`, `timeoutMs`, `code`, ...). */
  fields: Record<string, unknown>;
  cause: SerializedFailure | { thrown: unknown } | undefined;
}

/** What a worker sends back. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'done'; id: number; chunks: Chunk[] }
  | { type: 'failed'; id: number; error: SerializedFailure };

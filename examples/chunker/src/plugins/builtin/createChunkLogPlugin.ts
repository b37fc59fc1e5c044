import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { ChunkerPlugin } from '../ChunkerPlugin';

/**
 * Appends one line per chunk (`file:start-end kind`) to a log file: a plugin that holds an
 * open file handle, flushed and closed on dispose.
 *
 * @example
 * plugins.load(createChunkLogPlugin({ file: 'chunks.log' }));
 */
export function createChunkLogPlugin(options: { file: string }): ChunkerPlugin {
  let handle: FileHandle | undefined;
  let writes: Promise<unknown> = Promise.resolve();
  return {
    name: 'chunk-log',
    async activate(context) {
      handle = context.own(await open(options.file, 'a'));
    },
    transform(chunk) {
      const target = handle;
      if (target) {
        const line = `${chunk.file}:${chunk.start_line}-${chunk.end_line} ${chunk.kind}\n`;
        writes = writes.then(() => target.appendFile(line));
      }
      return chunk;
    },
    async dispose() {
      await writes;
      handle = undefined;
    },
  };
}

import type { ChunkerPlugin } from '../ChunkerPlugin';

/**
 * Drops a chunk whose text was already seen (licence headers, repeated boilerplate). Holds
 * no resources.
 *
 * @example
 * plugins.load(createDedupePlugin());
 */
export function createDedupePlugin(): ChunkerPlugin {
  const seen = new Set<string>();
  return {
    name: 'dedupe',
    transform: (chunk) => {
      if (seen.has(chunk.text)) {
        return null;
      }
      seen.add(chunk.text);
      return chunk;
    },
    dispose: () => seen.clear(),
  };
}

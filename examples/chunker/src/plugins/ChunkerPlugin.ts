import type { Chunk } from '../parser/Chunk';
import type { PluginContext } from './PluginContext';

/**
 * A plugin: sees every chunk after parsing, and may open resources while active. Every
 * hook is optional; a hook that throws (or rejects) fails only this plugin.
 *
 * @example
 * const upperCase: ChunkerPlugin = {
 *   name: 'upper-case',
 *   transform: (chunk) => ({ ...chunk, text: chunk.text.toUpperCase() }),
 * };
 */
export interface ChunkerPlugin {
  readonly name: string;
  /** Opens what the plugin needs; register it with `context.own` so it is released on dispose. */
  activate?(context: PluginContext): void | Promise<void>;
  /** Returns the chunk (changed or not), or `null` to drop it. */
  transform?(chunk: Chunk): Chunk | null;
  /** Runs before the resources registered with `context.own` are released. */
  dispose?(): void | Promise<void>;
}

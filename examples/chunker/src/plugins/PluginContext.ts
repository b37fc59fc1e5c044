import type { ChunkerConfig } from '../config/ChunkerConfig';

/** Something a plugin opened: an object with `close`, `dispose`, `destroy` or `terminate`, or a function that releases it. */
export type Releasable =
  | { close(): unknown }
  | { dispose(): unknown }
  | { destroy(): unknown }
  | { terminate(): unknown }
  | (() => unknown);

/**
 * What a plugin receives on activation.
 *
 * @example
 * activate(context) {
 *   const timer = context.own(setInterval(flush, 1000).unref() as never);
 * }
 */
export interface PluginContext {
  readonly name: string;
  readonly config: ChunkerConfig;
  /**
   * Registers a resource to release when the plugin is disposed (or fails), after its own
   * `dispose`, last registered first. Returns the resource.
   */
  own<T extends Releasable>(resource: T): T;
}

import { ChunkerError } from '../ChunkerError';

/** The lifecycle step a plugin failed in. */
export type PluginPhase = 'load' | 'activate' | 'transform' | 'dispose';

/**
 * A plugin failed; `cause` holds what it threw (which may be any value: a string, `null`).
 * The manager records it, isolates the plugin, and keeps the others running.
 *
 * @example
 * // PluginError: plugin "stats" failed to activate: listen EADDRINUSE 127.0.0.1:8080
 */
export class PluginError extends ChunkerError {
  readonly plugin: string;
  readonly phase: PluginPhase;

  constructor(plugin: string, phase: PluginPhase, cause: unknown) {
    super(
      `plugin ${JSON.stringify(plugin)} failed to ${phase}: ${describe(cause)}`,
      { module: 'chunker.plugins', operation: phase },
      { cause },
    );
    this.plugin = plugin;
    this.phase = phase;
  }
}

function describe(thrown: unknown): string {
  if (typeof thrown === 'object' && thrown !== null && 'message' in thrown) {
    return String((thrown as { message: unknown }).message);
  }
  return `it threw ${typeof thrown === 'string' ? JSON.stringify(thrown) : String(thrown)}`;
}

/**
 * The three standard records. They are an interchange format shared with the same
 * framework in other languages: keys are exactly as written, in snake_case, and every
 * record serialises to JSON without throwing (see `toJSONSafe`).
 */

/**
 * An error that crossed a module boundary, with where it came from and where it went.
 *
 * @example
 * const context = errors.captureCrossModuleError('chunker.parser', 'cli.main', error, {
 *   operation: 'parse',
 *   context: { file: 'a.ts' },
 * });
 * context.error_type; // 'SyntaxError'
 */
export interface ErrorContext {
  /** Origin module, e.g. `'chunker.parser'`. */
  source_module: string;
  /** Module that received the error, e.g. `'cli.main'`. */
  target_module: string;
  /** The operation that failed. */
  operation: string;
  /** What was thrown, kept as is: it may be any value. */
  original_error: unknown;
  /** `'TypeError'`, a class name, or the `typeof` of a thrown primitive (`'string'`, `'null'`). */
  error_type: string;
  error_message: string;
  /** Milliseconds since the Unix epoch, with a fraction. */
  timestamp: number;
  /** At least `stack` (parsed frames), `cause_chain` and `call_stack`, plus the caller's context. */
  context_data: Record<string, unknown>;
}

/**
 * One run-time configuration change.
 *
 * @example
 * config.onConfigChange('parser.timeout_ms', 100, 250);
 * // { config_path: 'parser.timeout_ms', old_value: 100, new_value: 250,
 * //   affected_modules: ['chunker.parser'], timestamp: 1732400000123.25 }
 */
export interface ConfigChangeEvent {
  /** Dotted path, e.g. `'parser.timeout_ms'` or `'env.CACHE_DIR'`. */
  config_path: string;
  /** `undefined` when the key was added. */
  old_value: unknown;
  /** `undefined` when the key was deleted. */
  new_value: unknown;
  affected_modules: string[];
  timestamp: number;
}

/** Whether a resource is still open. */
export type ResourceState = 'active' | 'released';

/**
 * A resource a module opened.
 *
 * @example
 * resources.trackResource('cache', 'fs-watcher', 'watch:/tmp/cache');
 * // { resource_id: 'watch:/tmp/cache', resource_type: 'fs-watcher', owner_module: 'cache',
 * //   created_at: 1732400000123.25, state: 'active', metadata: {} }
 */
export interface ResourceRecord {
  /** Unique among the active resources of one test. */
  resource_id: string;
  /** `'tcp-server'`, `'timer'`, `'worker'`, `'temp-dir'`, ... or the user's own. */
  resource_type: string;
  owner_module: string;
  created_at: number;
  state: ResourceState;
  /** For auto-tracked handles: at least the creation stack. */
  metadata: Record<string, unknown>;
  released_at?: number;
}

import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { basename, extname, resolve } from 'node:path';
import type { ChunkerConfig } from '../config/ChunkerConfig';
import type { ErrorBoundary } from '../ErrorBoundary';
import { passThrough } from '../ErrorBoundary';
import type { Chunk } from '../parser/Chunk';
import type { ChunkerPlugin } from './ChunkerPlugin';
import type { PluginContext, Releasable } from './PluginContext';
import type { PluginPhase } from './PluginError';
import { PluginError } from './PluginError';

/** Where a plugin is in its lifecycle. `failed` plugins hold no resources and see no chunks. */
export type PluginState = 'loaded' | 'active' | 'failed' | 'disposed';

interface Slot {
  name: string;
  plugin: ChunkerPlugin | undefined;
  state: PluginState;
  owned: Releasable[];
}

interface PluginManagerEvents {
  'plugin-error': [PluginError];
}

/**
 * Loads, activates and disposes plugins. A plugin that fails, in any phase, is isolated:
 * the failure is recorded (`failures`, the `plugin-error` event), what it had opened is
 * released, and the other plugins go on. Follows the `plugins.enabled` setting: a plugin
 * added to it is activated, one removed is disposed.
 *
 * @example
 * const plugins = new PluginManager(config);
 * plugins.load(createStatsServerPlugin());
 * await plugins.activate('stats');
 * const chunks = plugins.transform(parsed);
 * await plugins.close();
 */
export class PluginManager extends EventEmitter<PluginManagerEvents> {
  readonly #config: ChunkerConfig;
  readonly #errors: ErrorBoundary;
  readonly #slots = new Map<string, Slot>();
  readonly #failures: PluginError[] = [];
  readonly #pending = new Set<Promise<unknown>>();
  readonly #unsubscribe: () => void;
  #closing: Promise<void> | undefined;

  constructor(config: ChunkerConfig, options: { errors?: ErrorBoundary } = {}) {
    super();
    this.#config = config;
    this.#errors = options.errors ?? passThrough;
    this.#unsubscribe = config.subscribe('plugins.enabled', async (change) => {
      const before = new Set(change.old_value as string[]);
      const after = new Set(change.new_value as string[]);
      for (const name of before) if (!after.has(name)) await this.dispose(name);
      for (const name of after) if (!before.has(name)) await this.activate(name);
    });
  }

  /** Every failure so far, in order. */
  get failures(): readonly PluginError[] {
    return this.#failures;
  }

  /** The loaded plugins' names, in load order. */
  names(): string[] {
    return [...this.#slots.keys()];
  }

  stateOf(name: string): PluginState | undefined {
    return this.#slots.get(name)?.state;
  }

  /**
   * Adds a plugin: an object, or the path of a CommonJS module that exports one (as
   * `plugin`, `default`, or a `createPlugin()` factory). A module that fails to load is
   * recorded as a failed plugin named after its file.
   *
   * @returns the plugin's name.
   * @throws {PluginError} when a plugin of that name is already loaded.
   */
  load(pluginOrPath: ChunkerPlugin | string): string {
    if (typeof pluginOrPath !== 'string') {
      return this.#add(pluginOrPath.name, pluginOrPath);
    }
    const path = resolve(pluginOrPath);
    const fallbackName = basename(path, extname(path));
    let plugin: ChunkerPlugin;
    try {
      plugin = this.#errors.boundary(
        `plugin.${fallbackName}`,
        'chunker.plugins',
        () => pluginFromModule(createRequire(__filename)(path)),
        { operation: 'load' },
      );
    } catch (error) {
      this.#add(fallbackName, undefined);
      this.#track(this.#fail(this.#slots.get(fallbackName) as Slot, 'load', error));
      return fallbackName;
    }
    return this.#add(plugin.name, plugin);
  }

  /**
   * Activates a loaded plugin. A failure is recorded, not thrown: what the plugin owned so
   * far is released.
   *
   * @returns whether the plugin is active.
   */
  async activate(name: string): Promise<boolean> {
    const slot = this.#slots.get(name);
    if (!slot?.plugin || slot.state === 'active' || slot.state === 'failed') {
      return slot?.state === 'active';
    }
    const { plugin } = slot;
    slot.state = 'active';
    slot.owned = [];
    const context: PluginContext = {
      name,
      config: this.#config,
      own: (resource) => {
        slot.owned.push(resource);
        return resource;
      },
    };
    try {
      await this.#errors.boundary(
        `plugin.${name}`,
        'chunker.plugins',
        async () => plugin.activate?.(context),
        { operation: 'activate' },
      );
      return true;
    } catch (error) {
      await this.#fail(slot, 'activate', error);
      return false;
    }
  }

  /** Activates the plugins named in `plugins.enabled`. */
  async activateEnabled(): Promise<void> {
    for (const name of this.#config.get('plugins.enabled')) {
      await this.activate(name);
    }
  }

  /**
   * Runs every active plugin's `transform` on each chunk, in load order. A plugin that
   * throws is failed and disposed in the background (`close()` waits for it); the chunk goes
   * on unchanged.
   */
  transform(chunks: Chunk[]): Chunk[] {
    const result: Chunk[] = [];
    for (const chunk of chunks) {
      let current: Chunk | null = chunk;
      for (const slot of this.#slots.values()) {
        if (current === null) break;
        if (slot.state !== 'active' || !slot.plugin?.transform) continue;
        const { plugin } = slot;
        const input: Chunk = current;
        try {
          current = this.#errors.boundary(
            `plugin.${slot.name}`,
            'chunker.plugins',
            () => {
              const output = plugin.transform?.(input);
              return output === undefined ? input : output;
            },
            { operation: 'transform' },
          );
        } catch (error) {
          this.#track(this.#fail(slot, 'transform', error));
        }
      }
      if (current !== null) {
        result.push(current);
      }
    }
    return result;
  }

  /** Disposes an active plugin: its `dispose`, then what it owns. Failures are recorded. */
  async dispose(name: string): Promise<void> {
    const slot = this.#slots.get(name);
    if (!slot || slot.state !== 'active') {
      return;
    }
    slot.state = 'disposed';
    const { plugin } = slot;
    try {
      await this.#errors.boundary(
        `plugin.${name}`,
        'chunker.plugins',
        async () => plugin?.dispose?.(),
        { operation: 'dispose' },
      );
    } catch (error) {
      this.#record(new PluginError(name, 'dispose', error));
    }
    await this.#release(slot);
  }

  /** Disposes every active plugin, last loaded first, and stops following the settings. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#unsubscribe();
      for (const name of [...this.#slots.keys()].reverse()) {
        await this.dispose(name);
      }
      while (this.#pending.size > 0) {
        await Promise.all(this.#pending);
      }
    })();
    return this.#closing;
  }

  #add(name: string, plugin: ChunkerPlugin | undefined): string {
    if (typeof name !== 'string' || name === '') {
      throw new PluginError(
        String(name),
        'load',
        new TypeError('a plugin needs a non-empty `name`'),
      );
    }
    if (this.#slots.has(name)) {
      throw new PluginError(
        name,
        'load',
        new Error(`a plugin named ${JSON.stringify(name)} is already loaded`),
      );
    }
    this.#slots.set(name, { name, plugin, state: 'loaded', owned: [] });
    return name;
  }

  async #fail(slot: Slot, phase: PluginPhase, thrown: unknown): Promise<void> {
    slot.state = 'failed';
    this.#record(new PluginError(slot.name, phase, thrown));
    if (phase !== 'load' && slot.plugin?.dispose) {
      const { plugin } = slot;
      try {
        await plugin.dispose?.();
      } catch (error) {
        this.#record(new PluginError(slot.name, 'dispose', error));
      }
    }
    await this.#release(slot);
  }

  async #release(slot: Slot): Promise<void> {
    for (const resource of slot.owned.splice(0).reverse()) {
      try {
        await releaseOne(resource);
      } catch (error) {
        this.#record(new PluginError(slot.name, 'dispose', error));
      }
    }
  }

  #record(failure: PluginError): void {
    this.#failures.push(failure);
    if (this.listenerCount('plugin-error') > 0) {
      this.emit('plugin-error', failure);
    }
  }

  #track(promise: Promise<unknown>): void {
    this.#pending.add(promise);
    void promise.finally(() => this.#pending.delete(promise));
  }
}

function pluginFromModule(exported: unknown): ChunkerPlugin {
  const candidate = exported as {
    plugin?: unknown;
    default?: unknown;
    createPlugin?: () => unknown;
  };
  const plugin =
    typeof candidate.createPlugin === 'function'
      ? candidate.createPlugin()
      : (candidate.plugin ?? candidate.default ?? exported);
  if (
    typeof plugin !== 'object' ||
    plugin === null ||
    typeof (plugin as { name?: unknown }).name !== 'string'
  ) {
    throw new TypeError(
      'the module exports no plugin: export `plugin`, `default` or `createPlugin()`',
    );
  }
  return plugin as ChunkerPlugin;
}

async function releaseOne(resource: Releasable): Promise<void> {
  if (typeof resource === 'function') {
    await resource();
    return;
  }
  const methods = resource as Partial<
    Record<'close' | 'dispose' | 'destroy' | 'terminate', () => unknown>
  >;
  const release = methods.close ?? methods.dispose ?? methods.destroy ?? methods.terminate;
  await release?.call(resource);
}

import { ChunkCache } from '../cache/ChunkCache';
import type { ChunkerConfig } from '../config/ChunkerConfig';
import type { ErrorBoundary } from '../ErrorBoundary';
import { passThrough } from '../ErrorBoundary';
import { ParserPool } from '../parallel/ParserPool';
import type { Chunk } from '../parser/Chunk';
import type { ChunkerPlugin } from '../plugins/ChunkerPlugin';
import { PluginManager } from '../plugins/PluginManager';

/**
 * How to open a chunker.
 *
 * @example
 * await Chunker.open(config, { plugins: [createDedupePlugin()], errors: integration.errors });
 */
export interface ChunkerOptions {
  /** Plugin objects or module paths, loaded in order; those in `plugins.enabled` are activated. */
  plugins?: (ChunkerPlugin | string)[];
  /** Passed to the parser pool: a module whose `parseSource` replaces the built-in parser. */
  parserModule?: string;
  /** Observes every cross-module call (see `ErrorBoundary`). */
  errors?: ErrorBoundary;
}

/** The chunks of one file, and whether they came from the cache. */
export interface FileChunks {
  file: string;
  chunks: Chunk[];
  cached: boolean;
}

/**
 * The application: parses files on the worker pool, passes the chunks through the plugins,
 * and keeps them in the cache. It follows configuration changes at run time: parser
 * settings reach the pool, `parallel.pool_size` resizes it, `cache.enabled` and `cache.dir`
 * open, move or close the cache, `plugins.enabled` activates and disposes plugins.
 *
 * @example
 * const chunker = await Chunker.open(new ChunkerConfig());
 * const [result] = await chunker.chunkFiles(['src/a.ts']);
 * await chunker.close();
 */
export class Chunker {
  readonly config: ChunkerConfig;
  readonly pool: ParserPool;
  readonly plugins: PluginManager;
  #cache: ChunkCache | undefined;
  readonly #errors: ErrorBoundary;
  readonly #unsubscribe: (() => void)[] = [];
  #closing: Promise<void> | undefined;

  private constructor(config: ChunkerConfig, options: ChunkerOptions) {
    this.config = config;
    this.#errors = options.errors ?? passThrough;
    this.pool = new ParserPool({
      size: config.get('parallel.pool_size'),
      parseOptions: config.parseOptions(),
      ...(options.parserModule === undefined ? {} : { parserModule: options.parserModule }),
    });
    this.plugins = new PluginManager(config, { errors: this.#errors });
  }

  /**
   * Opens the cache (when `cache.enabled`), loads the plugins and activates the enabled
   * ones. On failure, what was opened is closed again.
   */
  static async open(config: ChunkerConfig, options: ChunkerOptions = {}): Promise<Chunker> {
    const chunker = new Chunker(config, options);
    try {
      if (config.get('cache.enabled')) {
        await chunker.#errors.boundary('chunker.cache', 'chunker.app', () => chunker.#openCache(), {
          operation: 'open',
        });
      }
      for (const plugin of options.plugins ?? []) {
        chunker.plugins.load(plugin);
      }
      await chunker.plugins.activateEnabled();
      chunker.#follow();
      return chunker;
    } catch (error) {
      await chunker.close();
      throw error;
    }
  }

  /** The open cache, if `cache.enabled`. */
  get cache(): ChunkCache | undefined {
    return this.#cache;
  }

  /**
   * The chunks of each file, in order, from the cache when it holds them for the file as
   * it is now, otherwise parsed on the pool and passed through the plugins.
   *
   * @throws the first file's error (`ParseError`, `WorkerCrashError`, ...), after every file
   *   has settled, so that no worker is left busy.
   */
  async chunkFiles(files: string[]): Promise<FileChunks[]> {
    const settled = await Promise.allSettled(files.map((file) => this.#chunkFile(file)));
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) {
      throw failed.reason;
    }
    return settled.map((result) => (result as PromiseFulfilledResult<FileChunks>).value);
  }

  /** Closes the plugins, the pool and the cache, and stops following the configuration. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
      await this.plugins.close();
      await this.pool.close();
      await this.#cache?.close();
      this.#cache = undefined;
    })();
    return this.#closing;
  }

  async #chunkFile(file: string): Promise<FileChunks> {
    const cache = this.#cache;
    const fingerprint = JSON.stringify({
      parse: this.config.parseOptions(),
      plugins: this.plugins.names().filter((name) => this.plugins.stateOf(name) === 'active'),
    });
    const cached = await cache?.get(file, fingerprint);
    if (cached) {
      return { file, chunks: cached, cached: true };
    }
    const parsed = await this.#errors.boundary(
      'chunker.parallel',
      'chunker.app',
      () => this.pool.parse(file),
      { operation: 'parse' },
    );
    const chunks = this.plugins.transform(parsed);
    if (cache && this.#cache === cache) {
      await this.#errors.boundary(
        'chunker.cache',
        'chunker.app',
        () => cache.set(file, chunks, fingerprint),
        {
          operation: 'store',
        },
      );
    }
    return { file, chunks, cached: false };
  }

  async #openCache(): Promise<void> {
    this.#cache = await ChunkCache.open(this.config.get('cache.dir'));
  }

  #follow(): void {
    const { config } = this;
    this.#unsubscribe.push(
      config.subscribe('parser', () => this.pool.configure(config.parseOptions())),
      config.subscribe('parallel.pool_size', (change) =>
        this.pool.resize(change.new_value as number),
      ),
      config.subscribe('cache', (change) =>
        this.#errors.boundary(
          'chunker.cache',
          'chunker.config',
          async () => {
            const enabled = config.get('cache.enabled');
            if (!enabled) {
              await this.#cache?.close();
              this.#cache = undefined;
            } else if (!this.#cache) {
              await this.#openCache();
            } else if (change.path === 'cache.dir') {
              await this.#cache.moveTo(change.new_value as string);
            }
          },
          { operation: 'reconfigure' },
        ),
      ),
    );
  }
}

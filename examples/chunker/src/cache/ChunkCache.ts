import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import type { FSWatcher } from 'node:fs';
import { watch } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Chunk } from '../parser/Chunk';
import { CacheError } from './CacheError';
import type { CacheEntry } from './CacheEntry';

const ENTRY_SUFFIX = '.chunks.json';

/**
 * Why an entry was dropped: its file was edited or deleted on disk by someone else, or its
 * source file changed since the chunks were stored.
 */
export type InvalidationReason = 'changed' | 'deleted' | 'stale';

/**
 * Sent with the `invalidate` event.
 *
 * @example
 * cache.on('invalidate', ({ source_file, reason }) => console.log(`${source_file}: ${reason}`));
 */
export interface Invalidation {
  key: string;
  source_file: string;
  reason: InvalidationReason;
}

interface ChunkCacheEvents {
  invalidate: [Invalidation];
  error: [CacheError];
  close: [];
}

interface MemoryEntry {
  entry: CacheEntry;
  /** The exact text last written or read, to tell our own writes from someone else's. */
  json: string;
}

/**
 * Chunks per source file, kept in memory and in a directory on disk that is watched with
 * `fs.watch`: an entry edited or deleted on disk (by another chunker, or by hand) is dropped
 * from memory and announced with an `invalidate` event. `close()` releases the watcher and
 * waits for the checks in flight.
 *
 * @example
 * const cache = await ChunkCache.open('/tmp/chunker-cache');
 * await cache.set('src/a.ts', chunks);
 * await cache.get('src/a.ts'); // the chunks, while src/a.ts is unchanged
 * await cache.close();
 */
export class ChunkCache extends EventEmitter<ChunkCacheEvents> {
  #dir: string;
  #watcher: FSWatcher | undefined;
  #closed = false;
  readonly #memory = new Map<string, MemoryEntry>();
  readonly #checks = new Map<string, Promise<void>>();

  private constructor(dir: string, watcher: FSWatcher) {
    super();
    this.#dir = dir;
    this.#attach(watcher, dir);
  }

  /**
   * Creates the directory if needed and starts watching it.
   *
   * @throws {CacheError} when the directory cannot be created or watched.
   */
  static async open(dir: string): Promise<ChunkCache> {
    const absolute = resolve(dir);
    const watcher = await ChunkCache.#watchDirectory(absolute);
    return new ChunkCache(absolute, watcher);
  }

  get dir(): string {
    return this.#dir;
  }

  /** Whether the directory is being watched (false after `close()` or a watcher error). */
  get watching(): boolean {
    return this.#watcher !== undefined;
  }

  /** How many entries are held in memory. */
  get size(): number {
    return this.#memory.size;
  }

  /**
   * The chunks stored for `sourceFile`, from memory or disk, or `undefined` when there are
   * none, the source changed since they were stored, or they were made with another
   * `fingerprint` (the entry is then dropped from memory; the next `set` replaces its file).
   */
  async get(sourceFile: string, fingerprint = ''): Promise<Chunk[] | undefined> {
    this.#assertOpen('get');
    const key = keyOf(sourceFile);
    let held = this.#memory.get(key);
    if (!held) {
      const json = await readFile(this.#entryPath(key), 'utf8').catch(() => undefined);
      if (json === undefined) {
        return undefined;
      }
      held = { entry: JSON.parse(json) as CacheEntry, json };
      this.#memory.set(key, held);
    }
    const source = await stat(sourceFile).catch(() => undefined);
    if (
      !source ||
      source.size !== held.entry.source_size ||
      source.mtimeMs !== held.entry.source_mtime_ms ||
      fingerprint !== held.entry.fingerprint
    ) {
      this.#drop(key, held.entry.source_file, 'stale');
      return undefined;
    }
    return held.entry.chunks;
  }

  /**
   * Stores the chunks of `sourceFile`, with its current size and modification time. The
   * entry file is written atomically (a temporary file, then a rename).
   *
   * @throws {CacheError} when the source cannot be read or the entry cannot be written.
   */
  async set(sourceFile: string, chunks: Chunk[], fingerprint = ''): Promise<void> {
    this.#assertOpen('set');
    const key = keyOf(sourceFile);
    const dir = this.#dir;
    try {
      const source = await stat(sourceFile);
      const entry: CacheEntry = {
        source_file: resolve(sourceFile),
        source_size: source.size,
        source_mtime_ms: source.mtimeMs,
        fingerprint,
        chunks,
      };
      const json = JSON.stringify(entry);
      this.#memory.set(key, { entry, json });
      const temporary = join(dir, `.${key}.${randomUUID()}.tmp`);
      await writeFile(temporary, json, 'utf8');
      await rename(temporary, join(dir, `${key}${ENTRY_SUFFIX}`));
    } catch (error) {
      this.#memory.delete(key);
      throw new CacheError(`cannot store the chunks of ${sourceFile} in ${dir}`, {
        dir,
        operation: 'set',
        cause: error,
      });
    }
  }

  /**
   * Moves the cache to another directory: the new one is watched before the old watcher is
   * closed, so a failure leaves the cache where it was. Entries in memory are dropped.
   *
   * @throws {CacheError} when the new directory cannot be created or watched.
   */
  async moveTo(dir: string): Promise<void> {
    this.#assertOpen('move');
    const absolute = resolve(dir);
    if (absolute === this.#dir) {
      return;
    }
    const watcher = await ChunkCache.#watchDirectory(absolute);
    const previous = this.#watcher;
    this.#watcher = undefined;
    await closeWatcher(previous);
    await Promise.all(this.#checks.values());
    this.#memory.clear();
    this.#dir = absolute;
    this.#attach(watcher, absolute);
  }

  /** Stops watching (resolves once the watcher is closed) and waits for the checks in flight. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    const watcher = this.#watcher;
    this.#watcher = undefined;
    await closeWatcher(watcher);
    await Promise.all(this.#checks.values());
    this.#memory.clear();
    this.emit('close');
  }

  static async #watchDirectory(dir: string): Promise<FSWatcher> {
    try {
      await mkdir(dir, { recursive: true });
      return watch(dir, { persistent: true });
    } catch (error) {
      throw new CacheError(`cannot watch ${dir}`, { dir, operation: 'watch', cause: error });
    }
  }

  #attach(watcher: FSWatcher, dir: string): void {
    this.#watcher = watcher;
    watcher.on('change', (_event, filename) => {
      const name = typeof filename === 'string' ? filename : filename?.toString();
      if (name === undefined) {
        for (const key of this.#memory.keys()) this.#schedule(key, dir);
      } else if (name.endsWith(ENTRY_SUFFIX) && !name.startsWith('.')) {
        this.#schedule(name.slice(0, -ENTRY_SUFFIX.length), dir);
      }
    });
    watcher.on('error', (error) => {
      watcher.close();
      if (this.#watcher === watcher) {
        this.#watcher = undefined;
      }
      const failure = new CacheError(`stopped watching ${dir}`, {
        dir,
        operation: 'watch',
        cause: error,
      });
      if (this.listenerCount('error') > 0) {
        this.emit('error', failure);
      }
    });
  }

  /** Checks run one after another per key, so two quick events never race. */
  #schedule(key: string, dir: string): void {
    const previous = this.#checks.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.#check(key, dir));
    this.#checks.set(key, next);
    void next.finally(() => {
      if (this.#checks.get(key) === next) {
        this.#checks.delete(key);
      }
    });
  }

  async #check(key: string, dir: string): Promise<void> {
    const held = this.#memory.get(key);
    if (this.#closed || dir !== this.#dir || !held) {
      return;
    }
    const json = await readFile(join(dir, `${key}${ENTRY_SUFFIX}`), 'utf8').catch(() => undefined);
    if (this.#memory.get(key) !== held) {
      return;
    }
    if (json === undefined) {
      this.#drop(key, held.entry.source_file, 'deleted');
    } else if (json !== held.json) {
      this.#drop(key, held.entry.source_file, 'changed');
    }
  }

  #drop(key: string, sourceFile: string, reason: InvalidationReason): void {
    this.#memory.delete(key);
    this.emit('invalidate', { key, source_file: sourceFile, reason });
  }

  /** Where the entry of `sourceFile` is stored on disk (whether or not it exists). */
  entryPathOf(sourceFile: string): string {
    return this.#entryPath(keyOf(sourceFile));
  }

  #entryPath(key: string): string {
    return join(this.#dir, `${key}${ENTRY_SUFFIX}`);
  }

  #assertOpen(operation: string): void {
    if (this.#closed) {
      throw new CacheError(`the cache of ${this.#dir} is closed`, {
        dir: this.#dir,
        operation,
      });
    }
  }
}

/** Closes a watcher and resolves on its `close` event, which Node emits on a later tick. */
async function closeWatcher(watcher: FSWatcher | undefined): Promise<void> {
  if (!watcher) {
    return;
  }
  const closed = once(watcher, 'close');
  watcher.close();
  await closed;
}

/** The entry's file name: a hash of the source's absolute path. */
function keyOf(sourceFile: string): string {
  return createHash('sha256').update(resolve(sourceFile)).digest('hex').slice(0, 24);
}

import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { integration } from 'jest-environment-integration/globals';
import { ChunkCache } from '../src/cache/ChunkCache';
import type { Invalidation } from '../src/cache/ChunkCache';
import type { CacheEntry } from '../src/cache/CacheEntry';
import { CacheError } from '../src/cache/CacheError';
import type { Chunk } from '../src/parser/Chunk';
import { parseSource } from '../src/parser/parseSource';
import { nextEvent } from './support/nextEvent';
import { runCli } from './support/runCli';
import { sampleSources } from './support/sampleSources';
import type { TemporaryDirectory } from './support/temporaryDirectory';
import { temporaryDirectory } from './support/temporaryDirectory';

let dir: TemporaryDirectory;
let cache: ChunkCache;
let source: string;
let chunks: Chunk[];

beforeEach(async () => {
  dir = await temporaryDirectory();
  source = await dir.write('math.ts', sampleSources['math.ts']);
  chunks = parseSource(sampleSources['math.ts'], {
    file: source,
    strategy: 'functions',
    maxChunkLines: 40,
    maxFileBytes: 1_000_000,
    timeoutMs: 1_000,
  });
  cache = await ChunkCache.open(join(dir.path, 'cache'));
});

afterEach(async () => {
  await cache.close();
  await dir.remove();
});

describe('the cache watches its directory', () => {
  test('and drops an entry edited on disk by someone else', async () => {
    await cache.set(source, chunks);
    const invalidated = nextEvent(cache, 'invalidate');

    await writeFile(cache.entryPathOf(source), JSON.stringify({ edited: 'by hand' }));

    expect(await invalidated).toEqual([
      { key: expect.any(String), source_file: source, reason: 'changed' },
    ]);
    expect(cache.size).toBe(0);
  });

  test('and drops an entry deleted on disk', async () => {
    await cache.set(source, chunks);
    const invalidated = nextEvent(cache, 'invalidate');

    await rm(cache.entryPathOf(source));

    expect(await invalidated).toEqual([expect.objectContaining({ reason: 'deleted' })]);
    await expect(cache.get(source)).resolves.toBeUndefined();
  });

  test('but not for its own writes', async () => {
    const other = await dir.write('notes.md', sampleSources['notes.md']);
    const seen: Invalidation[] = [];
    cache.on('invalidate', (invalidation) => seen.push(invalidation));

    await cache.set(source, chunks);
    await cache.set(other, chunks);
    // The watcher reports events in order: once the edit of `other` is seen, the events of
    // our own writes before it have been checked too.
    const sentinel = nextEvent(cache, 'invalidate');
    await appendFile(cache.entryPathOf(other), ' ');
    await sentinel;

    expect(seen.map((invalidation) => invalidation.source_file)).toEqual([other]);
    await expect(cache.get(source)).resolves.toEqual(chunks);
  });

  test('and an entry written by another chunker process replaces this one', async () => {
    await cache.set(source, chunks);
    const invalidated = nextEvent(cache, 'invalidate', 15_000);

    const run = await runCli(
      [
        'export',
        source,
        '--out',
        join(dir.path, 'out.jsonl'),
        '--cache-dir',
        cache.dir,
        '--max-lines',
        '3',
      ],
      { cwd: dir.path },
    );

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(await invalidated).toEqual([
      expect.objectContaining({ reason: 'changed', source_file: source }),
    ]);
    const written = JSON.parse(await readFile(cache.entryPathOf(source), 'utf8')) as CacheEntry;
    expect(written.chunks.every((chunk) => chunk.end_line - chunk.start_line < 3)).toBe(true);
    await expect(cache.get(source)).resolves.toBeUndefined();
    expect(integration.resources.getAllResources({ type: 'child-process' })).toEqual([
      expect.objectContaining({ state: 'released' }),
    ]);
  });
});

describe('the cache checks its sources', () => {
  test('and gives no chunks for a source that changed since they were stored', async () => {
    await cache.set(source, chunks);
    await appendFile(source, '\nexport const added = true;\n');
    const invalidated = nextEvent(cache, 'invalidate');

    await expect(cache.get(source)).resolves.toBeUndefined();
    expect(await invalidated).toEqual([expect.objectContaining({ reason: 'stale' })]);
  });
});

describe('the watcher is a resource of chunker.cache', () => {
  test('tracked from the moment the cache opens, and released by close()', async () => {
    const record = integration.resources.adopt('chunker.cache', 'chunk-cache', cache);
    expect(
      integration.resources.getAllResources({ module: 'chunker.cache', type: 'fs-watcher' }),
    ).toEqual([expect.objectContaining({ state: 'active', resource_type: 'fs-watcher' })]);
    expect(integration).not.toHaveNoLeakedResources('chunker.cache');

    await cache.close();

    expect(integration).toHaveReleasedResource(record.resource_id);
    expect(integration).toHaveNoLeakedResources('chunker.cache');
  });

  test('a closed cache refuses work with a CacheError, and closing twice is harmless', async () => {
    await cache.close();
    await cache.close();

    await expect(cache.set(source, chunks)).rejects.toThrow(CacheError);
    await expect(cache.get(source)).rejects.toThrow(`the cache of ${cache.dir} is closed`);
  });

  test('opening a cache where no directory can be made is a CacheError with the cause', async () => {
    const blocker = await dir.write('file', '');

    const failure = await integration.errors
      .boundary('chunker.cache', 'tests', () => ChunkCache.open(join(blocker, 'cache')), {
        operation: 'open',
      })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(CacheError);
    expect(failure).toCarryErrorContext({
      source_module: 'chunker.cache',
      error_type: 'CacheError',
      context_data: expect.objectContaining({
        cause_chain: [
          expect.objectContaining({ error_message: expect.stringContaining('ENOTDIR') }),
        ],
      }),
    });
    expect(
      integration.resources.getAllResources({ type: 'fs-watcher', state: 'active' }),
    ).toHaveLength(1);
  });
});

/*
 * Deliberately leaky: each test opens part of the chunker and "forgets" to close it, the
 * way real tests do. Kept out of the default run; see it fail with
 *
 *   npm run demo:leaky
 *
 * Every test here fails with a leak verdict naming the resource, its module (chunker.cache,
 * chunker.plugins, chunker.parallel, tests.support) and the line that created it. The
 * environment then closes what leaked (it even removes the temporary directory, through the
 * `remove` method it was adopted with), so the run still ends by itself.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ChunkCache } from '../src/cache/ChunkCache';
import { ChunkerConfig } from '../src/config/ChunkerConfig';
import { ParserPool } from '../src/parallel/ParserPool';
import { PluginManager } from '../src/plugins/PluginManager';
import { createStatsServerPlugin } from '../src/plugins/builtin/createStatsServerPlugin';
import { temporaryDirectory } from '../__tests__/support/temporaryDirectory';

test('a cache that is never closed leaks its directory watcher', async () => {
  const cache = await ChunkCache.open(join(tmpdir(), 'chunker-leaky-example'));
  expect(cache.watching).toBe(true);
  // forgot: await cache.close();
});

test('a plugin manager that is never closed leaks the stats server', async () => {
  const plugins = new PluginManager(new ChunkerConfig());
  plugins.load(createStatsServerPlugin());
  await plugins.activate('stats');
  // forgot: await plugins.close();
});

test('a parser pool that is never closed leaks its worker threads', async () => {
  const pool = new ParserPool({
    size: 2,
    parseOptions: {
      strategy: 'blocks',
      maxChunkLines: 40,
      maxFileBytes: 1_000_000,
      timeoutMs: 1_000,
    },
  });
  await Promise.all([pool.parse('a.txt', 'one\n\ntwo\n'), pool.parse('b.txt', 'three\n')]);
  // forgot: await pool.close();
});

test('a temporary directory that is never removed', async () => {
  const dir = await temporaryDirectory();
  await dir.write('notes.md', '# notes\n');
  // forgot: await dir.remove();
});

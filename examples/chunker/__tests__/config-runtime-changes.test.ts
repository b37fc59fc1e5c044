import { join } from 'node:path';
import { integration } from 'jest-environment-integration/globals';
import { Chunker } from '../src/app/Chunker';
import { ConfigError } from '../src/config/ConfigError';
import { ChunkerConfig } from '../src/config/ChunkerConfig';
import type { ChunkerSettings } from '../src/config/ChunkerSettings';
import { defaultSettings } from '../src/config/ChunkerSettings';
import { sampleSources } from './support/sampleSources';
import type { TemporaryDirectory } from './support/temporaryDirectory';
import { temporaryDirectory } from './support/temporaryDirectory';

let dir: TemporaryDirectory;
beforeEach(async () => {
  dir = await temporaryDirectory();
});
afterEach(() => dir.remove());

/** A configuration whose every change the framework records (and undoes after the test). */
function observedConfig(settings: ChunkerSettings = defaultSettings()): ChunkerConfig {
  return new ChunkerConfig(integration.config.observe(settings));
}

describe('a change at run time', () => {
  test('of parser.max_chunk_lines reaches the parse workers, and is recorded as affecting parser and parallel', async () => {
    const file = await dir.write('math.ts', sampleSources['math.ts']);
    const config = observedConfig();
    const chunker = await Chunker.open(config);

    const [before] = await chunker.chunkFiles([file]);
    await config.set('parser.max_chunk_lines', 2);
    const [after] = await chunker.chunkFiles([file]);
    await chunker.close();

    expect(before?.chunks.every((chunk) => chunk.end_line - chunk.start_line < 40)).toBe(true);
    expect(after?.chunks.every((chunk) => chunk.end_line - chunk.start_line < 2)).toBe(true);
    expect(after?.chunks.length).toBeGreaterThan(before?.chunks.length ?? Infinity);
    expect(integration).toHaveRecordedConfigChange('parser.max_chunk_lines', {
      from: 40,
      to: 2,
      affecting: ['chunker.parser', 'chunker.parallel'],
    });
  });

  test('of parallel.pool_size terminates the workers the pool no longer needs', async () => {
    const files = await Promise.all(
      ['a.ts', 'b.ts'].map((name) => dir.write(name, sampleSources['math.ts'])),
    );
    const config = observedConfig();
    const chunker = await Chunker.open(config);
    await chunker.chunkFiles(files);
    expect(integration.resources.getAllResources({ type: 'worker', state: 'active' })).toHaveLength(
      2,
    );

    await config.set('parallel.pool_size', 1);

    expect(chunker.pool.workerCount).toBe(1);
    expect(integration.resources.getAllResources({ type: 'worker', state: 'active' })).toHaveLength(
      1,
    );
    expect(integration).toHaveRecordedConfigChange('parallel.pool_size', {
      from: 2,
      to: 1,
      affecting: ['chunker.parallel'],
    });
    await chunker.close();
  });

  test('of cache.dir closes the old watcher and watches the new directory', async () => {
    const config = observedConfig({
      ...defaultSettings(),
      cache: { enabled: true, dir: join(dir.path, 'first') },
    });
    const chunker = await Chunker.open(config);

    await config.set('cache.dir', join(dir.path, 'second'));

    expect(chunker.cache?.dir).toBe(join(dir.path, 'second'));
    const watchers = integration.resources.getAllResources({
      type: 'fs-watcher',
      module: 'chunker.cache',
    });
    expect(watchers.map((watcher) => watcher.state)).toEqual(['released', 'active']);
    expect(integration).toHaveRecordedConfigChange('cache.dir', {
      from: join(dir.path, 'first'),
      to: join(dir.path, 'second'),
      affecting: ['chunker.cache'],
    });

    await chunker.close();
    expect(integration).toHaveNoLeakedResources('chunker.cache');
  });

  test('of cache.enabled opens and closes the cache', async () => {
    const config = observedConfig({
      ...defaultSettings(),
      cache: { enabled: false, dir: join(dir.path, 'cache') },
    });
    const chunker = await Chunker.open(config);
    expect(chunker.cache).toBeUndefined();

    await config.set('cache.enabled', true);
    expect(chunker.cache?.watching).toBe(true);
    expect(integration).not.toHaveNoLeakedResources('chunker.cache');

    await config.set('cache.enabled', false);
    expect(chunker.cache).toBeUndefined();
    expect(integration).toHaveNoLeakedResources('chunker.cache');
    expect(integration.config.getChangeLog().map((event) => event.new_value)).toEqual([
      true,
      false,
    ]);
    await chunker.close();
  });

  test('from a CHUNKER_* variable is recorded as env.NAME, then as the setting it changes', async () => {
    const env = integration.config.observeEnv();
    const config = observedConfig();

    env.CHUNKER_PARSER_STRATEGY = 'blocks';
    await config.applyEnv(env);

    expect(config.get('parser.strategy')).toBe('blocks');
    expect(integration.config.getChangeLog().map((event) => event.config_path)).toEqual([
      'env.CHUNKER_PARSER_STRATEGY',
      'parser.strategy',
    ]);
    expect(integration).toHaveRecordedConfigChange('env.CHUNKER_PARSER_STRATEGY', {
      from: undefined,
      to: 'blocks',
      affecting: ['chunker.config'],
    });
  });

  test('that is invalid is refused, and neither applied nor recorded', async () => {
    const config = observedConfig();

    await expect(config.set('parser.timeout_ms', -1)).rejects.toThrow(
      new ConfigError('parser.timeout_ms must be a positive integer, but received -1', {
        path: 'parser.timeout_ms',
        value: -1,
      }),
    );

    expect(config.get('parser.timeout_ms')).toBe(2_000);
    expect(integration).not.toHaveRecordedConfigChange('parser.timeout_ms');
    expect(integration.config.getChangeLog()).toEqual([]);
  });

  test('reaches framework subscribers in order, with the affected modules', async () => {
    const seen: string[] = [];
    const unsubscribe = integration.config.subscribe((event) =>
      seen.push(`${event.config_path} -> ${[...event.affected_modules].sort().join(',')}`),
    );
    const config = observedConfig();

    await config.set('parser.strategy', 'blocks');
    await config.set('plugins.enabled', ['dedupe']);
    unsubscribe();
    await config.set('parser.timeout_ms', 100);

    expect(seen).toEqual([
      'parser.strategy -> chunker.parallel,chunker.parser',
      'plugins.enabled -> chunker.plugins',
    ]);
    expect(integration.config.getChangeLog()).toHaveLength(3);
  });
});

describe('no change leaks into the next test', () => {
  // One settings object for the whole file, as a module-level singleton would be.
  const shared = defaultSettings();

  test('a test changes the shared settings and the environment', async () => {
    const config = observedConfig(shared);
    integration.config.observeEnv().CHUNKER_CACHE_DIR = '/tmp/elsewhere';

    await config.set('parser.timeout_ms', 50);
    await config.set('plugins.enabled', ['stats']);

    expect(shared.parser.timeout_ms).toBe(50);
    expect(process.env.CHUNKER_CACHE_DIR).toBe('/tmp/elsewhere');
  });

  test('the next test sees both as they were', () => {
    expect(shared.parser.timeout_ms).toBe(defaultSettings().parser.timeout_ms);
    expect(shared.plugins.enabled).toEqual([]);
    expect(process.env.CHUNKER_CACHE_DIR).toBeUndefined();
    expect(integration.config.getChangeLog()).toEqual([]);
  });
});

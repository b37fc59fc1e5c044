import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { integration } from 'jest-environment-integration/globals';
import { ChunkerConfig } from '../src/config/ChunkerConfig';
import { defaultSettings } from '../src/config/ChunkerSettings';
import type { Chunk } from '../src/parser/Chunk';
import { parseSource } from '../src/parser/parseSource';
import { PluginManager } from '../src/plugins/PluginManager';
import { createChunkLogPlugin } from '../src/plugins/builtin/createChunkLogPlugin';
import { createDedupePlugin } from '../src/plugins/builtin/createDedupePlugin';
import { createStatsServerPlugin } from '../src/plugins/builtin/createStatsServerPlugin';
import { createFailingPlugin } from './fixtures/plugins/createFailingPlugin';
import { createTickerPlugin } from './fixtures/plugins/createTickerPlugin';
import { getJson } from './support/getJson';
import { sampleSources } from './support/sampleSources';
import type { TemporaryDirectory } from './support/temporaryDirectory';
import { temporaryDirectory } from './support/temporaryDirectory';

const fixtures = join(__dirname, 'fixtures', 'plugins');

let dir: TemporaryDirectory;
let config: ChunkerConfig;
let plugins: PluginManager;
let chunks: Chunk[];

beforeEach(async () => {
  dir = await temporaryDirectory();
  config = new ChunkerConfig(integration.config.observe(defaultSettings()));
  plugins = new PluginManager(config, { errors: integration.errors });
  chunks = parseSource(sampleSources['math.ts'], {
    file: 'math.ts',
    strategy: 'functions',
    maxChunkLines: 40,
    maxFileBytes: 1_000_000,
    timeoutMs: 1_000,
  });
});

afterEach(async () => {
  await plugins.close();
  await dir.remove();
});

describe('a plugin that opens resources', () => {
  test('has its HTTP server open while active, and closed once disposed', async () => {
    const stats = createStatsServerPlugin();
    plugins.load(stats);
    await plugins.activate('stats');
    plugins.transform(chunks);

    expect(await getJson(stats.url as string)).toEqual({ block: 2, function: 3 });
    expect(
      integration.resources.getAllResources({ type: 'http-server', module: 'chunker.plugins' }),
    ).toEqual([expect.objectContaining({ state: 'active' })]);
    expect(integration).not.toHaveNoLeakedResources('chunker.plugins');

    await plugins.dispose('stats');

    expect(plugins.stateOf('stats')).toBe('disposed');
    expect(stats.url).toBeUndefined();
    expect(integration).toHaveNoLeakedResources('chunker.plugins');
  });

  test('has its file handle flushed and closed on dispose', async () => {
    const log = join(dir.path, 'chunks.log');
    plugins.load(createChunkLogPlugin({ file: log }));
    await plugins.activate('chunk-log');
    plugins.transform(chunks);

    await plugins.dispose('chunk-log');

    expect((await readFile(log, 'utf8')).split('\n')).toHaveLength(chunks.length + 1);
    const handles = integration.resources.getAllResources({
      type: 'file-handle',
      module: 'chunker.plugins',
    });
    expect(handles).toEqual([expect.objectContaining({ state: 'released' })]);
  });

  test('has what it registered with context.own released, though its own dispose forgets it', async () => {
    const ticker = createTickerPlugin({ own: true });
    plugins.load(ticker);
    await plugins.activate('ticker');
    expect(
      integration.resources.getAllResources({ type: 'interval', state: 'active' }),
    ).toHaveLength(1);

    await plugins.close();

    expect(integration.resources.getAllResources({ type: 'interval' })).toEqual([
      expect.objectContaining({ owner_module: 'fixtures', state: 'released' }),
    ]);
  });

  test('that forgets a resource outside the manager is caught by the environment, naming its module', async () => {
    const ticker = createTickerPlugin({ own: false, name: 'forgetful' });
    plugins.load(ticker);
    await plugins.activate('forgetful');

    await plugins.close();

    expect(integration.resources.verifyCleanup('fixtures')).toEqual([
      expect.objectContaining({
        resource_type: 'interval',
        owner_module: 'fixtures',
        state: 'active',
      }),
    ]);
    ticker.stop();
    expect(integration).toHaveNoLeakedResources('fixtures');
  });
});

describe('a plugin that fails is isolated', () => {
  test('when it fails to activate: what it opened first is closed, and the others stay active', async () => {
    plugins.load(createFailingPlugin('activate', new Error('port already taken')));
    plugins.load(createDedupePlugin());

    await expect(plugins.activate('fails-to-activate')).resolves.toBe(false);
    await expect(plugins.activate('dedupe')).resolves.toBe(true);

    expect(plugins.stateOf('fails-to-activate')).toBe('failed');
    expect(plugins.failures).toEqual([
      expect.objectContaining({
        name: 'PluginError',
        message: 'plugin "fails-to-activate" failed to activate: port already taken',
      }),
    ]);
    expect(integration.errors.getErrorChain()).toEqual([
      expect.objectContaining({
        source_module: 'plugin.fails-to-activate',
        target_module: 'chunker.plugins',
        operation: 'activate',
        error_message: 'port already taken',
      }),
    ]);
    expect(integration.resources.getAllResources({ type: 'http-server' })).toEqual([
      expect.objectContaining({ state: 'released' }),
    ]);
    expect(plugins.transform([...chunks, ...chunks])).toEqual(chunks);
  });

  test('when its transform throws: it is failed and disposed, and the chunk goes on unchanged', async () => {
    plugins.load(createFailingPlugin('transform', 'transform exploded'));
    await plugins.activate('fails-to-transform');

    expect(plugins.transform(chunks)).toEqual(chunks);
    await plugins.close();

    expect(plugins.stateOf('fails-to-transform')).toBe('failed');
    expect(integration.resources.getAllResources({ type: 'http-server', state: 'active' })).toEqual(
      [],
    );
    expect(integration.errors.getErrorChain()).toEqual([
      expect.objectContaining({ error_type: 'string', error_message: 'transform exploded' }),
    ]);
  });

  test('when its dispose throws: its resources are released all the same', async () => {
    plugins.load(createFailingPlugin('dispose', new RangeError('flush failed')));
    await plugins.activate('fails-to-dispose');

    await plugins.close();

    expect(plugins.failures.map((failure) => failure.phase)).toEqual(['dispose']);
    expect(integration).toHaveNoLeakedResources('fixtures');
  });

  test('when its module throws on load: it is recorded by file name, and a good module loads beside it', async () => {
    const failed = plugins.load(join(fixtures, 'throwsOnLoad.js'));
    const loaded = plugins.load(join(fixtures, 'modulePlugin.js'));
    await plugins.activate(loaded);

    expect([failed, plugins.stateOf(failed)]).toEqual(['throwsOnLoad', 'failed']);
    expect([loaded, plugins.stateOf(loaded)]).toEqual(['line-count', 'active']);
    expect(plugins.transform(chunks.slice(0, 1))[0]?.text).toMatch(/\/\/ 1 lines$/);
    expect(integration.errors.getErrorChain()).toEqual([
      expect.objectContaining({ source_module: 'plugin.throwsOnLoad', operation: 'load' }),
    ]);
  });
});

describe('plugins follow plugins.enabled', () => {
  test('disabling a plugin disposes it, enabling it activates it again', async () => {
    const stats = createStatsServerPlugin();
    plugins.load(stats);

    await config.set('plugins.enabled', ['stats']);
    await config.set('plugins.enabled', []);
    expect(plugins.stateOf('stats')).toBe('disposed');
    await config.set('plugins.enabled', ['stats']);

    expect(plugins.stateOf('stats')).toBe('active');
    expect(
      integration.resources.getAllResources({ type: 'http-server' }).map((record) => record.state),
    ).toEqual(['released', 'active']);
    expect(integration).toHaveRecordedConfigChange('plugins.enabled', {
      from: [],
      to: ['stats'],
      affecting: ['chunker.plugins'],
    });
  });
});

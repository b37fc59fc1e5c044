import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { integration } from 'jest-environment-integration/globals';
import { Chunker } from '../src/app/Chunker';
import { ConfigApplyError } from '../src/config/ConfigApplyError';
import { ChunkerConfig } from '../src/config/ChunkerConfig';
import { defaultSettings } from '../src/config/ChunkerSettings';
import { ParseError } from '../src/parser/ParseError';
import { parseFile } from '../src/parser/parseFile';
import { parseSource } from '../src/parser/parseSource';
import { PluginManager } from '../src/plugins/PluginManager';
import { createDedupePlugin } from '../src/plugins/builtin/createDedupePlugin';
import { createFailingPlugin } from './fixtures/plugins/createFailingPlugin';
import { sampleSources } from './support/sampleSources';
import type { TemporaryDirectory } from './support/temporaryDirectory';
import { temporaryDirectory } from './support/temporaryDirectory';

const parseOptions = {
  strategy: 'functions',
  maxChunkLines: 40,
  maxFileBytes: 1_000,
  timeoutMs: 2_000,
} as const;

let dir: TemporaryDirectory;
beforeEach(async () => {
  dir = await temporaryDirectory();
});
afterEach(() => dir.remove());

describe('from the parser', () => {
  test('a file that cannot be read is a ParseError whose cause is the file-system error', async () => {
    const missing = join(dir.path, 'missing.ts');

    await expect(
      integration.errors.boundary(
        'chunker.parser',
        'chunker.app',
        () => parseFile(missing, parseOptions),
        {
          operation: 'parse-file',
        },
      ),
    ).rejects.toThrow(ParseError);

    const [context] = integration.errors.getErrorChain();
    expect(() =>
      integration.errors.verifyErrorContext(context!, {
        source_module: 'chunker.parser',
        target_module: 'chunker.app',
        operation: 'parse-file',
        error_type: 'ParseError',
        error_message: `cannot read ${missing}`,
        context_data: expect.objectContaining({
          cause_chain: [{ error_type: 'Error', error_message: expect.stringContaining('ENOENT') }],
        }),
      }),
    ).not.toThrow();
  });

  test('a file over parser.max_file_bytes is refused, with a RangeError as the cause', () => {
    const huge = 'x'.repeat(parseOptions.maxFileBytes + 1);

    expect(() =>
      integration.errors.boundary('chunker.parser', 'chunker.app', () =>
        parseSource(huge, { ...parseOptions, file: 'huge.ts' }),
      ),
    ).toThrow('huge.ts is 1001 bytes, over the limit of 1000');

    expect(integration.errors.getErrorChain()).toEqual([
      expect.objectContaining({
        operation: 'unknown',
        error_type: 'ParseError',
        context_data: expect.objectContaining({
          cause_chain: [
            { error_type: 'RangeError', error_message: 'parser.max_file_bytes is 1000' },
          ],
        }),
      }),
    ]);
  });

  test('verifyErrorContext names every key that differs, so a wrong expectation cannot pass', () => {
    const context = integration.errors.captureCrossModuleError(
      'chunker.parser',
      'chunker.app',
      new ParseError('unexpected }', { file: 'a.ts', line: 3 }),
      { operation: 'parse' },
    );

    expect(() =>
      integration.errors.verifyErrorContext(context, {
        source_module: 'chunker.cache',
        operation: 'store',
        error_type: 'ParseError',
      }),
    ).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/source_module[\s\S]*operation/) }),
    );
  });
});

describe('from the cache to the config', () => {
  test('a cache directory that cannot be created fails the change with ConfigApplyError; the cache stays where it was', async () => {
    const blocker = await dir.write('not-a-directory', '');
    const config = new ChunkerConfig({
      ...defaultSettings(),
      cache: { enabled: true, dir: join(dir.path, 'cache') },
    });
    const chunker = await Chunker.open(config, { errors: integration.errors });

    const failure = await config
      .set('cache.dir', join(blocker, 'cache'))
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ConfigApplyError);
    const [cacheError] = (failure as ConfigApplyError).errors;
    expect(cacheError).toMatchObject({
      name: 'CacheError',
      module: 'chunker.cache',
      operation: 'watch',
    });
    expect(cacheError).toCarryErrorContext({
      source_module: 'chunker.cache',
      target_module: 'chunker.config',
      operation: 'reconfigure',
      context_data: expect.objectContaining({
        cause_chain: [{ error_type: 'Error', error_message: expect.stringContaining('ENOTDIR') }],
      }),
    });
    expect(chunker.cache?.dir).toBe(join(dir.path, 'cache'));
    expect(chunker.cache?.watching).toBe(true);

    await chunker.close();
    expect(integration).toHaveNoLeakedResources('chunker.cache');
  });
});

describe('from plugins, whatever they throw', () => {
  test.each([
    ['an Error', new TypeError('chunk.text is undefined'), 'TypeError'],
    ['a string', 'plugin gave up', 'string'],
    ['null', null, 'null'],
    ['a plain object', { code: 'E_PLUGIN', retry: false }, 'Object'],
    [
      'an error from another realm',
      runInNewContext('new SyntaxError("from a vm context")'),
      'SyntaxError',
    ],
  ])(
    '%s is captured as it was thrown, and the other plugins go on',
    async (_what, thrown, errorType) => {
      const plugins = new PluginManager(new ChunkerConfig(), { errors: integration.errors });
      plugins.load(createFailingPlugin('transform', thrown));
      plugins.load(createDedupePlugin());
      await plugins.activate('fails-to-transform');
      await plugins.activate('dedupe');
      const chunks = parseSource(sampleSources['math.ts'], { ...parseOptions, file: 'math.ts' });

      const transformed = plugins.transform([...chunks, ...chunks]);
      await plugins.close();

      expect(transformed).toEqual(chunks);
      expect(plugins.failures).toEqual([
        expect.objectContaining({
          plugin: 'fails-to-transform',
          phase: 'transform',
          cause: thrown,
        }),
      ]);
      const chain = integration.errors.getErrorChain();
      expect(chain).toHaveLength(1);
      expect(chain[0]).toMatchObject({
        source_module: 'plugin.fails-to-transform',
        target_module: 'chunker.plugins',
        operation: 'transform',
        error_type: errorType,
      });
      expect(chain[0]?.original_error).toBe(thrown);
      expect(() => JSON.stringify(chain)).not.toThrow();
      expect(integration).toHaveNoLeakedResources('fixtures');
    },
  );
});

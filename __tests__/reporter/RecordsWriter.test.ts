import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { readdirSync } from 'node:fs';
import { IntegrationLifecycle } from '../../environment/IntegrationLifecycle';
import { resolveOptions } from '../../environment/options';
import type { IntegrationOptionsInput } from '../../environment/options';
import { RecordsWriter } from '../../environment/RecordsWriter';
import { CHANNEL_VARIABLE, openChannel } from '../../reporter/RecordsChannel';
import type { RecordsChannel, RecordsFile } from '../../reporter/RecordsChannel';

const TEST_PATH = `${__dirname}/cache.test.ts`;

class FakeServer extends EventEmitter {
  close(): void {
    this.emit('close');
  }
}

let channel: RecordsChannel | undefined;

beforeEach(() => {
  channel = openChannel(process.env);
});

afterEach(() => {
  channel?.close();
  channel = undefined;
});

function fileWith(options: IntegrationOptionsInput = {}) {
  const lifecycle = new IntegrationLifecycle({
    options: resolveOptions(options),
    rootDir: __dirname,
    testPath: 'cache.test.ts',
    realmProcess: { env: {} },
    warn: () => undefined,
  });
  const writer = RecordsWriter.attach(lifecycle, {
    testPath: TEST_PATH,
    projectId: 'project',
    rootDir: __dirname,
  });
  const written = (): RecordsFile | undefined => channel?.read('project', TEST_PATH);
  return { lifecycle, writer, written };
}

describe('RecordsWriter', () => {
  test('is not attached, and nothing is recorded, when no reporter opened a channel', () => {
    channel?.close();
    expect(process.env[CHANNEL_VARIABLE]).toBeUndefined();

    expect(fileWith().writer).toBeUndefined();
  });

  test('writes nothing until the file is torn down, then one file with every finished scope', async () => {
    const { lifecycle, writer, written } = fileWith();
    const file = lifecycle.start('file', 'cache.test.ts');
    const test = lifecycle.start('test', 'cache › closes');
    lifecycle.handle.resources.trackResource('cache', 'temp-dir', '/tmp/a');
    lifecycle.handle.resources.releaseResource('/tmp/a');
    await lifecycle.finish(test);
    await lifecycle.finish(file);

    expect(written()).toBeUndefined();
    writer?.write();

    expect(written()).toMatchObject({
      test_path: TEST_PATH,
      complete: true,
      scopes: [
        { kind: 'test', name: 'cache › closes', leak_mode: 'fail', leaked_resource_ids: [] },
        { kind: 'file', name: 'cache.test.ts', leaked_resource_ids: [] },
      ],
    });
  });

  test('records each resource with its lifetime, released ones included', async () => {
    const { lifecycle, writer, written } = fileWith();
    const test = lifecycle.start('test', 'opens two');
    lifecycle.handle.resources.trackResource('cache', 'temp-dir', '/tmp/a', { size: 1n });
    lifecycle.handle.resources.trackResource('api', 'tcp-server', 'server:1');
    lifecycle.handle.resources.releaseResource('/tmp/a');
    lifecycle.handle.resources.releaseResource('server:1');
    await lifecycle.finish(test);
    writer?.write();

    const [scope] = written()?.scopes ?? [];
    expect(scope?.resources).toEqual([
      {
        resource_id: '/tmp/a',
        resource_type: 'temp-dir',
        owner_module: 'cache',
        created_at: expect.any(Number),
        state: 'released',
        metadata: { size: '1n' },
        released_at: expect.any(Number),
      },
      expect.objectContaining({ resource_id: 'server:1', state: 'released' }),
    ]);
    expect(scope?.started_at).toBeLessThanOrEqual(scope?.resources[0]?.['created_at'] as number);
    expect(scope?.finished_at).toBeGreaterThanOrEqual(
      scope?.resources[1]?.['released_at'] as number,
    );
  });

  test('names what the verdict found leaked, with where it was created, and not what was allowed', async () => {
    const { lifecycle, writer, written } = fileWith({ leaks: 'warn' });
    const test = lifecycle.start('test', 'leaks');
    lifecycle.handle.allowLeaks({ module: 'metrics' });
    lifecycle.handle.resources.trackResource('metrics', 'timer', 'timer:allowed');
    lifecycle.handle.resources.trackResource('cache', 'temp-dir', '/tmp/leaked'); // the leak's line
    lifecycle.handle.resources.adopt('api', 'tcp-server', new FakeServer(), { id: 'server:api' });
    await lifecycle.finish(test);
    writer?.write();

    const [scope] = written()?.scopes ?? [];
    expect(scope).toMatchObject({
      leak_mode: 'warn',
      leaked_resource_ids: ['/tmp/leaked', 'server:api'],
    });
    const byId = new Map(scope?.resources.map((record) => [record['resource_id'], record]));
    expect(byId.get('/tmp/leaked')).toMatchObject({
      state: 'active',
      metadata: {
        creation_site: expect.stringMatching(/^RecordsWriter\.test\.ts:\d+:\d+$/),
        creation_stack: expect.stringMatching(
          /^created here\n {4}at .*RecordsWriter\.test\.ts:\d+:\d+/,
        ),
      },
    });
    // Leaked, then closed by the environment (closeLeaked) once the verdict was made.
    expect(byId.get('server:api')).toMatchObject({
      state: 'released',
      released_at: expect.any(Number),
    });
    expect(byId.get('timer:allowed')).toMatchObject({ state: 'active' });
  });

  test('records no leaks under leaks: off, where nothing is checked', async () => {
    const { lifecycle, writer, written } = fileWith({ leaks: 'off' });
    const test = lifecycle.start('test', 'unchecked');
    lifecycle.handle.resources.trackResource('cache', 'temp-dir', '/tmp/open');
    await lifecycle.finish(test);
    writer?.write();

    expect(written()?.scopes[0]).toMatchObject({
      leak_mode: 'off',
      leaked_resource_ids: [],
      resources: [expect.objectContaining({ resource_id: '/tmp/open', state: 'active' })],
    });
  });

  test('records error contexts and config changes in the standard formats, as JSON', async () => {
    const { lifecycle, writer, written } = fileWith({
      configMap: { 'parser.*': ['chunker.parser'] },
    });
    const test = lifecycle.start('test', 'errors and config');
    lifecycle.handle.errors.captureCrossModuleError('chunker.parser', 'cli.main', 'bad token', {
      operation: 'parse',
    });
    lifecycle.handle.config.onConfigChange('parser.timeout_ms', undefined, 250);
    await lifecycle.finish(test);
    writer?.write();

    const [scope] = written()?.scopes ?? [];
    expect(scope?.errors).toEqual([
      expect.objectContaining({
        source_module: 'chunker.parser',
        target_module: 'cli.main',
        operation: 'parse',
        error_type: 'string',
        original_error: { name: 'string', message: 'bad token', stack: null, cause: null },
      }),
    ]);
    expect(scope?.config_changes).toEqual([
      {
        config_path: 'parser.timeout_ms',
        old_value: null,
        new_value: 250,
        affected_modules: ['chunker.parser'],
        timestamp: expect.any(Number),
      },
    ]);
  });

  test('keeps at most 1,000 released records per scope, counting the rest, and every leak', async () => {
    const { lifecycle, writer, written } = fileWith({ leaks: 'warn' });
    const test = lifecycle.start('test', 'busy');
    for (let index = 0; index < 1500; index += 1) {
      lifecycle.handle.resources.trackResource('jobs', 'timer', `timer:${index}`);
      lifecycle.handle.resources.releaseResource(`timer:${index}`);
    }
    lifecycle.handle.resources.trackResource('jobs', 'timer', 'timer:leaked');
    await lifecycle.finish(test);
    writer?.write();

    const [scope] = written()?.scopes ?? [];
    expect(scope?.resources).toHaveLength(1001);
    expect(scope?.omitted_resources).toBe(500);
    expect(scope?.resources.at(-1)).toMatchObject({ resource_id: 'timer:leaked' });
  });

  test('marks the records partial when the file scope never finished (an interrupted run)', async () => {
    const { lifecycle, writer, written } = fileWith();
    lifecycle.start('file', 'cache.test.ts');
    const test = lifecycle.start('test', 'ran');
    await lifecycle.finish(test);
    writer?.write();

    expect(written()).toMatchObject({ complete: false, scopes: [{ name: 'ran' }] });
  });

  test('writes once, however often teardown runs', async () => {
    const { lifecycle, writer, written } = fileWith();
    await lifecycle.finish(lifecycle.start('test', 'first'));
    writer?.write();
    await lifecycle.finish(lifecycle.start('test', 'second'));
    writer?.write();

    expect(written()?.scopes.map((scope) => scope.name)).toEqual(['first']);
  });

  test('says on stderr, without throwing, when the records cannot be handed over', async () => {
    const { lifecycle, writer } = fileWith();
    await lifecycle.finish(lifecycle.start('test', 'ran'));
    const directory = channel?.address.directory as string;
    channel?.close();
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => writer?.write()).not.toThrow();
      expect(String(stderr.mock.calls[0]?.[0])).toMatch(
        /^jest-environment-integration could not hand the records of .*cache\.test\.ts to its reporter: .*ENOENT.*The integration report will list this file without records\.\n$/,
      );
    } finally {
      stderr.mockRestore();
    }
    expect(() => readdirSync(directory)).toThrow();
  });
});

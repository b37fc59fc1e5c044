import { afterEach, describe, expect, test } from '@jest/globals';
import vm from 'node:vm';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { CircusEvent, CircusState, CircusTestEntry } from '../../environment/circusEvents';
import { withIntegration } from '../../environment/withIntegration';
import type { EnvironmentConstructor } from '../../environment/withIntegration';
import { STATE_KEY } from '../../src/brand';
import { IntegrationError } from '../../src/IntegrationError';

/** A stand-in for a Jest environment: a global with its own `process`, and a record of calls. */
class RecordingEnvironment {
  global: Record<string | symbol, unknown>;
  readonly calls: string[] = [];

  constructor(config: JestEnvironmentConfig) {
    // As jest-environment-node does: every testEnvironmentOptions key lands on the global.
    this.global = {
      process: { env: { HOME: '/home' } },
      ...config.projectConfig.testEnvironmentOptions,
    };
  }

  async setup(): Promise<void> {
    this.calls.push('setup');
  }

  async teardown(): Promise<void> {
    this.calls.push('teardown');
  }

  async handleTestEvent(event: CircusEvent): Promise<void> {
    this.calls.push(`event ${event.name}`);
  }

  getVmContext(): vm.Context | null {
    return null;
  }
}

const Environment = withIntegration(RecordingEnvironment as unknown as EnvironmentConstructor);

function configWith(integration?: unknown): JestEnvironmentConfig {
  return {
    projectConfig: {
      rootDir: '/repo',
      testEnvironmentOptions: integration === undefined ? {} : { integration },
    },
    globalConfig: {},
  } as unknown as JestEnvironmentConfig;
}

function contextWith(docblockOptions?: unknown): EnvironmentContext {
  const docblockPragmas: Record<string, string> = {};
  if (docblockOptions !== undefined) {
    docblockPragmas['jest-environment-options'] = JSON.stringify({ integration: docblockOptions });
  }
  return {
    console,
    docblockPragmas,
    testPath: '/repo/__tests__/cache.test.ts',
  } as unknown as EnvironmentContext;
}

const root = { name: 'ROOT_DESCRIBE_BLOCK' };
const block = { name: 'cache', parent: root };

function testEntry(name: string): CircusTestEntry {
  return { name, parent: block, errors: [] };
}

function state(): CircusState {
  return { unhandledErrors: [] };
}

/**
 * Environments a test opened: torn down after it, so that what their setup installs (the
 * auto-tracking patches of Node's core modules) never outlives the test in this process.
 */
const openEnvironments: Array<{ teardown(): Promise<void> }> = [];

afterEach(async () => {
  for (const environment of openEnvironments.splice(0)) {
    await environment.teardown();
  }
});

async function environmentInFile(config = configWith(), context = contextWith()) {
  const environment = new Environment(config, context);
  openEnvironments.push(environment);
  await environment.setup();
  const circus = state();
  await environment.handleTestEvent({ name: 'run_describe_start', describeBlock: root }, circus);
  await environment.handleTestEvent({ name: 'run_describe_start', describeBlock: block }, circus);
  return { environment, circus };
}

describe('withIntegration', () => {
  test('publishes the handle as the integration global and under the state key', () => {
    const environment = new Environment(configWith({ leaks: 'warn' }), contextWith());

    expect(environment.global['integration']).toBe(environment.integrationLifecycle.handle);
    expect(environment.global[STATE_KEY]).toBe(environment.integrationLifecycle.handle);
  });

  test("calls the base environment's setup, teardown and event handler", async () => {
    const { environment, circus } = await environmentInFile();
    await environment.handleTestEvent({ name: 'run_finish' }, circus);
    await environment.teardown();

    expect((environment as unknown as RecordingEnvironment).calls).toEqual([
      'setup',
      'event run_describe_start',
      'event run_describe_start',
      'event run_finish',
      'teardown',
    ]);
  });

  test('fails a test that leaked at test_done, after its own errors', async () => {
    const { environment, circus } = await environmentInFile();
    const entry = testEntry('closes');
    await environment.handleTestEvent({ name: 'test_start', test: entry }, circus);
    environment.integrationLifecycle.handle.resources.trackResource('cache', 'temp-dir', '/tmp/a');
    entry.errors.push(new Error('assertion failed'));
    await environment.handleTestEvent({ name: 'test_done', test: entry }, circus);

    expect(entry.errors).toEqual([
      new Error('assertion failed'),
      expect.objectContaining({
        message: expect.stringMatching(/^Test "cache › closes" leaked 1 resource/),
      }),
    ]);
  });

  test("reports a describe block's leaks at run_describe_finish as the file's error", async () => {
    const { environment, circus } = await environmentInFile();
    environment.integrationLifecycle.handle.resources.trackResource('db', 'pool', 'pool:1');
    await environment.handleTestEvent(
      { name: 'run_describe_finish', describeBlock: block },
      circus,
    );

    expect(circus.unhandledErrors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^describe\("cache"\) leaked 1 resource/),
      }),
    ]);
  });

  test.each([
    ['the first', ['first', 'second']],
    ['the second', ['second', 'first']],
  ])(
    'gives overlapping tests each its own verdict, %s finishing first',
    async (_order, finishing) => {
      const { environment, circus } = await environmentInFile();
      const entries = { first: testEntry('first'), second: testEntry('second') };
      await environment.handleTestEvent({ name: 'test_start', test: entries.first }, circus);
      await environment.handleTestEvent({ name: 'test_start', test: entries.second }, circus);
      // The innermost scope is the test that started last.
      environment.integrationLifecycle.handle.resources.trackResource(
        'cache',
        'temp-dir',
        '/tmp/b',
      );
      for (const name of finishing as Array<keyof typeof entries>) {
        await environment.handleTestEvent({ name: 'test_done', test: entries[name] }, circus);
      }

      expect(entries.first.errors).toEqual([]);
      expect(entries.second.errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/^Test "cache › second" leaked 1 resource/),
        }),
      ]);
      expect(environment.integrationLifecycle.scopes().map((scope) => scope.kind)).toEqual([
        'file',
        'describe',
      ]);
    },
  );

  test('gives a skipped test no verdict', async () => {
    const { environment, circus } = await environmentInFile();
    const entry = testEntry('skipped');
    await environment.handleTestEvent({ name: 'test_start', test: entry }, circus);
    environment.integrationLifecycle.handle.resources.trackResource(
      'cache',
      'temp-dir',
      '/tmp/skipped',
    );
    await environment.handleTestEvent({ name: 'test_skip', test: entry }, circus);

    expect(entry.errors).toEqual([]);
    expect(environment.integrationLifecycle.current().kind).toBe('describe');
  });

  test("never throws out of handleTestEvent: a failure becomes the file's error", async () => {
    const { environment, circus } = await environmentInFile();
    const entry = testEntry('odd');
    await environment.handleTestEvent({ name: 'test_start', test: entry }, circus);
    environment.integrationLifecycle.handle.resources.trackResource('cache', 'temp-dir', '/tmp/a');
    Object.freeze(entry.errors);

    await expect(
      environment.handleTestEvent({ name: 'test_done', test: entry }, circus),
    ).resolves.toBeUndefined();
    expect(circus.unhandledErrors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /^jest-environment-integration failed while handling Jest's `test_done` event: TypeError: /,
        ),
      }),
    ]);
  });

  test("answers a clean test with the realm's own settled promise when the base handler is synchronous", async () => {
    const realm = vm.createContext({});
    class SynchronousBase extends RecordingEnvironment {
      override handleTestEvent(event: CircusEvent): Promise<void> {
        this.calls.push(`event ${event.name}`);
        return undefined as unknown as Promise<void>;
      }

      override getVmContext(): vm.Context {
        return realm;
      }
    }
    const environment = new (withIntegration(SynchronousBase as unknown as EnvironmentConstructor))(
      configWith(),
      contextWith(),
    );
    openEnvironments.push(environment);
    await environment.setup();
    const circus = state();
    const entry = testEntry('clean');

    // Circus awaits each handler in the realm, and in Jest 30 every new promise costs more
    // with each file a worker has run: the realm's own settled promise is awaited as it is.
    const answers = [
      environment.handleTestEvent({ name: 'test_start', test: entry }, circus),
      environment.handleTestEvent({ name: 'test_fn_start', test: entry }, circus),
      environment.handleTestEvent({ name: 'test_done', test: entry }, circus),
    ];
    const RealmPromise = vm.runInContext('Promise', realm) as PromiseConstructor;

    expect(answers[0]).toBeInstanceOf(RealmPromise);
    expect(new Set(answers).size).toBe(1);
    await expect(answers[0]).resolves.toBeUndefined();
    expect(entry.errors).toEqual([]);
  });

  test("takes over the handler circus registered after it, once circus's handlers are all in place", async () => {
    const environment = new Environment(configWith(), contextWith());
    openEnvironments.push(environment);
    await environment.setup();
    // Jest 30's circus keeps its handlers on the realm's global, and awaits each in turn.
    const seen: string[] = [];
    const handlers: Array<(event: CircusEvent, circus: CircusState) => unknown> = [
      (event) => seen.push(`circus ${event.name}`),
      environment.handleTestEvent.bind(environment),
    ];
    environment.global[Symbol.for('EVENT_HANDLERS')] = handlers;
    const circus = state();
    const dispatch = async (event: CircusEvent): Promise<void> => {
      for (const handler of handlers) {
        await handler(event, circus);
      }
    };
    const entry = testEntry('clean');

    await dispatch({ name: 'setup', runtimeGlobals: { expect: { extend: () => {} } } });
    handlers.push((event) => seen.push(`snapshot ${event.name}`));
    await dispatch({ name: 'run_start' });
    await dispatch({ name: 'test_start', test: entry });
    await dispatch({ name: 'test_done', test: entry });

    expect(handlers).toHaveLength(2);
    expect(seen).toEqual(
      ['setup', 'run_start', 'test_start', 'test_done'].flatMap((name) =>
        name === 'setup' ? [`circus ${name}`] : [`circus ${name}`, `snapshot ${name}`],
      ),
    );
    expect((environment as unknown as RecordingEnvironment).calls).toEqual([
      'setup',
      'event setup',
      'event run_start',
      'event test_start',
      'event test_done',
    ]);
    expect(circus.unhandledErrors).toEqual([]);
  });

  test('answers without a promise when the base has no realm to make one in', async () => {
    class RealmlessBase extends RecordingEnvironment {
      override handleTestEvent(): Promise<void> {
        return undefined as unknown as Promise<void>;
      }
    }
    const environment = new (withIntegration(RealmlessBase as unknown as EnvironmentConstructor))(
      configWith(),
      contextWith(),
    );
    openEnvironments.push(environment);
    await environment.setup();
    const entry = testEntry('clean');

    expect(
      environment.handleTestEvent({ name: 'test_start', test: entry }, state()),
    ).toBeUndefined();
  });

  test.each([
    [
      'throws',
      (): never => {
        throw new Error('base broke');
      },
    ],
    ['rejects', (): Promise<never> => Promise.reject(new Error('base broke'))],
  ])(
    "finishes the test's scope and passes the error on when the base handler %s",
    async (_, fail) => {
      class FailingBase extends RecordingEnvironment {
        override handleTestEvent(): Promise<void> {
          return fail();
        }
      }
      const environment = new (withIntegration(FailingBase as unknown as EnvironmentConstructor))(
        configWith(),
        contextWith(),
      );
      openEnvironments.push(environment);
      await environment.setup();
      const circus = state();
      const entry = testEntry('leaks');
      // As circus calls it: `await handler(event, state)`.
      const dispatch = async (event: CircusEvent) => environment.handleTestEvent(event, circus);
      await expect(dispatch({ name: 'test_start', test: entry })).rejects.toThrow('base broke');
      environment.integrationLifecycle.handle.resources.trackResource('cache', 'temp-dir', '/a');

      await expect(dispatch({ name: 'test_done', test: entry })).rejects.toThrow('base broke');
      expect(entry.errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/^Test "cache › leaks" leaked 1/),
        }),
      ]);
    },
  );

  test('explains that matchers could not be registered when setup carries no expect', async () => {
    const { environment, circus } = await environmentInFile();
    await environment.handleTestEvent({ name: 'setup', runtimeGlobals: {} }, circus);

    expect(circus.unhandledErrors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          "jest-environment-integration could not register its matchers: Jest's `setup` event carried no `expect`.",
        ),
      }),
    ]);
  });

  test('registers the matchers on the runtime expect at setup', async () => {
    const { environment, circus } = await environmentInFile();
    const registered: string[] = [];
    const expectLike = {
      extend: (matchers: Record<string, unknown>) => registered.push(...Object.keys(matchers)),
    };
    await environment.handleTestEvent(
      { name: 'setup', runtimeGlobals: { expect: expectLike } },
      circus,
    );

    expect(registered).toEqual(
      expect.arrayContaining(['toHaveNoLeakedResources', 'toCarryErrorContext']),
    );
    expect(circus.unhandledErrors).toEqual([]);
  });

  test('adds nothing to a class it already extended, nor to its subclasses', () => {
    class Custom extends Environment {}

    expect(withIntegration(Environment as unknown as EnvironmentConstructor)).toBe(Environment);
    expect(withIntegration(Custom as unknown as EnvironmentConstructor)).toBe(Custom);
  });

  test('is torn down safely twice', async () => {
    const { environment } = await environmentInFile();
    await environment.teardown();

    await expect(environment.teardown()).resolves.toBeUndefined();
    expect(() => environment.integrationLifecycle.handle.resources).toThrow(
      /after its test file finished/,
    );
  });

  test("takes the file's docblock options over the project's", () => {
    const environment = new Environment(
      configWith({ leaks: 'warn', configMap: { 'a.*': 'a' } }),
      contextWith({ leaks: 'off' }),
    );

    expect(environment.integrationLifecycle.options).toMatchObject({
      leaks: 'off',
      configMap: { 'a.*': 'a' },
    });
  });

  test('blames the docblock for a bad option Jest copied from it into the project options', () => {
    // Jest replaces `testEnvironmentOptions.integration` with the docblock's before the
    // environment sees either.
    const fromDocblock = { leaks: 'never' };
    let refusal: unknown;
    try {
      new Environment(configWith(fromDocblock), contextWith(fromDocblock));
    } catch (error) {
      refusal = error;
    }

    expect(IntegrationError.is(refusal) && refusal.code).toBe('INVALID_OPTION');
    expect((refusal as Error).message).toMatchInlineSnapshot(
      `"@jest-environment-options: option \`leaks\` must be 'fail', 'warn' or 'off', but received string 'never'."`,
    );
  });
});

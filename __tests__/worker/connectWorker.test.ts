import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { BRAND, STATE_KEY, brandOf } from '../../src/brand';
import { ConfigChangeObserver } from '../../src/ConfigChangeObserver';
import { ErrorPropagation } from '../../src/ErrorPropagation';
import { IntegrationError } from '../../src/IntegrationError';
import { ResourceTracker } from '../../src/ResourceTracker';
import type { connectWorker as ConnectWorker } from '../../src/worker/connectWorker';
import { ReportingErrorPropagation } from '../../src/worker/ReportingErrorPropagation';
import { HUB_ENV_KEY } from '../../src/worker/workerProtocol';

/** A fresh copy of the module: `connectWorker()` keeps one connection per copy. */
function freshConnectWorker(): typeof ConnectWorker {
  let loaded: typeof ConnectWorker | undefined;
  jest.isolateModules(() => {
    // The module must be loaded anew for each case, which only require can do.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = (require('../../src/worker/connectWorker') as { connectWorker: typeof ConnectWorker })
      .connectWorker;
  });
  return loaded as typeof ConnectWorker;
}

afterEach(() => {
  delete process.env[HUB_ENV_KEY];
  delete (globalThis as Record<PropertyKey, unknown>)[STATE_KEY];
  jest.restoreAllMocks();
});

describe('connectWorker() outside a test environment', () => {
  test('works on its own: the standalone classes, records kept, nothing connected', async () => {
    const worker = freshConnectWorker()();
    worker.resources.trackResource('jobs', 'db-connection', 'db:1');
    worker.errors.captureCrossModuleError('jobs.db', 'jobs', new TypeError('refused'));
    worker.config.onConfigChange('jobs.size', 1, 2);

    expect(worker.connected).toBe(false);
    expect([brandOf(worker.resources), brandOf(worker.errors), brandOf(worker.config)]).toEqual([
      'ResourceTracker',
      'ErrorPropagation',
      'ConfigChangeObserver',
    ]);
    expect(worker.resources.verifyCleanup()).toHaveLength(1);
    expect(worker.errors.getErrorChain()).toHaveLength(1);
    expect(worker.config.getChangeLog()).toHaveLength(1);
    await expect(worker.flush()).resolves.toBeUndefined();
  });

  test('returns the same object to every call, with a flush that works unbound', async () => {
    const connectWorker = freshConnectWorker();
    const { flush } = connectWorker();

    expect(connectWorker()).toBe(connectWorker());
    await expect(flush()).resolves.toBeUndefined();
  });

  test('is branded, so that it is recognised across realms and copies', () => {
    const worker = freshConnectWorker()();

    expect(brandOf(worker)).toBe('WorkerIntegration');
    expect(Object.prototype.toString.call(worker)).toBe('[object WorkerIntegration]');
    expect(Object.keys(worker)).not.toContain(BRAND);
  });

  test('works on its own, with a warning, when the environment it names is gone', () => {
    process.env[HUB_ENV_KEY] = '/nonexistent/jest-integration-gone';
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);

    const worker = freshConnectWorker()();
    const warnings = emitWarning.mock.calls.map(([message, options]) => [
      String(message).replace(/\d+-\d+-[0-9a-f]{16}\.jsonl/, '<spool file>'),
      options,
    ]);

    expect(worker.connected).toBe(false);
    expect(warnings).toMatchInlineSnapshot(`
     [
       [
         "jest-environment-integration/worker: connectWorker() cannot reach the test environment at /nonexistent/jest-integration-gone (ENOENT: no such file or directory, open '/nonexistent/jest-integration-gone/<spool file>'): its test file has probably finished. Records stay in this worker.",
         {
           "code": "JEST_INTEGRATION_WORKER",
         },
       ],
     ]
    `);
  });

  test('refuses arguments, which it has none of, and connects nothing', () => {
    const connectWorker = freshConnectWorker() as unknown as (...args: unknown[]) => unknown;

    expect(() => connectWorker({ required: true })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as unknown as Error,
    );
    try {
      connectWorker('jobs');
    } catch (error) {
      expect(IntegrationError.is(error)).toBe(true);
      expect((error as Error).message).toMatchInlineSnapshot(
        `"connectWorker() takes no arguments, but received 1. Call connectWorker() and record through its resources, errors and config."`,
      );
    }
  });
});

describe('connectWorker() inside a test itself', () => {
  test("returns the test's own state, read at each access like integration", async () => {
    const scopes = [
      {
        resources: new ResourceTracker(),
        errors: new ErrorPropagation(),
        config: new ConfigChangeObserver(),
      },
      {
        resources: new ResourceTracker(),
        errors: new ErrorPropagation(),
        config: new ConfigChangeObserver(),
      },
    ];
    let current = 0;
    const handle = {
      get resources() {
        return scopes[current]?.resources;
      },
      get errors() {
        return scopes[current]?.errors;
      },
      get config() {
        return scopes[current]?.config;
      },
      allowLeaks: () => undefined,
    };
    Object.defineProperty(handle, BRAND, { value: 'IntegrationHandle' });
    (globalThis as Record<PropertyKey, unknown>)[STATE_KEY] = handle;

    const worker = freshConnectWorker()();
    const first = worker.resources;
    current = 1;

    expect([first, worker.resources, worker.errors, worker.config]).toEqual([
      scopes[0]?.resources,
      scopes[1]?.resources,
      scopes[1]?.errors,
      scopes[1]?.config,
    ]);
    expect(worker.connected).toBe(true);
    await expect(worker.flush()).resolves.toBeUndefined();
  });
});

describe('the errors of a worker', () => {
  function reporting() {
    const reported: string[] = [];
    const errors = new ReportingErrorPropagation((context) => reported.push(context.operation));
    return { errors, reported };
  }

  test('reports every context in capture order, from captures and boundaries alike', async () => {
    const { errors, reported } = reporting();
    errors.captureCrossModuleError('a', 'b', new Error('first'), { operation: 'one' });
    expect(() =>
      errors.boundary(
        'a',
        'b',
        () => {
          throw new Error('second');
        },
        { operation: 'two' },
      ),
    ).toThrow('second');
    const rejection = new Error('third');
    await expect(
      errors.boundary('a', 'b', () => Promise.reject(rejection), { operation: 'three' }),
    ).rejects.toBe(rejection);
    await expect(errors.boundary('a', 'b', () => Promise.resolve(4))).resolves.toBe(4);
    expect(errors.boundary('a', 'b', () => 5)).toBe(5);

    expect(reported).toEqual(['one', 'two', 'three']);
    expect(errors.getErrorChain().map((context) => context.operation)).toEqual(reported);
  });

  test("starts each context's call stack at the caller, as the standalone class does", () => {
    const { errors } = reporting();
    const context = errors.captureCrossModuleError('a', 'b', new Error('x'));
    const frames = context.context_data.call_stack as Array<{ file: string | null }>;

    expect(frames[0]?.file).toMatch(/connectWorker\.test\.ts$/);
  });

  test('keeps recording when reporting throws', () => {
    const errors = new ReportingErrorPropagation(() => {
      throw new Error('channel broken');
    });

    expect(() => errors.captureCrossModuleError('a', 'b', 'boom')).not.toThrow();
    expect(errors.getErrorChain()).toHaveLength(1);
  });
});

import { describe, expect, test } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { IntegrationLifecycle } from '../../environment/IntegrationLifecycle';
import { resolveOptions } from '../../environment/options';
import type { IntegrationOptionsInput } from '../../environment/options';
import { brandOf } from '../../src/brand';
import { IntegrationError } from '../../src/IntegrationError';

/** A closable resource, as a server or watcher would be: adopt() sees close() and 'close'. */
class FakeHandle extends EventEmitter {
  closed = 0;
  close(): void {
    this.closed += 1;
    this.emit('close');
  }
}

function lifecycleWith(options: IntegrationOptionsInput = {}) {
  const warnings: string[] = [];
  const realmProcess = { env: { HOME: '/home/test' } as NodeJS.ProcessEnv };
  const lifecycle = new IntegrationLifecycle({
    options: resolveOptions(options),
    rootDir: __dirname,
    testPath: 'cache.test.ts',
    realmProcess,
    warn: (message) => warnings.push(message),
  });
  return { lifecycle, warnings, realmProcess };
}

function messagesOf(errors: Error[]): string[] {
  return errors.map((error) => error.message.replace(/open for \d+ ms/g, 'open for <n> ms'));
}

describe('IntegrationLifecycle verdicts', () => {
  test('fails a test that leaks, with the report as message and stack', async () => {
    const { lifecycle } = lifecycleWith();
    const scope = lifecycle.start('test', 'cache › closes');
    lifecycle.handle.resources.trackResource('cache', 'temp-dir', '/tmp/a');

    const errors = await lifecycle.finish(scope);

    expect(messagesOf(errors)).toEqual([
      expect.stringContaining('Test "cache › closes" leaked 1 resource'),
    ]);
    expect(errors[0]?.name).toBe('ResourceLeakError');
    expect(errors[0]?.stack).toMatch(
      /^Test "cache › closes" leaked[\s\S]*\n {4}at .*IntegrationLifecycle\.test\.ts:\d+:\d+$/,
    );
    expect(JSON.parse(JSON.stringify(errors[0]))).toMatchObject({
      leaked_resources: [
        { resource_id: '/tmp/a', resource_type: 'temp-dir', owner_module: 'cache' },
      ],
    });
  });

  test('passes a test that released everything at once, without a promise', () => {
    const { lifecycle } = lifecycleWith();
    const scope = lifecycle.start('test', 'clean');
    lifecycle.handle.resources.trackResource('cache', 'temp-dir', '/tmp/a');
    lifecycle.handle.resources.releaseResource('/tmp/a');

    expect(lifecycle.finish(scope)).toEqual([]);
    expect(lifecycle.innermost()).toBeUndefined();
  });

  test('warns instead of failing under leaks: warn, and still closes the leak', async () => {
    const { lifecycle, warnings } = lifecycleWith({ leaks: 'warn' });
    const scope = lifecycle.start('test', 'warned');
    const handle = new FakeHandle();
    lifecycle.handle.resources.adopt('api', 'tcp-server', handle);

    expect(await lifecycle.finish(scope)).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining("This is a warning (`leaks: 'warn'`)")]);
    expect(handle.closed).toBe(1);
  });

  test('checks and closes nothing under leaks: off', async () => {
    const { lifecycle, warnings } = lifecycleWith({ leaks: 'off' });
    const scope = lifecycle.start('test', 'unchecked');
    const handle = new FakeHandle();
    lifecycle.handle.resources.adopt('api', 'tcp-server', handle);

    expect(await lifecycle.finish(scope)).toEqual([]);
    expect(warnings).toEqual([]);
    expect(handle.closed).toBe(0);
  });

  test.each([
    ['closes what leaked by default', {}, 1, '(closed by the environment)'],
    ['leaves it open with closeLeaked: false', { closeLeaked: false }, 0, 'created at'],
  ])('%s', async (_case, options, closedTimes, reportSays) => {
    const { lifecycle } = lifecycleWith(options);
    const scope = lifecycle.start('test', 'leaky');
    const handle = new FakeHandle();
    lifecycle.handle.resources.adopt('api', 'tcp-server', handle);

    const errors = await lifecycle.finish(scope);

    expect(handle.closed).toBe(closedTimes);
    expect(errors[0]?.message).toContain(reportSays);
  });

  test.each([
    ['allowed by the test', { leaks: 'fail' as const }, 'allow'],
    ['excused by the ignore option', { ignore: [{ module: 'metrics' }] }, 'ignore'],
  ])('closes only the reported leaks, never one %s', async (_case, options, how) => {
    const { lifecycle } = lifecycleWith(options);
    const scope = lifecycle.start('test', 'leaky');
    const reported = new FakeHandle();
    const excused = new FakeHandle();
    lifecycle.handle.resources.adopt('api', 'tcp-server', reported);
    lifecycle.handle.resources.adopt('metrics', 'tcp-server', excused);
    if (how === 'allow') {
      lifecycle.handle.allowLeaks({ module: 'metrics' });
    }

    const errors = await lifecycle.finish(scope);

    expect(errors).toHaveLength(1);
    expect(reported.closed).toBe(1);
    expect(excused.closed).toBe(0);
  });

  test('lets a close that finishes shortly after the test settle before the verdict', async () => {
    const { lifecycle } = lifecycleWith();
    const scope = lifecycle.start('test', 'async close');
    const closing = new EventEmitter();
    lifecycle.handle.resources.adopt('api', 'socket', closing, { event: 'close' });
    setTimeout(() => closing.emit('close'), 10);

    expect(await lifecycle.finish(scope)).toEqual([]);
  });

  test.each([
    ['every leak', undefined],
    ['leaks matching a filter', { module: 'metrics.**' }],
  ])('lets a test allow %s', async (_case, filter) => {
    const { lifecycle } = lifecycleWith();
    const scope = lifecycle.start('test', 'allowed');
    lifecycle.handle.resources.trackResource('metrics.flush', 'timer', 'timer:1');
    lifecycle.handle.allowLeaks(filter);

    expect(await lifecycle.finish(scope)).toEqual([]);
  });

  test('never reports what the ignore option names', async () => {
    const { lifecycle } = lifecycleWith({ ignore: [{ type: 'pool', module: 'db' }] });
    const scope = lifecycle.start('test', 'ignored');
    lifecycle.handle.resources.trackResource('db', 'pool', 'pool:1');
    lifecycle.handle.resources.trackResource('db', 'socket', 'socket:1');

    const errors = await lifecycle.finish(scope);

    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('socket "socket:1"');
    expect(errors[0]?.message).not.toContain('pool:1');
  });

  test('reports an allowLeaks predicate that throws, and counts its resources as leaked', async () => {
    const { lifecycle } = lifecycleWith();
    const scope = lifecycle.start('test', 'bad filter');
    lifecycle.handle.resources.trackResource('db', 'pool', 'pool:1');
    lifecycle.handle.allowLeaks(() => {
      throw 'no idea';
    });

    expect(messagesOf(await lifecycle.finish(scope))).toEqual([
      "integration.allowLeaks(filter): the filter function threw string 'no idea'; the resources it was asked about count as leaked.",
      expect.stringContaining('pool "pool:1"'),
    ]);
  });

  test('reports a tracker that breaks as a bug, and still closes what leaked', async () => {
    const { lifecycle } = lifecycleWith();
    const scope = lifecycle.start('test', 'broken');
    const handle = new FakeHandle();
    scope.resources.adopt('api', 'tcp-server', handle);
    Object.defineProperty(scope.resources, 'verifyCleanup', {
      value: () => {
        throw new TypeError('tracker exploded');
      },
    });

    expect(messagesOf(await lifecycle.finish(scope))).toEqual([
      'jest-environment-integration failed while checking test "broken" for leaked resources: TypeError: tracker exploded. This is a bug in jest-environment-integration; please report it with this message.',
    ]);
    expect(handle.closed).toBe(1);
  });
});

describe('IntegrationLifecycle scopes', () => {
  test('gives every scope fresh state, and the handle reads the innermost', async () => {
    const { lifecycle } = lifecycleWith();
    const file = lifecycle.start('file', 'cache.test.ts');
    const suite = lifecycle.start('describe', 'cache');
    const suiteResources = lifecycle.handle.resources;
    const test1 = lifecycle.start('test', 'cache › a');

    expect(lifecycle.handle.resources).not.toBe(suiteResources);
    expect(lifecycle.handle.resources).toBe(test1.resources);
    expect(brandOf(lifecycle.handle)).toBe('IntegrationHandle');

    await lifecycle.finish(test1);
    expect(lifecycle.handle.resources).toBe(suiteResources);
    await lifecycle.finish(suite);
    expect(lifecycle.handle.resources).toBe(file.resources);
  });

  test('records env changes in the scope that made them and undoes them when it ends', async () => {
    const { lifecycle, realmProcess } = lifecycleWith();
    const file = lifecycle.start('file', 'cache.test.ts');
    const suite = lifecycle.start('describe', 'cache');
    realmProcess.env.SUITE = 'on';
    const test1 = lifecycle.start('test', 'cache › a');
    realmProcess.env.TEST = 'on';
    delete realmProcess.env.HOME;

    expect(test1.config.getChangeLog().map((event) => event.config_path)).toEqual([
      'env.TEST',
      'env.HOME',
    ]);
    expect(suite.config.getChangeLog().map((event) => event.config_path)).toEqual(['env.SUITE']);
    await lifecycle.finish(test1);
    expect(realmProcess.env).toEqual({ HOME: '/home/test', SUITE: 'on' });
    await lifecycle.finish(suite);
    await lifecycle.finish(file);
    expect(realmProcess.env).toEqual({ HOME: '/home/test' });
  });

  test('makes no tracker, observer or env proxy for a scope that used none', async () => {
    const { lifecycle } = lifecycleWith();
    const file = lifecycle.start('file', 'cache.test.ts');
    const quiet = lifecycle.start('test', 'quiet');

    expect(await lifecycle.finish(quiet)).toEqual([]);
    expect([quiet.madeResources(), quiet.madeConfig(), quiet.madeErrors()]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(file.madeConfig()).toBeUndefined();
  });

  test('sees what the scopes around it changed in process.env, assigned whole or not', async () => {
    const { lifecycle, realmProcess } = lifecycleWith();
    const file = lifecycle.start('file', 'cache.test.ts');
    const suite = lifecycle.start('describe', 'cache');
    realmProcess.env = { ...realmProcess.env, SUITE: 'whole' };
    const test1 = lifecycle.start('test', 'cache › a');

    expect(realmProcess.env.SUITE).toBe('whole');
    realmProcess.env.TEST = 'on';
    expect(test1.config.getChangeLog().map((event) => event.config_path)).toEqual(['env.TEST']);
    await lifecycle.finish(test1);
    expect(realmProcess.env).toEqual({ HOME: '/home/test', SUITE: 'whole' });
    await lifecycle.finish(suite);
    expect(realmProcess.env).toEqual({ HOME: '/home/test' });
    await lifecycle.finish(file);
  });

  test('takes back a process.env a test redefined, and keeps the one its file defined', async () => {
    const { lifecycle, realmProcess } = lifecycleWith();
    const file = lifecycle.start('file', 'cache.test.ts');
    // What a spy set in a top-level beforeAll would do.
    const fileEnv = { FILE: 'spied' };
    Object.defineProperty(realmProcess, 'env', { configurable: true, get: () => fileEnv });
    const test1 = lifecycle.start('test', 'redefines');
    Object.defineProperty(realmProcess, 'env', { configurable: true, value: { TEST: 'own' } });

    await lifecycle.finish(test1);
    expect(realmProcess.env).toBe(fileEnv);
    await lifecycle.finish(file);
    expect(realmProcess.env).toEqual({ HOME: '/home/test' });
    lifecycle.dispose();
    expect(Object.getOwnPropertyDescriptor(realmProcess, 'env')).toEqual({
      value: { HOME: '/home/test' },
      writable: true,
      enumerable: true,
      configurable: true,
    });
  });

  test('asks its listeners once to bring records up to date before a verdict', async () => {
    const { lifecycle } = lifecycleWith();
    const asked: string[] = [];
    lifecycle.addScopeListener({
      beforeLeakCheck: () => asked.push('beforeLeakCheck'),
      beforeRead: () => asked.push('beforeRead'),
    });
    const scope = lifecycle.start('test', 'tracks');
    lifecycle.handle.resources.trackResource('cache', 'temp-dir', '/tmp/a');
    lifecycle.handle.resources.releaseResource('/tmp/a');
    expect(lifecycle.handle.resources.getAllResources()).toHaveLength(1);
    asked.length = 0;

    expect(await lifecycle.finish(scope)).toEqual([]);
    expect(asked).toEqual(['beforeLeakCheck']);
  });

  test('undoes config changes of a scope that failed', async () => {
    const { lifecycle } = lifecycleWith();
    const settings = { timeout_ms: 100 };
    const scope = lifecycle.start('test', 'failing');
    lifecycle.handle.config.observe(settings, 'settings').timeout_ms = 250;

    await lifecycle.finish(scope);

    expect(settings.timeout_ms).toBe(100);
  });

  test('reports a change that cannot be undone, naming the scope', async () => {
    const { lifecycle } = lifecycleWith();
    const settings: { timeout_ms: number } = { timeout_ms: 100 };
    const scope = lifecycle.start('test', 'freezes');
    lifecycle.handle.config.observe(settings, 'settings').timeout_ms = 250;
    Object.freeze(settings);

    const errors = await lifecycle.finish(scope);

    expect(errors).toHaveLength(1);
    expect(IntegrationError.is(errors[0]) && errors[0].code).toBe('INVALID_STATE');
    expect(errors[0]?.message).toMatch(
      /^After test "freezes": config\.restore\(\): 1 observed change could not be undone/,
    );
  });

  test('lets only the first of concurrent tests record env, so scopes can end in any order', async () => {
    const { lifecycle, realmProcess } = lifecycleWith();
    const first = lifecycle.start('test', 'concurrent 1');
    const second = lifecycle.start('test', 'concurrent 2');
    realmProcess.env.SHARED = 'x';

    expect(first.config.getChangeLog()).toHaveLength(1);
    expect(second.config.getChangeLog()).toEqual([]);
    await lifecycle.finish(first);
    await lifecycle.finish(second);
    expect(realmProcess.env).toEqual({ HOME: '/home/test' });
  });

  test('discards a skipped test without a verdict', () => {
    const { lifecycle } = lifecycleWith();
    const file = lifecycle.start('file', 'cache.test.ts');
    const skipped = lifecycle.start('test', 'skipped');

    lifecycle.discard(skipped);

    expect(lifecycle.current()).toBe(file);
  });

  test('tells scope listeners when scopes start and finish, and survives a throwing one', async () => {
    const { lifecycle } = lifecycleWith();
    const seen: string[] = [];
    lifecycle.addScopeListener({
      scopeStarted: () => {
        throw new Error('listener bug');
      },
    });
    const remove = lifecycle.addScopeListener({
      scopeStarted: (scope) => seen.push(`start ${scope.name}`),
      scopeFinished: (scope) => seen.push(`finish ${scope.name}`),
    });

    await lifecycle.finish(lifecycle.start('describe', 'a'));
    remove();
    await lifecycle.finish(lifecycle.start('describe', 'b'));

    expect(seen).toEqual(['start a', 'finish a']);
  });

  test('tells listeners of a test only once something asks for its scope', async () => {
    const { lifecycle } = lifecycleWith();
    const file = lifecycle.start('file', 'cache.test.ts');
    const seen: string[] = [];
    lifecycle.addScopeListener({
      scopeStarted: (scope) => seen.push(`start ${scope.name}`),
      beforeLeakCheck: (scope) => seen.push(`check ${scope.name}`),
      verdictErrors: (scope) => (seen.push(`verdict errors ${scope.name}`), []),
      scopeFinished: (scope) => seen.push(`finish ${scope.name}`),
    });
    let named = 0;
    const quiet = lifecycle.start('test', () => {
      named += 1;
      return 'quiet';
    });

    expect(lifecycle.isRunning(quiet)).toBe(true);
    expect(seen).toEqual([]);
    expect(lifecycle.finish(quiet)).toEqual([]);
    expect(lifecycle.isRunning(quiet)).toBe(false);
    expect(seen).toEqual(['finish quiet']);
    expect(named).toBe(1);

    seen.length = 0;
    const used = lifecycle.start('test', 'used');
    expect(lifecycle.current()).toBe(used);
    expect(seen).toEqual(['start used']);
    expect(lifecycle.scopes()).toEqual([file, used]);
    expect(lifecycle.finish(used)).toEqual([]);
    expect(seen).toEqual(['start used', 'check used', 'verdict errors used', 'finish used']);
  });

  test.each([
    ['the innermost scope is asked for', (lifecycle: IntegrationLifecycle) => lifecycle.innermost()],
    ['the running scopes are listed', (lifecycle: IntegrationLifecycle) => lifecycle.scopes()],
    ['integration is used', (lifecycle: IntegrationLifecycle) => lifecycle.handle.resources],
    ['process.env is read', (_lifecycle: IntegrationLifecycle, env: { env: object }) => env.env],
  ])('starts a test for listeners when %s', (_case, ask) => {
    const { lifecycle, realmProcess } = lifecycleWith();
    lifecycle.start('file', 'cache.test.ts');
    const started: string[] = [];
    lifecycle.addScopeListener({ scopeStarted: (scope) => started.push(scope.name) });
    const test = lifecycle.start('test', 'asks');

    ask(lifecycle, realmProcess);

    expect(started).toEqual(['asks']);
    expect(lifecycle.innermost()).toBe(test);
    expect(started).toEqual(['asks']);
  });

  test('takes back a process.env that a quiet test redefined, and keeps its changes out', () => {
    const { lifecycle, realmProcess } = lifecycleWith();
    lifecycle.start('file', 'cache.test.ts');
    const test = lifecycle.start('test', 'redefines');
    Object.defineProperty(realmProcess, 'env', { value: { ONLY: 'here' }, configurable: true });

    expect(lifecycle.finish(test)).toEqual([]);

    expect(realmProcess.env).toEqual({ HOME: '/home/test' });
  });

  test('lets listeners update records before each look at leaks and excuse some', async () => {
    const { lifecycle } = lifecycleWith();
    const scope = lifecycle.start('test', 'auto-tracked');
    lifecycle.handle.resources.trackResource('jobs', 'timer', 'timer:fired');
    lifecycle.handle.resources.trackResource('jobs', 'timer', 'timer:unref');
    let checks = 0;
    lifecycle.addScopeListener({
      beforeLeakCheck: (checked) => {
        checks += 1;
        if (checks === 2) {
          checked.resources.releaseResource('timer:fired');
        }
      },
      isIgnored: (record) => record.resource_id === 'timer:unref',
    });

    expect(await lifecycle.finish(scope)).toEqual([]);
    // Before the first look, after the settling pause, and once more before the scope
    // ends, since a pause came between.
    expect(checks).toBe(3);
  });

  test.each([
    ['a clean scope', 'fail'],
    ['a scope under leaks: off', 'off'],
  ] as const)('lets listeners update the records of %s once', (_case, leaks) => {
    const { lifecycle } = lifecycleWith({ leaks });
    const scope = lifecycle.start('describe', 'clean');
    const looks: string[] = [];
    lifecycle.addScopeListener({
      beforeLeakCheck: () => looks.push('update'),
      verdictErrors: () => (looks.push('verdict errors'), []),
    });

    expect(lifecycle.finish(scope)).toEqual([]);
    expect(looks).toEqual(['update', 'verdict errors']);
  });

  test.each([
    ['before the file started', false, /before its test file started/],
    ['after teardown', true, /after its test file finished/],
  ])('refuses use of integration %s', (_case, disposed, message) => {
    const { lifecycle } = lifecycleWith();
    if (disposed) {
      lifecycle.dispose();
      lifecycle.dispose();
    }

    expect(() => lifecycle.handle.resources).toThrow(message);
    let refusal: unknown;
    try {
      lifecycle.handle.allowLeaks();
    } catch (error) {
      refusal = error;
    }
    expect(IntegrationError.is(refusal) && refusal.code).toBe('INVALID_STATE');
  });

  test.each([
    ['a name', 'cache › late'],
    ['a function giving the name', () => 'cache › late'],
  ])('refuses to start a scope after teardown, given %s', (_case, name) => {
    const { lifecycle } = lifecycleWith();
    lifecycle.dispose();

    let refusal: unknown;
    try {
      lifecycle.start('test', name);
    } catch (error) {
      refusal = error;
    }

    expect(IntegrationError.is(refusal) && refusal.code).toBe('INVALID_STATE');
    expect((refusal as Error).message).toBe(
      'cannot start test "cache › late": the environment was torn down.',
    );
  });

  test('undoes open scopes and forgets them at teardown', () => {
    const { lifecycle, realmProcess } = lifecycleWith();
    lifecycle.start('file', 'cache.test.ts');
    lifecycle.start('test', 'interrupted');
    realmProcess.env.LEFT = 'behind';

    lifecycle.dispose();

    expect(realmProcess.env).toEqual({ HOME: '/home/test' });
    expect(lifecycle.scopes()).toEqual([]);
  });
});

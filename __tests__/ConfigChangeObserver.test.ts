import { describe, expect, jest, test } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import { brandOf } from '../src/brand';
import { ConfigChangeObserver, prepareConfigObserverOptions } from '../src/ConfigChangeObserver';
import type { ConfigChangeObserverOptions } from '../src/ConfigChangeObserver';
import { IntegrationError } from '../src/IntegrationError';
import type { ConfigChangeEvent } from '../src/records';

/** What `fn` threw; fails the test when it threw nothing. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, but it returned');
}

function integrationErrorOf(fn: () => unknown): IntegrationError {
  const error = thrownBy(fn);
  if (!IntegrationError.is(error)) {
    throw new Error(`expected an IntegrationError, got ${String(error)}`);
  }
  return error;
}

/** A process object of its own, so tests never touch the real environment variables. */
function fakeProcess(env: Record<string, string> = { HOME: '/home/ada', PORT: '80' }): {
  env: NodeJS.ProcessEnv;
} {
  return { env: { ...env } };
}

function pathsOf(observer: ConfigChangeObserver): string[] {
  return observer.getChangeLog().map((event) => event.config_path);
}

function changesOf(observer: ConfigChangeObserver): [string, unknown, unknown][] {
  return observer
    .getChangeLog()
    .map((event) => [event.config_path, event.old_value, event.new_value]);
}

describe('new ConfigChangeObserver(options)', () => {
  test('is branded, so it is recognised across realms and package copies', () => {
    const observer = new ConfigChangeObserver();

    expect(brandOf(observer)).toBe('ConfigChangeObserver');
    expect(Object.keys(observer)).toEqual([]);
  });

  const badOptions: [string, unknown][] = [
    ['options that are not an object', 'all'],
    ['options that are an array', []],
    ['an unknown option', { unmapped: 'all' }],
    ['a configMap that is not an object', { configMap: ['parser'] }],
    ['a configMap key that is empty', { configMap: { '': 'cli.main' } }],
    ['a configMap value that is an empty string', { configMap: { parser: '' } }],
    ['a configMap value that is a number', { configMap: { parser: 42 } }],
    [
      'a configMap value list with a blank name',
      { configMap: { parser: ['chunker.parser', ' '] } },
    ],
    ['an unmappedConfig other than all or none', { unmappedConfig: 'some' }],
    ['knownModules that are a string', { knownModules: 'cli.main' }],
    ['knownModules with a non-string', { knownModules: ['cli.main', null] }],
    ['a process without env', { process: {} }],
    ['a process that is null', { process: null }],
  ];

  test.each(badOptions)('refuses %s with INVALID_ARGUMENT', (_, options) => {
    const error = integrationErrorOf(
      () => new ConfigChangeObserver(options as ConfigChangeObserverOptions),
    );

    expect(error.code).toBe('INVALID_ARGUMENT');
  });

  test('names the wrong option and what it accepts', () => {
    const messages = badOptions.map(
      ([, options]) =>
        integrationErrorOf(() => new ConfigChangeObserver(options as ConfigChangeObserverOptions))
          .message,
    );

    expect(messages).toMatchInlineSnapshot(`
     [
       "new ConfigChangeObserver(options): \`options\` must be an object or undefined, but received string 'all'. Pass an object with any of \`configMap\`, \`unmappedConfig\`, \`knownModules\`, \`process\`.",
       "new ConfigChangeObserver(options): \`options\` must be an object or undefined, but received array []. Pass an object with any of \`configMap\`, \`unmappedConfig\`, \`knownModules\`, \`process\`.",
       "new ConfigChangeObserver(options): \`options.unmapped\` must be one of the known options, but received string 'all'. Pass only \`configMap\`, \`unmappedConfig\`, \`knownModules\`, \`process\` (check the spelling).",
       "new ConfigChangeObserver(options): \`options.configMap\` must be an object or undefined, but received array [ 'parser' ]. Pass an object from config path patterns to module names, such as { 'parser.*': ['chunker.parser'] }.",
       "new ConfigChangeObserver(options): \`options.configMap\` must be keyed by non-empty config path patterns, but received string ''. Pass keys such as 'parser', 'parser.timeout_ms' or 'env.*'.",
       "new ConfigChangeObserver(options): \`options.configMap['parser']\` must be a non-empty string, but received string ''. Pass a module name such as 'chunker.parser'.",
       "new ConfigChangeObserver(options): \`options.configMap['parser']\` must be a module name or an array of them, but received number 42. Pass module names such as ['chunker.parser', 'cli.main'].",
       "new ConfigChangeObserver(options): \`options.configMap['parser'][1]\` must be a non-empty string, but received string ' '. Pass a module name such as 'chunker.parser'.",
       "new ConfigChangeObserver(options): \`options.unmappedConfig\` must be 'all' or 'none', but received string 'some'. Pass 'all' (an unmapped path affects every known module) or 'none' (it affects none).",
       "new ConfigChangeObserver(options): \`options.knownModules\` must be an array of module names, but received string 'cli.main'. Pass module names such as ['chunker.parser', 'cli.main'].",
       "new ConfigChangeObserver(options): \`options.knownModules[1]\` must be a non-empty string, but received null. Pass a module name such as 'chunker.parser'.",
       "new ConfigChangeObserver(options): \`options.process\` must be an object with an \`env\` object, but received object {}. Pass the \`process\` whose \`env\` to observe (the test's own \`process\`), or leave it out for the global one.",
       "new ConfigChangeObserver(options): \`options.process\` must be an object with an \`env\` object, but received null. Pass the \`process\` whose \`env\` to observe (the test's own \`process\`), or leave it out for the global one.",
     ]
    `);
  });

  test('accepts every option at once, and none at all', () => {
    expect(
      () =>
        new ConfigChangeObserver({
          configMap: { parser: 'chunker.parser', 'env.*': ['cli.main', 'cache.store'] },
          unmappedConfig: 'none',
          knownModules: ['metrics'],
          process: fakeProcess(),
        }),
    ).not.toThrow();
    expect(() => new ConfigChangeObserver(undefined)).not.toThrow();
    expect(() => new ConfigChangeObserver({})).not.toThrow();
  });
});

describe('prepareConfigObserverOptions(options)', () => {
  test('gives observers that behave as ones made from the options themselves', () => {
    const options: ConfigChangeObserverOptions = {
      configMap: { parser: 'chunker.parser', 'env.CACHE_*': ['cache.store'] },
      unmappedConfig: 'none',
      knownModules: ['metrics'],
      process: fakeProcess(),
    };
    const prepared = prepareConfigObserverOptions(options);
    const observers = [new ConfigChangeObserver(options), new ConfigChangeObserver(prepared)];

    for (const path of ['parser.timeout_ms', 'env.CACHE_DIR', 'env.HOME', 'metrics']) {
      const [plain, fromPrepared] = observers.map((observer) => observer.getAffectedModules(path));
      expect(fromPrepared).toEqual(plain);
    }
    expect(Object.isFrozen(prepared)).toBe(true);
  });

  test('keeps what it checked, whatever happens to the options afterwards', () => {
    const configMap: Record<string, string> = { parser: 'chunker.parser' };
    const prepared = prepareConfigObserverOptions({ configMap });
    configMap['parser'] = 'somebody.else';
    configMap['cache'] = '';

    expect(new ConfigChangeObserver(prepared).getAffectedModules('parser.x')).toEqual([
      'chunker.parser',
    ]);
  });

  test('refuses wrong options as the constructor does', () => {
    const error = integrationErrorOf(() =>
      prepareConfigObserverOptions({ unmappedConfig: 'some' as 'all' }),
    );

    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^new ConfigChangeObserver\(options\): `options.unmappedConfig`/);
  });
});

describe('onConfigChange(path, oldValue, newValue)', () => {
  test('records an event with exactly the standard keys and returns it', () => {
    const observer = new ConfigChangeObserver({ configMap: { parser: 'chunker.parser' } });

    const event = observer.onConfigChange('parser.timeout_ms', 100, 250);

    expect(Object.keys(event)).toEqual([
      'config_path',
      'old_value',
      'new_value',
      'affected_modules',
      'timestamp',
    ]);
    expect(event).toEqual({
      config_path: 'parser.timeout_ms',
      old_value: 100,
      new_value: 250,
      affected_modules: ['chunker.parser'],
      timestamp: expect.any(Number),
    });
    expect(observer.getChangeLog()).toEqual([event]);
    expect(observer.getChangeLog()[0]).toBe(event);
  });

  test('stamps events with epoch milliseconds that never go backwards', () => {
    const observer = new ConfigChangeObserver();
    const before = Date.now();

    for (let index = 0; index < 100; index += 1) {
      observer.onConfigChange('counter', index, index + 1);
    }

    const timestamps = observer.getChangeLog().map((event) => event.timestamp);
    expect(timestamps[0]).toBeGreaterThanOrEqual(before - 1);
    expect(timestamps[99]).toBeLessThanOrEqual(Date.now() + 1);
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
  });

  test('records a reported change even when both values are the same: the caller says it changed', () => {
    const observer = new ConfigChangeObserver();

    observer.onConfigChange('parser.mode', 'fast', 'fast');

    expect(changesOf(observer)).toEqual([['parser.mode', 'fast', 'fast']]);
  });

  test('freezes events, so one subscriber cannot alter what the others and the log see', () => {
    const observer = new ConfigChangeObserver({ configMap: { parser: 'chunker.parser' } });
    observer.subscribe((event) => {
      expect(() => {
        (event as { config_path: string }).config_path = 'tampered';
      }).toThrow(TypeError);
      expect(() => event.affected_modules.push('tampered')).toThrow(TypeError);
    });

    observer.onConfigChange('parser.mode', 'slow', 'fast');

    expect(observer.getChangeLog()[0]).toMatchObject({
      config_path: 'parser.mode',
      affected_modules: ['chunker.parser'],
    });
  });

  const badPaths: [string, unknown][] = [
    ['an empty path', ''],
    ['a blank path', '   '],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an array of segments', ['parser', 'timeout_ms']],
  ];

  test.each(badPaths)('refuses %s, recording nothing', (_, path) => {
    const observer = new ConfigChangeObserver();
    const listener = jest.fn();
    observer.subscribe(listener);

    const error = integrationErrorOf(() => observer.onConfigChange(path as string, 1, 2));

    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(observer.getChangeLog()).toEqual([]);
    expect(listener).not.toHaveBeenCalled();
  });

  test('says what a good path looks like', () => {
    const observer = new ConfigChangeObserver();

    const messages = badPaths.map(
      ([, path]) => integrationErrorOf(() => observer.onConfigChange(path as string, 1, 2)).message,
    );

    expect(messages).toMatchInlineSnapshot(`
     [
       "config.onConfigChange(path, oldValue, newValue): \`path\` must be a non-empty string, but received string ''. Pass a dotted config path such as 'parser.timeout_ms'.",
       "config.onConfigChange(path, oldValue, newValue): \`path\` must be a non-empty string, but received string '   '. Pass a dotted config path such as 'parser.timeout_ms'.",
       "config.onConfigChange(path, oldValue, newValue): \`path\` must be a non-empty string, but received number 42. Pass a dotted config path such as 'parser.timeout_ms'.",
       "config.onConfigChange(path, oldValue, newValue): \`path\` must be a non-empty string, but received null. Pass a dotted config path such as 'parser.timeout_ms'.",
       "config.onConfigChange(path, oldValue, newValue): \`path\` must be a non-empty string, but received undefined. Pass a dotted config path such as 'parser.timeout_ms'.",
       "config.onConfigChange(path, oldValue, newValue): \`path\` must be a non-empty string, but received array [ 'parser', 'timeout_ms' ]. Pass a dotted config path such as 'parser.timeout_ms'.",
     ]
    `);
  });
});

describe('getAffectedModules(path)', () => {
  const configMap = {
    parser: 'chunker.parser',
    'parser.limits': ['chunker.limits'],
    'parser.limits.max': ['chunker.max', 'chunker.limits', 'chunker.max'],
    'cache.dir': ['cache.store'],
    'env.*': ['cli.main'],
    'env.CACHE_*': ['cache.store'],
    'plugins.**': ['plugins.loader'],
    '*.timeout_ms': ['scheduler'],
    'quiet.**': [],
  };
  const observer = new ConfigChangeObserver({
    configMap,
    knownModules: ['metrics', 'cli.main'],
  });

  test.each<[string, string, string[]]>([
    ['the exact key', 'parser.limits.max', ['chunker.limits', 'chunker.max']],
    ['the exact key before any prefix', 'parser.limits', ['chunker.limits']],
    ['the longest dotted prefix', 'parser.limits.min', ['chunker.limits']],
    ['a shorter prefix when no longer one is mapped', 'parser.timeout', ['chunker.parser']],
    ['a prefix over globs that would also match', 'parser.timeout_ms', ['chunker.parser']],
    ['a one-segment glob', 'env.HOME', ['cli.main']],
    ['every matching glob, merged and sorted', 'env.CACHE_DIR', ['cache.store', 'cli.main']],
    ['a glob with ** at any depth', 'plugins.a.b.c', ['plugins.loader']],
    ['a glob with a leading *', 'server.timeout_ms', ['scheduler']],
    ['a glob that maps to no module', 'quiet.logs', []],
  ])('uses %s: %s', (_, path, expected) => {
    expect(observer.getAffectedModules(path)).toEqual(expected);
  });

  test.each<[string, string]>([
    ['a key that is only the start of a segment', 'pars.timeout'],
    ['a key that shares a prefix without the dot', 'parser_v2.mode'],
    ['the parent of a mapped key', 'cache'],
    ['a single * across two segments', 'env.A.B'],
    ['a leading * across two segments', 'a.b.timeout_ms'],
  ])('does not treat %s (%s) as a match', (_, path) => {
    expect(observer.getAffectedModules(path)).toEqual([
      'cache.store',
      'chunker.limits',
      'chunker.max',
      'chunker.parser',
      'cli.main',
      'metrics',
      'plugins.loader',
      'scheduler',
    ]);
  });

  test("gives an unmapped path every known module with 'all' (the default), none with 'none'", () => {
    const all = new ConfigChangeObserver({
      configMap: { parser: 'chunker.parser' },
      knownModules: ['b', 'a', 'b'],
    });
    const none = new ConfigChangeObserver({
      configMap: { parser: 'chunker.parser' },
      unmappedConfig: 'none',
      knownModules: ['a'],
    });

    expect(all.getAffectedModules('cache.dir')).toEqual(['a', 'b', 'chunker.parser']);
    expect(none.getAffectedModules('cache.dir')).toEqual([]);
    expect(new ConfigChangeObserver().getAffectedModules('anything')).toEqual([]);
  });

  test('treats a slash in a path as a plain character, not a separator', () => {
    const slashes = new ConfigChangeObserver({
      configMap: { 'paths.*': 'resolver' },
      unmappedConfig: 'none',
    });

    expect(slashes.getAffectedModules('paths./usr/bin')).toEqual(['resolver']);
    expect(slashes.getAffectedModules('paths.a.b')).toEqual([]);
  });

  test('returns a fresh list each time, so changing it changes nothing', () => {
    const list = observer.getAffectedModules('parser.x');
    list.push('intruder');

    expect(observer.getAffectedModules('parser.x')).toEqual(['chunker.parser']);
    expect(observer.getAffectedModules('cache.x')).not.toContain('intruder');
  });

  test('puts the same modules on recorded events', () => {
    const recording = new ConfigChangeObserver({ configMap });

    recording.onConfigChange('env.CACHE_DIR', undefined, '/tmp');

    expect(recording.getChangeLog()[0]?.affected_modules).toEqual(['cache.store', 'cli.main']);
  });

  test('refuses a path that is not a non-empty string', () => {
    const messages = [undefined, '', 7].map((path) => {
      const error = integrationErrorOf(() => observer.getAffectedModules(path as string));
      expect(error.code).toBe('INVALID_ARGUMENT');
      return error.message;
    });

    expect(messages).toMatchInlineSnapshot(`
     [
       "config.getAffectedModules(path): \`path\` must be a non-empty string, but received undefined. Pass a dotted config path such as 'parser.timeout_ms'.",
       "config.getAffectedModules(path): \`path\` must be a non-empty string, but received string ''. Pass a dotted config path such as 'parser.timeout_ms'.",
       "config.getAffectedModules(path): \`path\` must be a non-empty string, but received number 7. Pass a dotted config path such as 'parser.timeout_ms'.",
     ]
    `);
  });
});

describe('subscribe(listener)', () => {
  test('notifies subscribers in the order they subscribed, with the logged event', () => {
    const observer = new ConfigChangeObserver();
    const calls: [string, ConfigChangeEvent][] = [];
    observer.subscribe((event) => calls.push(['first', event]));
    observer.subscribe((event) => calls.push(['second', event]));

    const event = observer.onConfigChange('a', 1, 2);

    expect(calls).toEqual([
      ['first', event],
      ['second', event],
    ]);
    expect(calls[0]?.[1]).toBe(event);
  });

  test('returns an unsubscribe function that can be called twice', () => {
    const observer = new ConfigChangeObserver();
    const kept = jest.fn();
    const dropped = jest.fn();
    observer.subscribe(kept);
    const unsubscribe = observer.subscribe(dropped);

    unsubscribe();
    unsubscribe();
    observer.onConfigChange('a', 1, 2);

    expect(dropped).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledTimes(1);
  });

  test('counts each subscription of the same function on its own', () => {
    const observer = new ConfigChangeObserver();
    const listener = jest.fn();
    const unsubscribeFirst = observer.subscribe(listener);
    observer.subscribe(listener);

    observer.onConfigChange('a', 1, 2);
    unsubscribeFirst();
    observer.onConfigChange('a', 2, 3);

    expect(listener).toHaveBeenCalledTimes(3);
  });

  test('keeps notifying and recording when a subscriber throws, then rethrows that very value', () => {
    const observer = new ConfigChangeObserver();
    const failure = new RangeError('subscriber broke');
    const after = jest.fn();
    observer.subscribe(() => {
      throw failure;
    });
    observer.subscribe(after);

    expect(thrownBy(() => observer.onConfigChange('a', 1, 2))).toBe(failure);
    expect(after).toHaveBeenCalledTimes(1);
    expect(pathsOf(observer)).toEqual(['a']);
  });

  test.each<[string, unknown]>([
    ['a string', 'plain string'],
    ['null', null],
    ['an object', { reason: 'nope' }],
    ['an error from another realm', runInNewContext('new TypeError("from vm")')],
  ])('rethrows %s thrown by a subscriber unchanged', (_, thrown) => {
    const observer = new ConfigChangeObserver();
    observer.subscribe(() => {
      throw thrown;
    });

    expect(thrownBy(() => observer.onConfigChange('a', 1, 2))).toBe(thrown);
    expect(pathsOf(observer)).toEqual(['a']);
  });

  test('gathers the errors of several throwing subscribers into one AggregateError', () => {
    const observer = new ConfigChangeObserver();
    const first = new Error('first');
    const second = 'second';
    const between = jest.fn();
    observer.subscribe(() => {
      throw first;
    });
    observer.subscribe(between);
    observer.subscribe(() => {
      throw second;
    });

    const error = thrownBy(() => observer.onConfigChange('a', 1, 2)) as AggregateError;

    expect(error).toBeInstanceOf(AggregateError);
    expect(error.errors).toEqual([first, second]);
    expect(error.message).toMatchInlineSnapshot(
      `"2 config change subscribers threw. Every subscriber was still notified and every change recorded; the errors are in \`errors\`."`,
    );
    expect(between).toHaveBeenCalledTimes(1);
    expect(pathsOf(observer)).toEqual(['a']);
  });

  test('lets a throwing subscriber fail an assignment through a proxy after the change is made and recorded', () => {
    const observer = new ConfigChangeObserver();
    const original = { mode: 'slow' };
    const settings = observer.observe(original);
    observer.subscribe(() => {
      throw new Error('assertion in a subscriber');
    });

    expect(() => {
      settings.mode = 'fast';
    }).toThrow('assertion in a subscriber');
    expect(original.mode).toBe('fast');
    expect(pathsOf(observer)).toEqual(['mode']);

    observer.restore();
    expect(original.mode).toBe('slow');
  });

  test('delivers a change made by a subscriber after the current event reached everyone, so all see log order', () => {
    const observer = new ConfigChangeObserver();
    const settings = observer.observe({ a: 0, b: 0 });
    const seen: string[] = [];
    observer.subscribe((event) => {
      seen.push(`first:${event.config_path}`);
      if (event.config_path === 'a') {
        settings.b = 1;
      }
    });
    observer.subscribe((event) => seen.push(`second:${event.config_path}`));

    settings.a = 1;

    expect(pathsOf(observer)).toEqual(['a', 'b']);
    expect(seen).toEqual(['first:a', 'second:a', 'first:b', 'second:b']);
  });

  test('starts notifying a subscriber added during delivery with the next event', () => {
    const observer = new ConfigChangeObserver();
    const late = jest.fn();
    observer.subscribe(() => {
      observer.subscribe(late);
    });

    observer.onConfigChange('a', 1, 2);
    expect(late).not.toHaveBeenCalled();

    observer.onConfigChange('b', 1, 2);
    expect(late).toHaveBeenCalledTimes(1);
  });

  test('stops notifying a subscriber as soon as an earlier one unsubscribes it', () => {
    const observer = new ConfigChangeObserver();
    const victim = jest.fn();
    let unsubscribeVictim = (): void => undefined;
    observer.subscribe(() => unsubscribeVictim());
    unsubscribeVictim = observer.subscribe(victim);

    observer.onConfigChange('a', 1, 2);

    expect(victim).not.toHaveBeenCalled();
  });

  test.each<[string, unknown]>([
    ['undefined', undefined],
    ['a string', 'listener'],
    ['an object with a handleEvent method', { handleEvent: () => undefined }],
  ])('refuses %s as a listener', (_, listener) => {
    const observer = new ConfigChangeObserver();

    const error = integrationErrorOf(() =>
      observer.subscribe(listener as (event: ConfigChangeEvent) => void),
    );

    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^config\.subscribe\(listener\): `listener` must be a function/);
  });

  test('says what a listener must be', () => {
    const observer = new ConfigChangeObserver();

    expect(
      integrationErrorOf(() => observer.subscribe(null as unknown as () => void)).message,
    ).toMatchInlineSnapshot(
      `"config.subscribe(listener): \`listener\` must be a function, but received null. Pass a function that receives each ConfigChangeEvent, such as (event) => events.push(event)."`,
    );
  });
});

describe('getChangeLog()', () => {
  test('returns the events in order, as a copy', () => {
    const observer = new ConfigChangeObserver();
    observer.onConfigChange('a', 1, 2);
    observer.onConfigChange('b', 1, 2);

    const log = observer.getChangeLog();
    log.pop();
    log.length = 0;

    expect(pathsOf(observer)).toEqual(['a', 'b']);
  });
});

describe('observe(object, prefix?)', () => {
  test('records sets at their dotted path under the prefix, and writes through', () => {
    const observer = new ConfigChangeObserver({
      configMap: { 'settings.parser': 'chunker.parser' },
    });
    const original = { parser: { timeout_ms: 100, limits: { max: 5 } } };
    const settings = observer.observe(original, 'settings');

    settings.parser.timeout_ms = 250;
    settings.parser.limits.max = 10;

    expect(original).toEqual({ parser: { timeout_ms: 250, limits: { max: 10 } } });
    expect(observer.getChangeLog()).toEqual([
      expect.objectContaining({
        config_path: 'settings.parser.timeout_ms',
        old_value: 100,
        new_value: 250,
        affected_modules: ['chunker.parser'],
      }),
      expect.objectContaining({
        config_path: 'settings.parser.limits.max',
        old_value: 5,
        new_value: 10,
      }),
    ]);
  });

  test('uses bare keys as paths without a prefix', () => {
    const observer = new ConfigChangeObserver();
    const settings = observer.observe<Record<string, unknown>>({ a: { b: 1 } });

    (settings.a as { b: number }).b = 2;
    settings.c = 3;

    expect(pathsOf(observer)).toEqual(['a.b', 'c']);
  });

  test('records an added key with old_value undefined and a deleted one with new_value undefined', () => {
    const observer = new ConfigChangeObserver();
    const settings = observer.observe<Record<string, unknown>>({ old: 'x' });

    settings.added = 'y';
    delete settings.old;
    delete settings.never; // nothing to delete: nothing recorded

    expect(changesOf(observer)).toEqual([
      ['added', undefined, 'y'],
      ['old', 'x', undefined],
    ]);
  });

  test('records a key added with the value undefined, since the object did change', () => {
    const observer = new ConfigChangeObserver();
    const original: Record<string, unknown> = {};
    const settings = observer.observe(original);

    settings.flag = undefined;

    expect(changesOf(observer)).toEqual([['flag', undefined, undefined]]);
    observer.restore();
    expect('flag' in original).toBe(false);
  });

  test.each<[string, unknown]>([
    ['a number', 1],
    ['NaN', Number.NaN],
    ['a string', 'same'],
    ['null', null],
  ])('records nothing when assigning %s a key already holds', (_, value) => {
    const observer = new ConfigChangeObserver();
    const settings = observer.observe<Record<string, unknown>>({ key: value });

    settings.key = value;

    expect(observer.getChangeLog()).toEqual([]);
  });

  test('records nothing when assigning a nested object, or its own proxy, back to its key', () => {
    const observer = new ConfigChangeObserver();
    const nested = { deep: true };
    const settings = observer.observe({ nested });

    const proxied = settings.nested;
    settings.nested = nested;
    settings.nested = proxied;

    expect(observer.getChangeLog()).toEqual([]);
  });

  test('records -0 replacing 0, which Object.is tells apart', () => {
    const observer = new ConfigChangeObserver();
    const settings = observer.observe({ offset: 0 });

    settings.offset = -0;

    expect(changesOf(observer)).toEqual([['offset', 0, -0]]);
  });

  test('returns the same proxy for the same object and prefix, and for each nested object', () => {
    const observer = new ConfigChangeObserver();
    const original = { server: { tls: { enabled: false } }, list: [{ id: 1 }] };

    const settings = observer.observe(original, 'settings');

    expect(observer.observe(original, 'settings')).toBe(settings);
    expect(settings.server).toBe(settings.server);
    expect(settings.server.tls).toBe(settings.server.tls);
    expect(settings.list[0]).toBe(settings.list[0]);
    expect(settings.server).not.toBe(original.server);
    expect(observer.observe(original, 'other')).not.toBe(settings);
  });

  test('records each change once when observing a proxy again', () => {
    const observer = new ConfigChangeObserver();
    const settings = observer.observe({ a: 1 }, 'settings');

    observer.observe(settings, 'settings').a = 2;

    expect(pathsOf(observer)).toEqual(['settings.a']);
  });

  test('stores the real object when a proxy is assigned, so the observed object never holds proxies', () => {
    const observer = new ConfigChangeObserver();
    const original: { a: { x: number }; b?: { x: number } } = { a: { x: 1 } };
    const settings = observer.observe(original);

    settings.b = settings.a;

    expect(original.b).toBe(original.a);
    expect(observer.getChangeLog()[0]?.new_value).toBe(original.a);
  });

  describe('arrays', () => {
    test('records index writes as list.N', () => {
      const observer = new ConfigChangeObserver();
      const settings = observer.observe({ list: ['a', 'b'] });

      settings.list[1] = 'B';

      expect(changesOf(observer)).toEqual([['list.1', 'b', 'B']]);
    });

    test.each<[string, (list: number[]) => unknown, [string, unknown, unknown][]]>([
      ['push', (list) => list.push(4), [['list.3', undefined, 4]]],
      ['pop', (list) => list.pop(), [['list.2', 3, undefined]]],
      [
        'shift',
        (list) => list.shift(),
        [
          ['list.0', 1, 2],
          ['list.1', 2, 3],
          ['list.2', 3, undefined],
        ],
      ],
      [
        'unshift',
        (list) => list.unshift(0),
        [
          ['list.3', undefined, 3],
          ['list.2', 3, 2],
          ['list.1', 2, 1],
          ['list.0', 1, 0],
        ],
      ],
      [
        'splice',
        (list) => list.splice(1, 1),
        [
          ['list.1', 2, 3],
          ['list.2', 3, undefined],
        ],
      ],
      [
        'shortening length',
        (list) => {
          list.length = 1;
        },
        [
          ['list.2', 3, undefined],
          ['list.1', 2, undefined],
        ],
      ],
      ['lengthening length', (list) => (list.length = 5), []],
      [
        'reverse',
        (list) => list.reverse(),
        [
          ['list.0', 1, 3],
          ['list.2', 3, 1],
        ],
      ],
    ])(
      'records %s as element changes, never as list.length, and restore undoes it exactly',
      (_, change, expected) => {
        const observer = new ConfigChangeObserver();
        const original = { list: [1, 2, 3] };
        const settings = observer.observe(original);

        change(settings.list);

        expect(changesOf(observer)).toEqual(expected);
        observer.restore();
        expect(original.list).toEqual([1, 2, 3]);
        expect(original.list).toHaveLength(3);
        expect(Object.keys(original.list)).toEqual(['0', '1', '2']);
      },
    );

    test('observes an array passed as the root object', () => {
      const observer = new ConfigChangeObserver();
      const plugins = observer.observe(['a'], 'plugins');

      plugins.push('b');

      expect(pathsOf(observer)).toEqual(['plugins.1']);
      expect(Array.isArray(plugins)).toBe(true);
    });
  });

  test('does not loop on circular objects, and their events still serialise', () => {
    const observer = new ConfigChangeObserver();
    type Node = { name: string; self?: Node; peer?: Node };
    const original: Node = { name: 'root' };
    original.self = original;
    const settings = observer.observe(original, 'graph');

    settings.self!.self!.self!.name = 'renamed';
    settings.peer = original;

    expect(original.name).toBe('renamed');
    expect(pathsOf(observer)).toEqual(['graph.self.self.self.name', 'graph.peer']);
    expect(JSON.parse(JSON.stringify(observer.getChangeLog()[1]))).toMatchObject({
      config_path: 'graph.peer',
      old_value: null,
      new_value: { name: 'renamed', self: '[Circular]', peer: '[Circular]' },
    });
  });

  test('ignores symbol keys: written through, neither recorded nor undone', () => {
    const observer = new ConfigChangeObserver();
    const key = Symbol('cache');
    const original: Record<symbol, unknown> = {};
    const settings = observer.observe(original);

    settings[key] = 1;
    observer.restore();

    expect(original[key]).toBe(1);
    expect(observer.getChangeLog()).toEqual([]);
  });

  test('leaves other objects (Map, Date, class instances) unproxied, so their methods still work', () => {
    const observer = new ConfigChangeObserver();
    class Endpoint {
      readonly #url: string;
      constructor(url: string) {
        this.#url = url;
      }
      get url(): string {
        return this.#url;
      }
    }
    const settings = observer.observe({
      when: new Date(0),
      hosts: new Map([['a', 1]]),
      endpoint: new Endpoint('http://x'),
    });

    expect(settings.when.getTime()).toBe(0);
    expect(settings.hosts.get('a')).toBe(1);
    expect(settings.endpoint.url).toBe('http://x');
  });

  test('observes plain objects and arrays made in another realm', () => {
    const observer = new ConfigChangeObserver();
    const original = runInNewContext('({ nested: { list: [1] } })') as {
      nested: { list: number[] };
    };
    const settings = observer.observe(original);

    settings.nested.list.push(2);

    expect(pathsOf(observer)).toEqual(['nested.list.1']);
  });

  test('hands out frozen nested objects as they are, as a proxy must', () => {
    const observer = new ConfigChangeObserver();
    const inner = { a: 1 };
    const original = Object.freeze({ inner });
    const settings = observer.observe(original);

    expect(settings.inner).toBe(inner);
  });

  test('refuses writes the real object refuses, recording nothing', () => {
    const observer = new ConfigChangeObserver();
    const settings = observer.observe(Object.freeze({ a: 1 }) as { a: number });

    expect(() => {
      settings.a = 2;
    }).toThrow(TypeError);
    expect(observer.getChangeLog()).toEqual([]);
  });

  test('records and undoes Object.defineProperty through the proxy', () => {
    const observer = new ConfigChangeObserver();
    const original: Record<string, unknown> = { a: 1 };
    const settings = observer.observe(original);

    Object.defineProperty(settings, 'a', { value: 2, writable: false });
    Object.defineProperty(settings, 'b', { value: 3, enumerable: true, configurable: true });
    observer.restore();

    expect(changesOf(observer)).toEqual([
      ['a', 1, 2],
      ['b', undefined, 3],
    ]);
    expect(original).toEqual({ a: 1 });
    expect(Object.getOwnPropertyDescriptor(original, 'a')).toMatchObject({ writable: true });
  });

  test('does not record writes to an object that merely inherits from the proxy', () => {
    const observer = new ConfigChangeObserver();
    const original = { a: 1 };
    const child = Object.create(observer.observe(original)) as { a: number };

    child.a = 2;

    expect(original.a).toBe(1);
    expect(child.a).toBe(2);
    expect(observer.getChangeLog()).toEqual([]);
  });

  test('runs setters on the real object and restores by assigning the old value back', () => {
    const observer = new ConfigChangeObserver();
    const original = {
      stored: 1,
      get level(): number {
        return this.stored;
      },
      set level(value: number) {
        this.stored = value;
      },
    };
    const settings = observer.observe(original);

    settings.level = 5;
    expect(original.stored).toBe(5);
    expect(changesOf(observer)).toEqual([['level', 1, 5]]);

    observer.restore();
    expect(original.stored).toBe(1);
  });

  const badObjects: [string, unknown, unknown][] = [
    ['a number as the object', 42, undefined],
    ['null as the object', null, undefined],
    ['a string as the object', 'settings', undefined],
    ['a function as the object', () => undefined, undefined],
    ['an empty prefix', {}, ''],
    ['a number as the prefix', {}, 1],
  ];

  test.each(badObjects)('refuses %s', (_, object, prefix) => {
    const observer = new ConfigChangeObserver();

    const error = integrationErrorOf(() => observer.observe(object as object, prefix as string));

    expect(error.code).toBe('INVALID_ARGUMENT');
  });

  test('says what it needs when refusing', () => {
    const observer = new ConfigChangeObserver();

    const messages = badObjects.map(
      ([, object, prefix]) =>
        integrationErrorOf(() => observer.observe(object as object, prefix as string)).message,
    );

    expect(messages).toMatchInlineSnapshot(`
     [
       "config.observe(object, prefix?): \`object\` must be an object or an array, but received number 42. Pass the configuration object to watch, such as config.observe(settings).",
       "config.observe(object, prefix?): \`object\` must be an object or an array, but received null. Pass the configuration object to watch, such as config.observe(settings).",
       "config.observe(object, prefix?): \`object\` must be an object or an array, but received string 'settings'. Pass the configuration object to watch, such as config.observe(settings).",
       "config.observe(object, prefix?): \`object\` must be an object or an array, but received function [Function (anonymous)]. Pass the configuration object to watch, such as config.observe(settings).",
       "config.observe(object, prefix?): \`prefix\` must be a non-empty string, but received string ''. Pass a dotted path such as 'settings', or no prefix.",
       "config.observe(object, prefix?): \`prefix\` must be a non-empty string, but received number 1. Pass a dotted path such as 'settings', or no prefix.",
     ]
    `);
  });
});

describe('observeEnv()', () => {
  test('replaces process.env with a proxy that records env.NAME and writes through', () => {
    const processObject = fakeProcess();
    const originalEnv = processObject.env;
    const observer = new ConfigChangeObserver({
      process: processObject,
      configMap: { 'env.PORT': 'server' },
    });

    const env = observer.observeEnv();
    processObject.env.PORT = '8080';
    processObject.env.CACHE_DIR = '/tmp/cache';
    delete processObject.env.HOME;

    expect(processObject.env).toBe(env);
    expect(env).not.toBe(originalEnv);
    expect(originalEnv).toEqual({ PORT: '8080', CACHE_DIR: '/tmp/cache' });
    expect(observer.getChangeLog()).toEqual([
      expect.objectContaining({
        config_path: 'env.PORT',
        old_value: '80',
        new_value: '8080',
        affected_modules: ['server'],
      }),
      expect.objectContaining({
        config_path: 'env.CACHE_DIR',
        old_value: undefined,
        new_value: '/tmp/cache',
      }),
      expect.objectContaining({
        config_path: 'env.HOME',
        old_value: '/home/ada',
        new_value: undefined,
      }),
    ]);
  });

  test.each<[string, unknown, string]>([
    ['a number', 8080, '8080'],
    ['a boolean', true, 'true'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['an object', { toString: () => 'custom' }, 'custom'],
  ])('turns %s into a string, as the real process.env does', (_, value, expected) => {
    const processObject = fakeProcess();
    const observer = new ConfigChangeObserver({ process: processObject });
    const env = observer.observeEnv() as Record<string, unknown>;

    env.VALUE = value;

    expect(env.VALUE).toBe(expected);
    expect(observer.getChangeLog()[0]?.new_value).toBe(expected);
  });

  test('refuses a symbol value with a TypeError, as the real process.env does, changing nothing', () => {
    const processObject = fakeProcess();
    const observer = new ConfigChangeObserver({ process: processObject });
    const env = observer.observeEnv() as Record<string, unknown>;

    expect(() => {
      env.VALUE = Symbol('x');
    }).toThrow(TypeError);
    expect('VALUE' in env).toBe(false);
    expect(observer.getChangeLog()).toEqual([]);
  });

  test('records nothing when a variable gets the string it already holds', () => {
    const observer = new ConfigChangeObserver({ process: fakeProcess() });
    const env = observer.observeEnv() as Record<string, unknown>;

    env.PORT = 80;
    env.PORT = '80';

    expect(observer.getChangeLog()).toEqual([]);
  });

  test('returns the same proxy when called twice', () => {
    const observer = new ConfigChangeObserver({ process: fakeProcess() });

    expect(observer.observeEnv()).toBe(observer.observeEnv());
  });

  test('puts the very same env object back on restore, with its values as they were', () => {
    const processObject = fakeProcess();
    const originalEnv = processObject.env;
    const observer = new ConfigChangeObserver({ process: processObject });
    const env = observer.observeEnv();

    env.PORT = '1';
    env.PORT = '2';
    env.ADDED = 'yes';
    delete env.HOME;
    observer.restore();

    expect(processObject.env).toBe(originalEnv);
    expect(Object.getOwnPropertyDescriptor(processObject, 'env')).toEqual({
      value: originalEnv,
      writable: true,
      enumerable: true,
      configurable: true,
    });
    expect(originalEnv).toEqual({ HOME: '/home/ada', PORT: '80' });
  });

  test('records a wholesale replacement of process.env per variable, observes the new object, and undoes it all', () => {
    const processObject = fakeProcess();
    const originalEnv = processObject.env;
    const observer = new ConfigChangeObserver({ process: processObject });
    observer.observeEnv();

    processObject.env = { ...processObject.env, PORT: '9090', DEBUG: '1' };
    delete processObject.env.HOME;

    expect(changesOf(observer)).toEqual([
      ['env.PORT', '80', '9090'],
      ['env.DEBUG', undefined, '1'],
      ['env.HOME', '/home/ada', undefined],
    ]);
    expect(observer.observeEnv()).toBe(processObject.env);

    observer.restore();
    expect(processObject.env).toBe(originalEnv);
    expect(originalEnv).toEqual({ HOME: '/home/ada', PORT: '80' });
  });

  test('records nothing when the proxy is assigned back to process.env', () => {
    const processObject = fakeProcess();
    const observer = new ConfigChangeObserver({ process: processObject });
    const saved = observer.observeEnv();

    processObject.env = saved;

    expect(observer.getChangeLog()).toEqual([]);
    expect(processObject.env).toBe(saved);
  });

  test("observes the test's own process.env by default (Jest's copy of the real one)", () => {
    const before = { ...process.env };
    const originalEnv = process.env;
    const observer = new ConfigChangeObserver();
    try {
      observer.observeEnv();
      process.env.JEST_ENVIRONMENT_INTEGRATION_PROBE = '1';
      delete process.env.PATH;

      expect(pathsOf(observer)).toEqual(['env.JEST_ENVIRONMENT_INTEGRATION_PROBE', 'env.PATH']);
    } finally {
      observer.restore();
    }
    expect(process.env).toBe(originalEnv);
    expect({ ...process.env }).toEqual(before);
  });

  test('lets a file-scope and a test-scope observer nest: each records its own changes once and restores in turn', () => {
    const processObject = fakeProcess();
    const originalEnv = processObject.env;
    const fileScope = new ConfigChangeObserver({ process: processObject });
    const testScope = new ConfigChangeObserver({ process: processObject });

    fileScope.observeEnv();
    processObject.env.FROM_BEFORE_ALL = '1';
    testScope.observeEnv();
    processObject.env.FROM_TEST = '1';
    testScope.restore();

    expect(pathsOf(fileScope)).toEqual(['env.FROM_BEFORE_ALL']);
    expect(pathsOf(testScope)).toEqual(['env.FROM_TEST']);
    expect(processObject.env).toEqual({ HOME: '/home/ada', PORT: '80', FROM_BEFORE_ALL: '1' });

    processObject.env.AFTER_TEST = '1';
    fileScope.restore();

    expect(pathsOf(fileScope)).toEqual(['env.FROM_BEFORE_ALL', 'env.AFTER_TEST']);
    expect(processObject.env).toBe(originalEnv);
    expect(originalEnv).toEqual({ HOME: '/home/ada', PORT: '80' });
  });

  test('refuses with INVALID_STATE when process.env is not an object', () => {
    const processObject = fakeProcess();
    const observer = new ConfigChangeObserver({ process: processObject });
    (processObject as { env: unknown }).env = undefined;

    const error = integrationErrorOf(() => observer.observeEnv());

    expect(error.code).toBe('INVALID_STATE');
    expect(error.message).toMatchInlineSnapshot(
      `"config.observeEnv(): \`process.env\` is undefined, so there is nothing to observe. Call it while \`process.env\` is an object."`,
    );
    expect(processObject.env).toBeUndefined();
  });

  test('falls back to assigning the proxy when env cannot be redefined, and assigns the original back', () => {
    const originalEnv: NodeJS.ProcessEnv = { A: '1' };
    const processObject = {} as { env: NodeJS.ProcessEnv };
    Object.defineProperty(processObject, 'env', {
      value: originalEnv,
      writable: true,
      configurable: false,
    });
    const observer = new ConfigChangeObserver({ process: processObject });

    const env = observer.observeEnv();
    env.A = '2';

    expect(processObject.env).toBe(env);
    observer.restore();
    expect(processObject.env).toBe(originalEnv);
    expect(originalEnv).toEqual({ A: '1' });
  });

  test('refuses with INVALID_STATE when env can be neither redefined nor assigned', () => {
    const processObject = {} as { env: NodeJS.ProcessEnv };
    Object.defineProperty(processObject, 'env', {
      value: {},
      writable: false,
      configurable: false,
    });
    const observer = new ConfigChangeObserver({ process: processObject });

    const error = integrationErrorOf(() => observer.observeEnv());

    expect(error.code).toBe('INVALID_STATE');
    expect(error.message).toMatchInlineSnapshot(
      `"config.observeEnv(): \`process.env\` cannot be replaced on this process object: its \`env\` property is read-only. Pass a \`process\` whose \`env\` can be assigned."`,
    );
  });
});

describe('restore()', () => {
  test('undoes every change in reverse order, re-adding deleted keys and removing added ones', () => {
    const observer = new ConfigChangeObserver();
    const original: Record<string, unknown> = { keep: 1, removed: 'r', nested: { level: 1 } };
    const snapshot = structuredClone(original);
    const settings = observer.observe(original);

    settings.keep = 2;
    settings.keep = 3;
    delete settings.removed;
    settings.removed = 'back with another value';
    settings.added = 'a';
    (settings.nested as { level: number }).level = 2;
    settings.nested = { replaced: true };
    observer.restore();

    expect(original).toEqual(snapshot);
    // A key deleted and put back comes last: an object's key order cannot be rewritten.
    expect(Object.keys(original)).toEqual(['keep', 'nested', 'removed']);
  });

  test('records nothing and notifies no one while restoring', () => {
    const observer = new ConfigChangeObserver({ process: fakeProcess() });
    const settings = observer.observe({ a: 1 });
    observer.observeEnv().PORT = '1';
    settings.a = 2;
    const listener = jest.fn();
    observer.subscribe(listener);

    observer.restore();

    expect(listener).not.toHaveBeenCalled();
    expect(pathsOf(observer)).toEqual(['env.PORT', 'a']);
  });

  test('is safe to call twice', () => {
    const observer = new ConfigChangeObserver({ process: fakeProcess() });
    const original = { a: 1 };
    observer.observe(original).a = 2;
    observer.observeEnv();

    observer.restore();
    original.a = 5; // a change the observer never saw
    observer.restore();

    expect(original.a).toBe(5);
  });

  test('keeps observing after a restore, and undoes the new changes on the next one', () => {
    const processObject = fakeProcess();
    const originalEnv = processObject.env;
    const observer = new ConfigChangeObserver({ process: processObject });
    const original = { a: 1 };
    const settings = observer.observe(original);
    const env = observer.observeEnv();

    settings.a = 2;
    observer.restore();
    settings.a = 3;
    expect(observer.observeEnv()).toBe(env);
    env.PORT = '1';
    observer.restore();

    expect(pathsOf(observer)).toEqual(['a', 'a', 'env.PORT']);
    expect(original.a).toBe(1);
    expect(processObject.env).toBe(originalEnv);
    expect(originalEnv.PORT).toBe('80');
  });

  test('undoes everything it can, then reports with INVALID_STATE what it could not', () => {
    const observer = new ConfigChangeObserver();
    const frozenLater = { a: 1 };
    const fine = { b: 1 };
    observer.observe(frozenLater).a = 2;
    observer.observe(fine).b = 2;
    Object.freeze(frozenLater);

    const error = integrationErrorOf(() => observer.restore());

    expect(error.code).toBe('INVALID_STATE');
    expect(error.message).toMatchInlineSnapshot(
      `"config.restore(): 1 observed change could not be undone: 'a' (TypeError: \`a\` is read-only or not configurable now). Everything else was restored. Keep observed objects writable (not frozen, sealed or read-only) until the test ends."`,
    );
    expect(fine.b).toBe(1);
    expect(() => observer.restore()).not.toThrow();
  });
});

describe('serialisation', () => {
  test('JSON.stringify never throws on events holding circular, BigInt, symbol, function or error values', () => {
    const observer = new ConfigChangeObserver();
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const values = [
      circular,
      10n,
      Symbol('s'),
      function handler() {},
      Object.assign(new Error('boom'), { cause: 'root' }),
      runInNewContext('new TypeError("other realm")'),
      undefined,
    ];
    for (const value of values) {
      observer.onConfigChange('value', undefined, value);
    }

    const json = JSON.parse(JSON.stringify(observer.getChangeLog())) as Record<string, unknown>[];

    expect(json.map((event) => event.new_value)).toEqual([
      { name: 'loop', self: '[Circular]' },
      '10n',
      'Symbol(s)',
      '[Function handler]',
      { name: 'Error', message: 'boom', stack: expect.any(String), cause: 'root' },
      { name: 'TypeError', message: 'other realm', stack: expect.any(String), cause: null },
      null,
    ]);
    expect(Object.keys(json[0] ?? {})).toEqual([
      'config_path',
      'old_value',
      'new_value',
      'affected_modules',
      'timestamp',
    ]);
  });
});

describe('concurrency', () => {
  test('keeps every change of a thousand interleaved async tasks, in order, and undoes them all', async () => {
    const processObject = fakeProcess();
    const originalEnv = { ...processObject.env };
    const observer = new ConfigChangeObserver({ process: processObject });
    const original = { counters: {} as Record<string, number>, list: [] as number[] };
    const settings = observer.observe(original, 'state');
    const env = observer.observeEnv();
    let delivered = 0;
    observer.subscribe(() => {
      delivered += 1;
    });
    const tick = (task: number): Promise<void> =>
      new Promise((resolve) => (task % 3 === 0 ? setImmediate(resolve) : queueMicrotask(resolve)));

    await Promise.all(
      Array.from({ length: 1000 }, async (_, task) => {
        await tick(task);
        settings.counters[`task${task}`] = task;
        await tick(task + 1);
        settings.list.push(task);
        env[`TASK_${task}`] = String(task);
        await tick(task + 2);
        delete settings.counters[`task${task}`];
      }),
    );

    const log = observer.getChangeLog();
    expect(log).toHaveLength(4000);
    expect(delivered).toBe(4000);
    expect(log.map((event) => event.timestamp)).toEqual(
      log.map((event) => event.timestamp).sort((a, b) => a - b),
    );
    expect(
      new Set(
        log
          .filter((event) => event.config_path.startsWith('state.list.'))
          .map((event) => event.config_path),
      ).size,
    ).toBe(1000);
    expect([...original.list].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 1000 }, (_, task) => task),
    );
    for (const task of [0, 1, 2, 499, 999]) {
      const added = log.findIndex(
        (event) => event.config_path === `state.counters.task${task}` && event.new_value === task,
      );
      const deleted = log.findIndex(
        (event) =>
          event.config_path === `state.counters.task${task}` && event.new_value === undefined,
      );
      expect(added).toBeGreaterThanOrEqual(0);
      expect(deleted).toBeGreaterThan(added);
    }

    observer.restore();

    expect(original).toEqual({ counters: {}, list: [] });
    expect(processObject.env).toEqual(originalEnv);
  });
});

import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { BRAND, brandOf } from '../src/brand';
import { IntegrationError } from '../src/IntegrationError';
import type { ResourceRecord } from '../src/records';
import { ResourceTracker } from '../src/ResourceTracker';

type Loose = (...args: unknown[]) => unknown;

/** Calls a method with arguments its types would refuse, as plain JavaScript callers can. */
function loosely<T extends object>(target: T, method: keyof T): Loose {
  return (target[method] as Loose).bind(target);
}

function thrownBy(run: () => unknown): IntegrationError {
  try {
    run();
  } catch (error) {
    if (IntegrationError.is(error)) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the call to throw an IntegrationError');
}

async function rejectionOf(run: () => Promise<unknown>): Promise<IntegrationError> {
  try {
    await run();
  } catch (error) {
    if (IntegrationError.is(error)) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the call to reject with an IntegrationError');
}

const ids = (records: readonly Readonly<ResourceRecord>[]): string[] =>
  records.map((record) => record.resource_id);

const ACTIVE_KEYS = [
  'resource_id',
  'resource_type',
  'owner_module',
  'created_at',
  'state',
  'metadata',
];
const RELEASED_KEYS = [...ACTIVE_KEYS, 'released_at'];

describe('trackResource', () => {
  test('returns an active record with exactly the DESIGN keys', () => {
    const resources = new ResourceTracker();
    const before = Date.now();

    const record = resources.trackResource('cache', 'fs-watcher', 'watch:/tmp/cache', {
      path: '/tmp/cache',
    });

    expect(Object.keys(record)).toEqual(ACTIVE_KEYS);
    expect(record).toEqual({
      resource_id: 'watch:/tmp/cache',
      resource_type: 'fs-watcher',
      owner_module: 'cache',
      created_at: expect.any(Number),
      state: 'active',
      metadata: { path: '/tmp/cache' },
    });
    expect(record.created_at).toBeGreaterThanOrEqual(before - 1);
    expect(record.created_at).toBeLessThanOrEqual(Date.now() + 1);
  });

  test('gives a record without metadata an empty metadata object', () => {
    const resources = new ResourceTracker();

    expect(resources.trackResource('cache', 'timer', 'tick').metadata).toEqual({});
  });

  test('stamps records with times that never go backwards', () => {
    const resources = new ResourceTracker();

    const times = Array.from({ length: 50 }, (_, index) => {
      resources.trackResource('cache', 'timer', `t${index}`);
      return resources.releaseResource(`t${index}`);
    }).flatMap((record) => [record.created_at, record.released_at!]);

    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  test('keeps the metadata object by reference and never changes it', () => {
    const resources = new ResourceTracker();
    const metadata = { port: 8080, stack: new Error('created here') };
    const snapshot = { ...metadata };

    const record = resources.trackResource('api', 'tcp-server', 'server:8080', metadata);
    resources.releaseResource('server:8080');

    expect(record.metadata).toBe(metadata);
    expect(resources.getResourceState('server:8080')?.metadata).toBe(metadata);
    expect(metadata).toEqual(snapshot);
  });

  test('shares one frozen empty metadata object among records without metadata', () => {
    const record = new ResourceTracker().trackResource('cache', 'timer', 'tick');

    expect(Object.isFrozen(record.metadata)).toBe(true);
    expect(() => {
      record.metadata.leaked = true;
    }).toThrow(TypeError);
  });

  test.each([
    ['a null-prototype object', () => Object.assign(Object.create(null) as object, { a: 1 })],
    ['a plain object from another realm', () => vm.runInNewContext('({ a: 1 })') as object],
  ])('accepts %s as metadata', (_, make) => {
    const resources = new ResourceTracker();

    expect(
      resources.trackResource('cache', 'timer', 't', make() as Record<string, unknown>).metadata,
    ).toEqual({
      a: 1,
    });
  });

  test('refuses an id that is already active, and changes nothing', () => {
    const resources = new ResourceTracker();
    const first = resources.trackResource('api', 'tcp-server', 'server:8080', { port: 8080 });

    const error = thrownBy(() => resources.trackResource('jobs', 'worker', 'server:8080'));

    expect(error.code).toBe('DUPLICATE_RESOURCE_ID');
    expect(error.message).toMatchInlineSnapshot(
      `"resources.trackResource(module, type, id, metadata?, options?): 'server:8080' is already active (a 'tcp-server' of module 'api'). Release it first with resources.releaseResource('server:8080'), or use a unique id such as 'server:8080#2'."`,
    );
    expect(resources.getAllResources()).toEqual([first]);
  });

  test('suggests a unique id that is not active either', () => {
    const resources = new ResourceTracker();
    resources.trackResource('api', 'socket', 'conn');
    resources.trackResource('api', 'socket', 'conn#2');

    expect(thrownBy(() => resources.trackResource('api', 'socket', 'conn')).message).toContain(
      "use a unique id such as 'conn#3'",
    );
  });

  test('accepts an id again once its earlier record is released', () => {
    const resources = new ResourceTracker();
    resources.trackResource('api', 'socket', 'conn', { attempt: 1 });
    resources.releaseResource('conn');

    const again = resources.trackResource('api', 'socket', 'conn', { attempt: 2 });

    expect(again.state).toBe('active');
    expect(resources.getAllResources().map((record) => [record.state, record.metadata])).toEqual([
      ['released', { attempt: 1 }],
      ['active', { attempt: 2 }],
    ]);
  });

  const badTrackCalls: Array<[string, unknown[]]> = [
    ['an undefined module', [undefined, 'timer', 'id']],
    ['an empty module', ['', 'timer', 'id']],
    ['a blank module', ['   ', 'timer', 'id']],
    ['a numeric module', [42, 'timer', 'id']],
    ['a null type', ['cache', null, 'id']],
    ['an object type', ['cache', { name: 'timer' }, 'id']],
    ['an empty id', ['cache', 'timer', '']],
    ['a symbol id', ['cache', 'timer', Symbol('id')]],
    ['an array as metadata', ['cache', 'timer', 'id', [1, 2]]],
    ['a Map as metadata', ['cache', 'timer', 'id', new Map([['a', 1]])]],
    ['a class instance as metadata', ['cache', 'timer', 'id', new (class Options {})()]],
    ['a string as metadata', ['cache', 'timer', 'id', 'port=80']],
    ['null as metadata', ['cache', 'timer', 'id', null]],
    ['non-object options', ['cache', 'timer', 'id', undefined, 'close']],
    ['an unknown option', ['cache', 'timer', 'id', undefined, { onClose: () => undefined }]],
    ['a non-function close', ['cache', 'timer', 'id', undefined, { close: 'server.close()' }]],
  ];

  test.each(badTrackCalls)('refuses %s with INVALID_ARGUMENT and records nothing', (_, args) => {
    const resources = new ResourceTracker();

    expect(thrownBy(() => loosely(resources, 'trackResource')(...args)).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(resources.getAllResources()).toEqual([]);
  });

  test('says what was wrong and what to pass for each refused call', () => {
    const resources = new ResourceTracker();

    const messages = badTrackCalls.map(
      ([, args]) => thrownBy(() => loosely(resources, 'trackResource')(...args)).message,
    );

    expect(messages).toMatchInlineSnapshot(`
     [
       "resources.trackResource(module, type, id, metadata?, options?): \`module\` must be a non-empty string, but received undefined. Pass a module name such as 'cache.store'.",
       "resources.trackResource(module, type, id, metadata?, options?): \`module\` must be a non-empty string, but received string ''. Pass a module name such as 'cache.store'.",
       "resources.trackResource(module, type, id, metadata?, options?): \`module\` must be a non-empty string, but received string '   '. Pass a module name such as 'cache.store'.",
       "resources.trackResource(module, type, id, metadata?, options?): \`module\` must be a non-empty string, but received number 42. Pass a module name such as 'cache.store'.",
       "resources.trackResource(module, type, id, metadata?, options?): \`type\` must be a non-empty string, but received null. Pass a resource type such as 'tcp-server'.",
       "resources.trackResource(module, type, id, metadata?, options?): \`type\` must be a non-empty string, but received object { name: 'timer' }. Pass a resource type such as 'tcp-server'.",
       "resources.trackResource(module, type, id, metadata?, options?): \`id\` must be a non-empty string, but received string ''. Pass an id unique among active resources, such as 'server:8080'.",
       "resources.trackResource(module, type, id, metadata?, options?): \`id\` must be a non-empty string, but received symbol Symbol(id). Pass an id unique among active resources, such as 'server:8080'.",
       "resources.trackResource(module, type, id, metadata?, options?): \`metadata\` must be a plain object or undefined, but received array [ 1, 2 ]. Pass an object literal such as { port: 8080 }.",
       "resources.trackResource(module, type, id, metadata?, options?): \`metadata\` must be a plain object or undefined, but received object Map(1) { 'a' => 1 }. Pass an object literal such as { port: 8080 }.",
       "resources.trackResource(module, type, id, metadata?, options?): \`metadata\` must be a plain object or undefined, but received object Options {}. Pass an object literal such as { port: 8080 }.",
       "resources.trackResource(module, type, id, metadata?, options?): \`metadata\` must be a plain object or undefined, but received string 'port=80'. Pass an object literal such as { port: 8080 }.",
       "resources.trackResource(module, type, id, metadata?, options?): \`metadata\` must be a plain object or undefined, but received null. Pass an object literal such as { port: 8080 }.",
       "resources.trackResource(module, type, id, metadata?, options?): \`options\` must be a plain object or undefined, but received string 'close'. Pass { close: () => server.close() } or nothing.",
       "resources.trackResource(module, type, id, metadata?, options?): \`options.onClose\` is unknown. Pass only close.",
       "resources.trackResource(module, type, id, metadata?, options?): \`options.close\` must be a function or undefined, but received string 'server.close()'. Pass a function that closes the resource, such as () => server.close().",
     ]
    `);
  });
});

describe('releaseResource', () => {
  test('marks the record released and returns it, with exactly the DESIGN keys', () => {
    const resources = new ResourceTracker();
    const active = resources.trackResource('cache', 'temp-dir', '/tmp/x', { path: '/tmp/x' });

    const released = resources.releaseResource('/tmp/x');

    expect(Object.keys(released)).toEqual(RELEASED_KEYS);
    expect(released).toEqual({ ...active, state: 'released', released_at: expect.any(Number) });
    expect(released.released_at).toBeGreaterThanOrEqual(active.created_at);
  });

  test('releases only that id', () => {
    const resources = new ResourceTracker();
    resources.trackResource('cache', 'timer', 'a');
    resources.trackResource('cache', 'timer', 'b');

    resources.releaseResource('a');

    expect(ids(resources.verifyCleanup())).toEqual(['b']);
  });

  test('refuses an id that was never tracked, listing some active ids', () => {
    const resources = new ResourceTracker();
    for (let index = 0; index < 7; index++) {
      resources.trackResource('cache', 'timer', `timer:${index}`);
    }

    const error = thrownBy(() => resources.releaseResource('timer:70'));

    expect(error.code).toBe('UNKNOWN_RESOURCE_ID');
    expect(error.message).toMatchInlineSnapshot(
      `"resources.releaseResource(id): no resource 'timer:70' was ever tracked (active ids: 'timer:0', 'timer:1', 'timer:2', 'timer:3', 'timer:4', and 2 more). Track it first with resources.trackResource(module, type, 'timer:70'), or pass the id it was tracked with."`,
    );
    expect(resources.verifyCleanup()).toHaveLength(7);
  });

  test('says when no resource is active at all', () => {
    const resources = new ResourceTracker();

    expect(thrownBy(() => resources.releaseResource('ghost')).message).toMatchInlineSnapshot(
      `"resources.releaseResource(id): no resource 'ghost' was ever tracked (no resource is active). Track it first with resources.trackResource(module, type, 'ghost'), or pass the id it was tracked with."`,
    );
  });

  test('refuses an id that is already released, and keeps its record', () => {
    const resources = new ResourceTracker();
    resources.trackResource('cache', 'timer', 'tick');
    const released = resources.releaseResource('tick');

    const error = thrownBy(() => resources.releaseResource('tick'));

    expect(error.code).toBe('RESOURCE_ALREADY_RELEASED');
    expect(error.message).toMatchInlineSnapshot(
      `"resources.releaseResource(id): 'tick' is already released (a 'timer' of module 'cache'). Release each resource once; to use the id again, track it again first."`,
    );
    expect(resources.getAllResources()).toEqual([released]);
  });

  test.each([[undefined], [''], [7], [null], [{ id: 'x' }]])(
    'refuses the id %p with INVALID_ARGUMENT',
    (id) => {
      const resources = new ResourceTracker();

      expect(thrownBy(() => loosely(resources, 'releaseResource')(id)).code).toBe(
        'INVALID_ARGUMENT',
      );
    },
  );

  test('says what a bad id was and what to pass', () => {
    const resources = new ResourceTracker();

    expect(thrownBy(() => loosely(resources, 'releaseResource')(7)).message).toMatchInlineSnapshot(
      `"resources.releaseResource(id): \`id\` must be a non-empty string, but received number 7. Pass the id given to trackResource."`,
    );
  });
});

describe('verifyCleanup', () => {
  function trackerWithLeaks(): ResourceTracker {
    const resources = new ResourceTracker();
    resources.trackResource('api', 'tcp-server', 'server');
    resources.trackResource('cache', 'fs-watcher', 'watcher');
    resources.trackResource('cache', 'timer', 'flush');
    resources.trackResource('api', 'socket', 'conn');
    resources.releaseResource('conn');
    return resources;
  }

  test('returns every still-active record, in tracking order', () => {
    expect(ids(trackerWithLeaks().verifyCleanup())).toEqual(['server', 'watcher', 'flush']);
  });

  test("returns only the given module's still-active records", () => {
    const resources = trackerWithLeaks();

    expect(ids(resources.verifyCleanup('cache'))).toEqual(['watcher', 'flush']);
    expect(ids(resources.verifyCleanup('api'))).toEqual(['server']);
  });

  test('returns nothing once every resource is released', () => {
    const resources = trackerWithLeaks();
    for (const id of ['server', 'watcher', 'flush']) {
      resources.releaseResource(id);
    }

    expect(resources.verifyCleanup()).toEqual([]);
    expect(resources.verifyCleanup('cache')).toEqual([]);
  });

  test('returns nothing for a module that never tracked anything', () => {
    expect(trackerWithLeaks().verifyCleanup('billing')).toEqual([]);
  });

  test('keeps tracking order when records in the middle are released', () => {
    const resources = new ResourceTracker();
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      resources.trackResource('cache', 'timer', id);
    }
    resources.releaseResource('c');
    resources.releaseResource('a');
    resources.releaseResource('e');
    resources.trackResource('cache', 'timer', 'f');

    expect(ids(resources.verifyCleanup('cache'))).toEqual(['b', 'd', 'f']);
    expect(ids(resources.getAllResources({ type: 'timer', state: 'active' }))).toEqual([
      'b',
      'd',
      'f',
    ]);
  });

  test('hands out copies: mutating one changes nothing in the tracker', () => {
    const resources = trackerWithLeaks();
    const [leak] = resources.verifyCleanup('api') as ResourceRecord[];

    leak!.owner_module = 'cache';
    leak!.resource_id = 'watcher';
    leak!.state = 'released';

    expect(ids(resources.verifyCleanup('api'))).toEqual(['server']);
    expect(resources.getResourceState('server')?.state).toBe('active');
    expect(resources.releaseResource('server').owner_module).toBe('api');
    expect(ids(resources.verifyCleanup())).toEqual(['watcher', 'flush']);
  });

  test.each([[''], [' '], [3], [null]])('refuses the module %p with INVALID_ARGUMENT', (module) => {
    expect(thrownBy(() => loosely(new ResourceTracker(), 'verifyCleanup')(module)).message).toMatch(
      /^resources\.verifyCleanup\(module\?\): `module` must be a non-empty string/,
    );
  });

  test('costs what the active records cost, not what was released before', () => {
    const time = (resources: ResourceTracker): number => {
      const start = process.hrtime.bigint();
      for (let round = 0; round < 2000; round++) {
        resources.verifyCleanup();
        resources.verifyCleanup('cache');
      }
      return Number(process.hrtime.bigint() - start);
    };
    const fresh = new ResourceTracker();
    const busy = new ResourceTracker();
    for (let index = 0; index < 100_000; index++) {
      busy.trackResource('cache', 'timer', `old:${index}`);
      busy.releaseResource(`old:${index}`);
    }
    for (const resources of [fresh, busy]) {
      for (let index = 0; index < 10; index++) {
        resources.trackResource('cache', 'timer', `live:${index}`);
      }
    }
    time(fresh);
    time(busy);

    // A scan of 100,000 records per call would be thousands of times slower.
    expect(time(busy)).toBeLessThan(time(fresh) * 20 + 5_000_000);
    expect(busy.verifyCleanup('cache')).toHaveLength(10);
  });
});

describe('getResourceState', () => {
  test('returns the active record of an active id', () => {
    const resources = new ResourceTracker();
    const record = resources.trackResource('api', 'tcp-server', 'server');

    expect(resources.getResourceState('server')).toEqual(record);
  });

  test('returns the released record of a released id', () => {
    const resources = new ResourceTracker();
    resources.trackResource('api', 'tcp-server', 'server');
    const released = resources.releaseResource('server');

    expect(resources.getResourceState('server')).toEqual(released);
  });

  test('returns the active record of an id tracked again, else its last released one', () => {
    const resources = new ResourceTracker();
    for (const attempt of [1, 2]) {
      resources.trackResource('api', 'socket', 'conn', { attempt });
      resources.releaseResource('conn');
    }
    expect(resources.getResourceState('conn')).toMatchObject({
      state: 'released',
      metadata: { attempt: 2 },
    });

    resources.trackResource('api', 'socket', 'conn', { attempt: 3 });

    expect(resources.getResourceState('conn')).toMatchObject({
      state: 'active',
      metadata: { attempt: 3 },
    });
  });

  test('returns undefined for an id never tracked', () => {
    const resources = new ResourceTracker();
    resources.trackResource('api', 'socket', 'conn');
    resources.releaseResource('conn');

    expect(resources.getResourceState('other')).toBeUndefined();
  });

  test('finds records released after an earlier look-up', () => {
    const resources = new ResourceTracker();
    resources.trackResource('api', 'socket', 'first');
    resources.releaseResource('first');
    expect(resources.getResourceState('first')?.state).toBe('released');

    resources.trackResource('api', 'socket', 'second');
    resources.releaseResource('second');

    expect(resources.getResourceState('second')?.state).toBe('released');
  });

  test('returns a fresh copy each time', () => {
    const resources = new ResourceTracker();
    resources.trackResource('api', 'socket', 'conn');

    const copy = resources.getResourceState('conn') as ResourceRecord;
    copy.state = 'released';

    expect(resources.getResourceState('conn')).not.toBe(copy);
    expect(resources.getResourceState('conn')?.state).toBe('active');
  });

  test.each([[undefined], [''], [1]])('refuses the id %p with INVALID_ARGUMENT', (id) => {
    expect(thrownBy(() => loosely(new ResourceTracker(), 'getResourceState')(id)).code).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('getAllResources', () => {
  function mixedTracker(): ResourceTracker {
    const resources = new ResourceTracker();
    resources.trackResource('api', 'tcp-server', 'server');
    resources.trackResource('api', 'socket', 'conn:1');
    resources.trackResource('cache', 'timer', 'flush');
    resources.trackResource('cache', 'socket', 'conn:2');
    resources.releaseResource('conn:2');
    resources.releaseResource('server');
    return resources;
  }

  test('returns released records in release order, then active ones in tracking order', () => {
    expect(
      mixedTracker()
        .getAllResources()
        .map((record) => [record.resource_id, record.state]),
    ).toEqual([
      ['conn:2', 'released'],
      ['server', 'released'],
      ['conn:1', 'active'],
      ['flush', 'active'],
    ]);
  });

  test.each<[string, Parameters<ResourceTracker['getAllResources']>[0], string[]]>([
    ['no filter', undefined, ['conn:2', 'server', 'conn:1', 'flush']],
    ['an empty filter', {}, ['conn:2', 'server', 'conn:1', 'flush']],
    ['a module', { module: 'api' }, ['server', 'conn:1']],
    ['a type', { type: 'socket' }, ['conn:2', 'conn:1']],
    ['active state', { state: 'active' }, ['conn:1', 'flush']],
    ['released state', { state: 'released' }, ['conn:2', 'server']],
    ['module and type', { module: 'cache', type: 'socket' }, ['conn:2']],
    ['module and state', { module: 'api', state: 'active' }, ['conn:1']],
    ['type and state', { type: 'socket', state: 'released' }, ['conn:2']],
    ['all three', { module: 'api', type: 'tcp-server', state: 'released' }, ['server']],
    ['a module with no records', { module: 'billing' }, []],
    ['a type with no records', { type: 'worker' }, []],
    [
      'fields given as undefined',
      { module: undefined, type: undefined, state: undefined },
      ['conn:2', 'server', 'conn:1', 'flush'],
    ],
  ])('filters by %s', (_, filter, expected) => {
    expect(ids(mixedTracker().getAllResources(filter))).toEqual(expected);
  });

  test('matches a brute-force filter over thousands of records spanning many history chunks', () => {
    const resources = new ResourceTracker();
    const expected: Array<{
      id: string;
      module: string;
      type: string;
      state: string;
      tag: number;
    }> = [];
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let index = 0; index < 12_000; index++) {
      const module = `m${index % 3}`;
      const type = `t${index % 4}`;
      resources.trackResource(
        module,
        type,
        `r${index}`,
        index % 5 === 0 ? { tag: index } : undefined,
      );
      expected.push({ id: `r${index}`, module, type, state: 'active', tag: index });
      if (index % 1000 === 999) {
        resources.getAllResources({ module: 'm1', state: 'released' }); // index part-way through
      }
      if (random() < 0.8) {
        const victim = expected[Math.floor(random() * expected.length)]!;
        if (victim.state === 'active') {
          resources.releaseResource(victim.id);
          victim.state = 'released';
        }
      }
    }
    const pick = (module: string | undefined, type: string | undefined, state: string): string[] =>
      expected
        .filter(
          (item) =>
            (module === undefined || item.module === module) &&
            (type === undefined || item.type === type),
        )
        .filter((item) => item.state === state)
        .map((item) => item.id)
        .sort();

    for (const [module, type] of [
      ['m1', undefined],
      [undefined, 't2'],
      ['m0', 't3'],
      [undefined, undefined],
    ] as const) {
      for (const state of ['active', 'released'] as const) {
        expect(ids(resources.getAllResources({ module, type, state })).sort()).toEqual(
          pick(module, type, state),
        );
      }
    }
    const withTags = resources
      .getAllResources()
      .filter((record) => Object.keys(record.metadata).length > 0);
    expect(withTags).toHaveLength(expected.filter((item) => item.tag % 5 === 0).length);
    expect(
      withTags.every((record) => record.resource_id === `r${String(record.metadata.tag)}`),
    ).toBe(true);
    const byTrackingOrder = resources
      .getAllResources()
      .sort((a, b) => Number(a.resource_id.slice(1)) - Number(b.resource_id.slice(1)));
    const createdTimes = byTrackingOrder.map((record) => record.created_at);
    expect(createdTimes[0]).toBeGreaterThan(1.6e12);
    expect(createdTimes).toEqual([...createdTimes].sort((a, b) => a - b));
    expect(
      byTrackingOrder.filter(
        (record) => record.state === 'released' && !(record.released_at! >= record.created_at),
      ),
    ).toEqual([]);
  });

  test('keeps every released record, none lost, in release order', () => {
    const resources = new ResourceTracker();
    const releaseOrder: string[] = [];
    for (let index = 0; index < 9000; index++) {
      resources.trackResource('cache', 'timer', `r${index}`);
    }
    for (let index = 8999; index >= 0; index -= 2) {
      resources.releaseResource(`r${index}`);
      releaseOrder.push(`r${index}`);
    }

    expect(ids(resources.getAllResources({ state: 'released' }))).toEqual(releaseOrder);
    expect(resources.getAllResources({ state: 'active' })).toHaveLength(4500);
  });

  const badFilters: Array<[string, unknown]> = [
    ['a string', 'cache'],
    ['null', null],
    ['an array', ['cache']],
    ['an unknown key', { owner_module: 'cache' }],
    ['an empty module', { module: '' }],
    ['a numeric type', { type: 3 }],
    ['an unknown state', { state: 'open' }],
  ];

  test.each(badFilters)('refuses %s as a filter with INVALID_ARGUMENT', (_, filter) => {
    expect(thrownBy(() => loosely(new ResourceTracker(), 'getAllResources')(filter)).code).toBe(
      'INVALID_ARGUMENT',
    );
  });

  test('says what was wrong with each refused filter', () => {
    const resources = new ResourceTracker();

    expect(
      badFilters.map(
        ([, filter]) => thrownBy(() => loosely(resources, 'getAllResources')(filter)).message,
      ),
    ).toMatchInlineSnapshot(`
     [
       "resources.getAllResources(filter?): \`filter\` must be a plain object or undefined, but received string 'cache'. Pass such as { module: 'cache', state: 'active' }.",
       "resources.getAllResources(filter?): \`filter\` must be a plain object or undefined, but received null. Pass such as { module: 'cache', state: 'active' }.",
       "resources.getAllResources(filter?): \`filter\` must be a plain object or undefined, but received array [ 'cache' ]. Pass such as { module: 'cache', state: 'active' }.",
       "resources.getAllResources(filter?): \`filter.owner_module\` is unknown. Pass only module, type or state.",
       "resources.getAllResources(filter?): \`filter.module\` must be a non-empty string, but received string ''. Pass a module name such as 'cache.store'.",
       "resources.getAllResources(filter?): \`filter.type\` must be a non-empty string, but received number 3. Pass a resource type such as 'tcp-server'.",
       "resources.getAllResources(filter?): \`filter.state\` must be 'active', 'released' or undefined, but received string 'open'. Pass 'active' or 'released'.",
     ]
    `);
  });
});

describe('records', () => {
  test('serialise to JSON whatever their metadata holds', () => {
    const resources = new ResourceTracker();
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const error = new TypeError('bad port');
    error.stack = 'TypeError: bad port\n    at open (server.ts:1:1)';

    resources.trackResource('api', 'tcp-server', 'server', {
      circular,
      big: 10n ** 20n,
      symbol: Symbol('port'),
      handler: function onRequest() {},
      error,
      nested: { deeper: [1, undefined, Number.NaN] },
    });

    expect(JSON.parse(JSON.stringify(resources.getAllResources()))).toEqual([
      {
        resource_id: 'server',
        resource_type: 'tcp-server',
        owner_module: 'api',
        created_at: expect.any(Number),
        state: 'active',
        metadata: {
          circular: { name: 'loop', self: '[Circular]' },
          big: '100000000000000000000n',
          symbol: 'Symbol(port)',
          handler: '[Function onRequest]',
          error: { name: 'TypeError', message: 'bad port', stack: error.stack, cause: null },
          nested: { deeper: [1, null, 'NaN'] },
        },
      },
    ]);
  });

  test('serialise released records with released_at', () => {
    const resources = new ResourceTracker();
    resources.trackResource('cache', 'timer', 'tick');
    const released = resources.releaseResource('tick');

    expect(Object.keys(JSON.parse(JSON.stringify(released)) as object)).toEqual(RELEASED_KEYS);
  });

  test('carry toJSON on the prototype, not as a key', () => {
    const record = new ResourceTracker().trackResource('cache', 'timer', 'tick');

    expect(Object.getOwnPropertyNames(record)).toEqual(ACTIVE_KEYS);
    expect(typeof (record as { toJSON?: unknown }).toJSON).toBe('function');
  });
});

describe('the tracker object', () => {
  test('carries its brand, recognised across copies of the package', () => {
    const resources = new ResourceTracker();

    expect(brandOf(resources)).toBe('ResourceTracker');
    expect((resources as unknown as Record<symbol, unknown>)[BRAND]).toBe('ResourceTracker');
    expect(Object.keys(resources)).toEqual([]);
  });

  test('does not answer to a brand it lacks', () => {
    expect(brandOf({ trackResource() {} })).toBeUndefined();
  });
});

describe('observers', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  test('see every record tracked and released, by any means', async () => {
    const tracked: string[] = [];
    const released: string[] = [];
    const resources = new ResourceTracker({
      onTrack: (record) => tracked.push(`${record.resource_id}:${record.state}`),
      onRelease: (record) => released.push(`${record.resource_id}:${record.state}`),
    });

    resources.trackResource('cache', 'timer', 'tick');
    resources.releaseResource('tick');
    const socket = new (class Socket extends EventEmitter {
      destroy(): void {}
    })();
    resources.adopt('api', 'socket', socket, { id: 'socket' });
    socket.emit('close');
    resources.trackResource('api', 'tcp-server', 'server', undefined, { close: () => undefined });
    await resources.closeLeaked();

    expect(tracked).toEqual(['tick:active', 'socket:active', 'server:active']);
    expect(released).toEqual(['tick:released', 'socket:released', 'server:released']);
  });

  test('get their own copy of each record', () => {
    const resources = new ResourceTracker({
      onTrack: (record) => {
        (record as ResourceRecord).owner_module = 'mutated by an observer';
      },
    });

    const returned = resources.trackResource('cache', 'timer', 'tick');

    expect(returned.owner_module).toBe('cache');
    expect(resources.getResourceState('tick')?.owner_module).toBe('cache');
  });

  test('that throw never break tracking, and are reported once per tracker', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const resources = new ResourceTracker({
      onTrack: () => {
        throw new Error('observer bug');
      },
      onRelease: () => {
        throw 'a thrown string';
      },
    });

    for (const id of ['a', 'b']) {
      resources.trackResource('cache', 'timer', id);
      resources.releaseResource(id);
    }

    expect(resources.getAllResources({ state: 'released' })).toHaveLength(2);
    expect(warn.mock.calls.map(([message]) => message)).toMatchInlineSnapshot(`
     [
       "ResourceTracker: the onTrack observer threw Error: observer bug; tracking went on. This warning is shown once per tracker.",
       "ResourceTracker: the onRelease observer threw string 'a thrown string'; tracking went on. This warning is shown once per tracker.",
     ]
    `);
  });

  test.each<[string, unknown]>([
    ['a non-object', 'onTrack'],
    ['an unknown key', { onLeak: () => undefined }],
    ['a non-function observer', { onRelease: 'log' }],
  ])('are refused when given as %s', (_, options) => {
    const error = thrownBy(
      () => new (ResourceTracker as unknown as new (options: unknown) => unknown)(options),
    );

    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^new ResourceTracker\(options\?\): `options/);
  });
});

class FakeSocket extends EventEmitter {
  destroyed = 0;
  destroy(reason?: string): this {
    this.destroyed += 1;
    this.emit('destroyed', reason);
    return this;
  }
}

describe('adopt', () => {
  test('tracks the object and releases it when its release method is called', () => {
    const resources = new ResourceTracker();
    const socket = new FakeSocket();

    const record = resources.adopt('api', 'socket', socket);
    expect(record).toEqual({
      resource_id: 'socket:1',
      resource_type: 'socket',
      owner_module: 'api',
      created_at: expect.any(Number),
      state: 'active',
      metadata: { object_type: 'FakeSocket', release_methods: ['destroy'], release_event: 'close' },
    });

    expect(socket.destroy('done')).toBe(socket);

    expect(socket.destroyed).toBe(1);
    expect(resources.getResourceState('socket:1')?.state).toBe('released');
  });

  test('keeps the release method transparent: this, arguments, result and throws', () => {
    const resources = new ResourceTracker();
    const calls: unknown[][] = [];
    const pool = {
      size: 3,
      end(this: { size: number }, ...args: unknown[]): number {
        calls.push(args);
        if (args[0] === 'fail') {
          throw new Error('end failed');
        }
        return this.size;
      },
    };
    resources.adopt('db', 'pool', pool);

    expect(pool.end('a', 2)).toBe(3);
    expect(() => pool.end('fail')).toThrow('end failed');
    expect(calls).toEqual([['a', 2], ['fail']]);
    expect(Object.keys(pool)).toEqual(['size', 'end']);
  });

  test('releases exactly once, whichever of method and event comes first', () => {
    const resources = new ResourceTracker();
    const byMethod = new FakeSocket();
    const byEvent = new FakeSocket();
    resources.adopt('api', 'socket', byMethod, { id: 'by-method' });
    resources.adopt('api', 'socket', byEvent, { id: 'by-event' });

    byMethod.destroy();
    byMethod.emit('close');
    byMethod.destroy();
    byEvent.emit('close');
    byEvent.destroy();
    byEvent.emit('close');

    expect(ids(resources.getAllResources())).toEqual(['by-method', 'by-event']);
    expect(resources.verifyCleanup()).toEqual([]);
  });

  test('stops listening once released', () => {
    const resources = new ResourceTracker();
    const socket = new FakeSocket();
    resources.adopt('api', 'socket', socket);
    expect(socket.listenerCount('close')).toBe(1);

    socket.destroy();

    expect(socket.listenerCount('close')).toBe(0);
  });

  test.each(['close', 'destroy', 'terminate', 'end', 'kill'])('finds a %s() method', (method) => {
    const resources = new ResourceTracker();
    const object = { [method]: () => 'done' } as Record<string, () => string>;

    expect(resources.adopt('jobs', 'handle', object).metadata.release_methods).toEqual([method]);
    object[method]!();
    expect(resources.verifyCleanup()).toEqual([]);
  });

  test('wraps only the first of close, destroy, terminate, end, kill that exists', () => {
    const resources = new ResourceTracker();
    const child = { kill: (): boolean => true, end: (): void => undefined };
    resources.adopt('jobs', 'child-process', child);

    child.kill();
    expect(resources.verifyCleanup()).toHaveLength(1);
    child.end();
    expect(resources.verifyCleanup()).toEqual([]);
  });

  test('wraps the method named by how, or each of several', () => {
    const resources = new ResourceTracker();
    const queue = {
      drain: (): void => undefined,
      stop: (): void => undefined,
      close: (): void => undefined,
    };
    const other = { drain: (): void => undefined, stop: (): void => undefined };
    resources.adopt('jobs', 'queue', queue, 'drain');
    resources.adopt('jobs', 'queue', other, { release: ['drain', 'stop'] });

    queue.close();
    expect(resources.verifyCleanup()).toHaveLength(2);
    queue.drain();
    other.stop();
    other.drain();

    expect(resources.verifyCleanup()).toEqual([]);
    expect(resources.getAllResources({ state: 'released' })).toHaveLength(2);
  });

  test('releases on the event named by how, even without a release method', () => {
    const resources = new ResourceTracker();
    const child = new EventEmitter();
    resources.adopt('jobs', 'child-process', child, { event: 'exit' });

    child.emit('close');
    expect(resources.verifyCleanup()).toHaveLength(1);
    child.emit('exit', 0);

    expect(resources.verifyCleanup()).toEqual([]);
  });

  test('listens with on() when the object has no once()', () => {
    const resources = new ResourceTracker();
    const listeners: Array<() => void> = [];
    const handle = {
      on: (_event: string, listener: () => void) => listeners.push(listener),
      close: (): void => undefined,
    };
    resources.adopt('jobs', 'handle', handle);

    listeners[0]!();

    expect(resources.verifyCleanup()).toEqual([]);
  });

  test('numbers default ids per type, skipping ids already active', () => {
    const resources = new ResourceTracker();
    resources.trackResource('api', 'socket', 'socket:2');

    const adopted = [1, 2, 3].map(
      () => resources.adopt('api', 'socket', new FakeSocket()).resource_id,
    );

    expect(adopted).toEqual(['socket:1', 'socket:3', 'socket:4']);
  });

  test('uses the id given in how, and refuses one already active', () => {
    const resources = new ResourceTracker();
    resources.adopt('api', 'socket', new FakeSocket(), { id: 'conn' });
    const other = new FakeSocket();
    const destroy = other.destroy;

    const error = thrownBy(() => resources.adopt('api', 'socket', other, { id: 'conn' }));

    expect(error.code).toBe('DUPLICATE_RESOURCE_ID');
    expect(error.message).toMatchInlineSnapshot(
      `"resources.adopt(module, type, object, how?): 'conn' is already active (a 'socket' of module 'api'). Release it first with resources.releaseResource('conn'), or use a unique id such as 'conn#2'."`,
    );
    expect(other.destroy).toBe(destroy);
    expect(other.listenerCount('close')).toBe(0);
  });

  test('refuses an object that is already adopted and active, and accepts it again once released', () => {
    const resources = new ResourceTracker();
    const socket = new FakeSocket();
    resources.adopt('api', 'socket', socket);

    const error = thrownBy(() => resources.adopt('api', 'socket', socket));
    expect(error.code).toBe('DUPLICATE_RESOURCE_ID');
    expect(error.message).toMatchInlineSnapshot(
      `"resources.adopt(module, type, object, how?): this object is already tracked as 'socket:1' (a 'socket' of module 'api'). Adopt each object once; its release already releases that record."`,
    );

    socket.destroy();
    resources.adopt('api', 'socket', socket, { id: 'again' });
    socket.destroy();

    expect(ids(resources.getAllResources())).toEqual(['socket:1', 'again']);
  });

  test('does not release a record that took over the id of a released one', () => {
    const resources = new ResourceTracker();
    const socket = new FakeSocket();
    resources.adopt('api', 'socket', socket, { id: 'conn' });
    resources.releaseResource('conn');
    resources.trackResource('api', 'socket', 'conn');

    socket.destroy();

    expect(resources.getResourceState('conn')?.state).toBe('active');
  });

  test('releases a real net.Server when it is closed', async () => {
    const resources = new ResourceTracker();
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    resources.adopt('api', 'tcp-server', server);
    expect(resources.verifyCleanup('api')).toHaveLength(1);

    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );

    expect(resources.verifyCleanup('api')).toEqual([]);
    expect(server.listenerCount('close')).toBe(0);
  });

  test('releases a real net.Server that emits close', () => {
    const resources = new ResourceTracker();
    const server = net.createServer();
    resources.adopt('api', 'tcp-server', server, { id: 'server' });

    server.emit('close');

    expect(resources.getResourceState('server')?.state).toBe('released');
  });

  test('releases a real fs.watch watcher when it is closed', () => {
    const resources = new ResourceTracker();
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'resource-tracker-'));
    try {
      const watcher = fs.watch(directory);
      const record = resources.adopt('cache', 'fs-watcher', watcher);
      expect(record.metadata).toEqual({
        object_type: 'FSWatcher',
        release_methods: ['close'],
        release_event: 'close',
      });

      watcher.close();

      expect(resources.verifyCleanup()).toEqual([]);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  test('holds the object weakly', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const resources = new ResourceTracker();
    const adoptAndForget = (): WeakRef<object> => {
      const socket = new FakeSocket();
      resources.adopt('api', 'socket', socket);
      return new WeakRef(socket);
    };
    const reference = adoptAndForget();

    await new Promise((resolve) => setImmediate(resolve));
    gc();

    expect(reference.deref()).toBeUndefined();
    expect(resources.verifyCleanup()).toHaveLength(1);
  });

  const badAdoptions: Array<[string, () => unknown[]]> = [
    ['a number', () => ['api', 'socket', 42]],
    ['null', () => ['api', 'socket', null]],
    ['a string', () => ['api', 'socket', 'server']],
    ['an object with no release method', () => ['api', 'socket', { open() {} }]],
    ['an emitter with no release method', () => ['api', 'socket', new EventEmitter()]],
    ['how naming a missing method', () => ['api', 'socket', new FakeSocket(), 'shutdown']],
    [
      'how.release naming a missing method',
      () => ['api', 'socket', new FakeSocket(), { release: ['destroy', 'stop'] }],
    ],
    ['an empty how', () => ['api', 'socket', new FakeSocket(), '']],
    ['a numeric how', () => ['api', 'socket', new FakeSocket(), 3]],
    ['an unknown key in how', () => ['api', 'socket', new FakeSocket(), { method: 'destroy' }]],
    ['an empty how.release', () => ['api', 'socket', new FakeSocket(), { release: [] }]],
    ['an empty how.id', () => ['api', 'socket', new FakeSocket(), { id: '' }]],
    [
      'how.event on an object that cannot emit',
      () => ['api', 'socket', { close() {} }, { event: 'exit' }],
    ],
    ['a frozen object', () => ['api', 'socket', Object.freeze({ close() {} })]],
    ['an empty module', () => ['', 'socket', new FakeSocket()]],
    ['a missing type', () => ['api', undefined, new FakeSocket()]],
  ];

  test.each(badAdoptions)('refuses %s with INVALID_ARGUMENT and changes nothing', (_, makeArgs) => {
    const resources = new ResourceTracker();
    const args = makeArgs();
    const object = args[2];
    const before =
      typeof object === 'object' && object !== null
        ? Object.getOwnPropertyNames(object).map(
            (name) => (object as Record<string, unknown>)[name],
          )
        : [];

    expect(thrownBy(() => loosely(resources, 'adopt')(...args)).code).toBe('INVALID_ARGUMENT');
    expect(resources.getAllResources()).toEqual([]);
    if (typeof object === 'object' && object !== null) {
      expect(
        Object.getOwnPropertyNames(object).map((name) => (object as Record<string, unknown>)[name]),
      ).toEqual(before);
    }
  });

  test('says what was wrong with each refused adoption, and which methods it looked for', () => {
    const resources = new ResourceTracker();

    expect(
      badAdoptions.map(
        ([, makeArgs]) => thrownBy(() => loosely(resources, 'adopt')(...makeArgs())).message,
      ),
    ).toMatchInlineSnapshot(`
     [
       "resources.adopt(module, type, object, how?): \`object\` must be an object with a close(), destroy(), terminate(), end() or kill() method, but received number 42. Pass the resource itself, such as a net.Server or an fs.FSWatcher.",
       "resources.adopt(module, type, object, how?): \`object\` must be an object with a close(), destroy(), terminate(), end() or kill() method, but received null. Pass the resource itself, such as a net.Server or an fs.FSWatcher.",
       "resources.adopt(module, type, object, how?): \`object\` must be an object with a close(), destroy(), terminate(), end() or kill() method, but received string 'server'. Pass the resource itself, such as a net.Server or an fs.FSWatcher.",
       "resources.adopt(module, type, object, how?): the object (Object) has none of the methods close(), destroy(), terminate(), end() or kill(). Name the method that releases it, such as resources.adopt(module, type, pool, 'drain'), or the event that marks it released, such as { event: 'exit' }.",
       "resources.adopt(module, type, object, how?): the object (EventEmitter) has none of the methods close(), destroy(), terminate(), end() or kill(). Name the method that releases it, such as resources.adopt(module, type, pool, 'drain'), or the event that marks it released, such as { event: 'exit' }.",
       "resources.adopt(module, type, object, how?): \`how\` names the method 'shutdown', but the object (FakeSocket) has no such method. Pass the name of a method it has, such as 'destroy'.",
       "resources.adopt(module, type, object, how?): \`how\` names the method 'stop', but the object (FakeSocket) has no such method. Pass the name of a method it has, such as 'destroy'.",
       "resources.adopt(module, type, object, how?): \`how\` must be a non-empty string, but received string ''. Pass the name of the object's release method, such as 'close'.",
       "resources.adopt(module, type, object, how?): \`how\` must be a method name or { id?, release?, event? }, but received number 3. Pass such as 'close' or { release: 'stop', event: 'exit' }.",
       "resources.adopt(module, type, object, how?): \`how.method\` is unknown. Pass only id, release or event.",
       "resources.adopt(module, type, object, how?): \`how.release\` must be a method name or a non-empty array of them, but received array []. Pass such as 'close' or ['end', 'destroy'].",
       "resources.adopt(module, type, object, how?): \`how.id\` must be a non-empty string, but received string ''. Pass an id unique among active resources, such as 'server:8080'.",
       "resources.adopt(module, type, object, how?): \`how.event\` is 'exit', but the object (Object) has no once() or on() method to listen with. Name its release method instead, such as { release: 'close' }.",
       "resources.adopt(module, type, object, how?): the object's 'close' method cannot be replaced (the object is frozen, sealed or the property is read-only), so its call cannot be watched. Track it with resources.trackResource(...) and release it yourself, or pass { event } if it emits one.",
       "resources.adopt(module, type, object, how?): \`module\` must be a non-empty string, but received string ''. Pass a module name such as 'cache.store'.",
       "resources.adopt(module, type, object, how?): \`type\` must be a non-empty string, but received undefined. Pass a resource type such as 'tcp-server'.",
     ]
    `);
  });

  function handleThatCannotListen(): { close: () => void; once: () => never } {
    return {
      close: (): void => undefined,
      once: (): never => {
        throw new Error('no listeners here');
      },
    };
  }

  test('watches the release method alone when listening for close fails', () => {
    const resources = new ResourceTracker();
    const handle = handleThatCannotListen();

    expect(resources.adopt('api', 'handle', handle).metadata.release_event).toBeNull();
    handle.close();

    expect(resources.verifyCleanup()).toEqual([]);
  });

  test('refuses, and undoes its wrappers, when listening for a requested event fails', () => {
    const resources = new ResourceTracker();
    const handle = handleThatCannotListen();
    const close = handle.close;

    const error = thrownBy(() => resources.adopt('api', 'handle', handle, { event: 'exit' }));

    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatchInlineSnapshot(
      `"resources.adopt(module, type, object, how?): listening for 'exit' on the object threw Error: no listeners here. Name its release method with \`how\` instead, such as { release: 'close' }."`,
    );
    expect(handle.close).toBe(close);
    expect(Object.keys(handle)).toEqual(['close', 'once']);
    expect(resources.getAllResources()).toEqual([]);
  });
});

describe('beforeRead', () => {
  test.each([
    ['verifyCleanup', (resources: ResourceTracker) => resources.verifyCleanup()],
    ['getAllResources', (resources: ResourceTracker) => resources.getAllResources()],
    ['getResourceState', (resources: ResourceTracker) => resources.getResourceState('watcher')],
  ])('runs before %s, so that what it releases is already released', (_name, read) => {
    const resources: ResourceTracker = new ResourceTracker({
      beforeRead: () => {
        if (resources.verifyCleanup().length > 0) {
          resources.releaseResource('watcher');
        }
      },
    });
    resources.trackResource('cache', 'fs-watcher', 'watcher');

    read(resources);

    expect(resources.getResourceState('watcher')?.state).toBe('released');
  });

  test('never fails a look-up by throwing', () => {
    const resources = new ResourceTracker({
      beforeRead: () => {
        throw new Error('broken');
      },
    });
    resources.trackResource('cache', 'fs-watcher', 'watcher');

    expect(ids(resources.verifyCleanup())).toEqual(['watcher']);
  });
});

describe('isAdopted and onAdopt', () => {
  test('says whether an object is adopted, for as long as its record is active', () => {
    const resources = new ResourceTracker();
    const socket = new FakeSocket();
    expect(resources.isAdopted(socket)).toBe(false);

    resources.adopt('api', 'socket', socket);
    expect(resources.isAdopted(socket)).toBe(true);

    socket.destroy();
    expect(resources.isAdopted(socket)).toBe(false);
  });

  test.each([null, undefined, 'socket', 42])('answers false for %p', (value) => {
    expect(new ResourceTracker().isAdopted(value)).toBe(false);
  });

  test('tells onAdopt the object and its new record', () => {
    const adoptions: Array<[object, string]> = [];
    const resources = new ResourceTracker({
      onAdopt: (object, record) => adoptions.push([object, record.resource_id]),
    });
    const socket = new FakeSocket();

    resources.adopt('api', 'socket', socket, { id: 'socket:1' });

    expect(adoptions).toEqual([[socket, 'socket:1']]);
  });
});

describe('closeLeaked', () => {
  test('closes every leaked resource that has a closer, and leaves the others active', async () => {
    const resources = new ResourceTracker();
    const closed: string[] = [];
    resources.trackResource(
      'api',
      'tcp-server',
      'server',
      { port: 80 },
      { close: () => closed.push('server') },
    );
    resources.trackResource('cache', 'timer', 'tick');
    const socket = new FakeSocket();
    resources.adopt('api', 'socket', socket, { id: 'socket' });
    resources.trackResource('cache', 'fs-watcher', 'watcher', undefined, {
      close: () => closed.push('watcher'),
    });
    resources.releaseResource('watcher');

    const records = await resources.closeLeaked();

    expect(closed).toEqual(['server']);
    expect(socket.destroyed).toBe(1);
    expect(records.map((record) => [record.resource_id, record.state, record.metadata])).toEqual([
      ['server', 'released', { port: 80, closed_by: 'environment' }],
      ['socket', 'released', expect.objectContaining({ closed_by: 'environment' })],
    ]);
    expect(ids(resources.verifyCleanup())).toEqual(['tick']);
    expect(resources.getResourceState('server')).toEqual(records[0]);
  });

  test('closes only the records its filter accepts, and leaves the rest open', async () => {
    const resources = new ResourceTracker();
    const closed: string[] = [];
    for (const id of ['reported', 'allowed']) {
      resources.trackResource('api', 'tcp-server', id, undefined, { close: () => closed.push(id) });
    }

    const records = await resources.closeLeaked({
      filter: (record) => record.resource_id === 'reported',
    });

    expect(closed).toEqual(['reported']);
    expect(ids(records)).toEqual(['reported']);
    expect(ids(resources.verifyCleanup())).toEqual(['allowed']);
  });

  test('explains a filter that is not a function', async () => {
    const resources = new ResourceTracker();
    const error = await rejectionOf(
      () => loosely(resources, 'closeLeaked')({ filter: 42 }) as Promise<unknown>,
    );
    expect(error.message).toMatchInlineSnapshot(
      `"resources.closeLeaked(options?): \`options.filter\` must be a function or undefined, but received number 42. Pass (record) => boolean, or nothing to close every leak."`,
    );
  });

  test('returns nothing when nothing leaked', async () => {
    const resources = new ResourceTracker();
    resources.trackResource('api', 'tcp-server', 'server', undefined, { close: () => undefined });
    resources.releaseResource('server');

    await expect(resources.closeLeaked()).resolves.toEqual([]);
  });

  test('closes an adopted object that is later released by its own event only once', async () => {
    const resources = new ResourceTracker();
    const socket = new FakeSocket();
    resources.adopt('api', 'socket', socket, { id: 'socket' });

    await resources.closeLeaked();
    socket.emit('close');
    socket.destroy();

    expect(resources.getAllResources()).toHaveLength(1);
    expect(socket.destroyed).toBe(2);
  });

  test('awaits closers that return promises', async () => {
    const resources = new ResourceTracker();
    let finished = false;
    resources.trackResource('jobs', 'worker', 'worker', undefined, {
      close: () =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            finished = true;
            resolve();
          }, 10),
        ),
    });

    const [record] = await resources.closeLeaked();

    expect(finished).toBe(true);
    expect(record?.metadata).toEqual({ closed_by: 'environment' });
  });

  test('notes what a closer threw or rejected with, and still closes the others', async () => {
    const resources = new ResourceTracker();
    const failure = new Error('EADDRINUSE');
    failure.stack = 'Error: EADDRINUSE\n    at close (server.ts:3:9)';
    resources.trackResource('api', 'tcp-server', 'throws', undefined, {
      close: () => {
        throw failure;
      },
    });
    resources.trackResource('api', 'tcp-server', 'throws-string', undefined, {
      close: () => {
        throw 'not an error';
      },
    });
    resources.trackResource('jobs', 'worker', 'rejects', undefined, {
      close: () => Promise.reject(new RangeError('worker gone')),
    });
    resources.trackResource('cache', 'timer', 'fine', undefined, { close: () => undefined });

    const records = await resources.closeLeaked();

    expect(
      records.map((record) => [record.resource_id, record.state, record.metadata.close_error]),
    ).toEqual([
      [
        'throws',
        'released',
        { name: 'Error', message: 'EADDRINUSE', stack: failure.stack, cause: null },
      ],
      [
        'throws-string',
        'released',
        { name: 'string', message: 'not an error', stack: null, cause: null },
      ],
      [
        'rejects',
        'released',
        expect.objectContaining({ name: 'RangeError', message: 'worker gone' }),
      ],
      ['fine', 'released', undefined],
    ]);
    expect(resources.verifyCleanup()).toEqual([]);
    expect(() => JSON.stringify(records)).not.toThrow();
  });

  test('stops waiting for a closer that never settles', async () => {
    const resources = new ResourceTracker();
    resources.trackResource('jobs', 'worker', 'stuck', undefined, {
      close: () => new Promise(() => undefined),
    });

    const [record] = await resources.closeLeaked({ timeout: 20 });

    expect(record?.metadata.close_error).toMatchInlineSnapshot(`
     {
       "cause": null,
       "message": "the closer did not settle within 20 ms",
       "name": "TimeoutError",
       "stack": null,
     }
    `);
    expect(resources.verifyCleanup()).toEqual([]);
  });

  test('reports a record its closer released itself, without marking it', async () => {
    const resources = new ResourceTracker();
    resources.trackResource('api', 'tcp-server', 'server', undefined, {
      close: () => resources.releaseResource('server'),
    });

    const records = await resources.closeLeaked();

    expect(records.map((record) => [record.resource_id, record.state, record.metadata])).toEqual([
      ['server', 'released', {}],
    ]);
  });

  test('skips a leaked resource that another closer released first', async () => {
    const resources = new ResourceTracker();
    const closed: string[] = [];
    resources.trackResource('api', 'pool', 'pool', undefined, {
      close: () => {
        closed.push('pool');
        resources.releaseResource('conn');
      },
    });
    resources.trackResource('api', 'socket', 'conn', undefined, {
      close: () => closed.push('conn'),
    });

    const records = await resources.closeLeaked();

    expect(closed).toEqual(['pool']);
    expect(ids(records)).toEqual(['pool']);
  });

  test.each<[string, unknown]>([
    ['a number', 100],
    ['an unknown key', { wait: 100 }],
    ['a negative timeout', { timeout: -1 }],
    ['an infinite timeout', { timeout: Number.POSITIVE_INFINITY }],
    ['a filter that is not a function', { filter: 'cache' }],
  ])('refuses %s as options, before closing anything', async (_, options) => {
    const resources = new ResourceTracker();
    const close = jest.fn();
    resources.trackResource('api', 'tcp-server', 'server', undefined, { close });

    const error = await rejectionOf(
      () => loosely(resources, 'closeLeaked')(options) as Promise<unknown>,
    );

    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(close).not.toHaveBeenCalled();
  });
});

import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { creationSite } from '../../src/creationSite';
import { formatLeakReport } from '../../environment/leakReport';
import type { LeakReportInput } from '../../environment/leakReport';
import type { ResourceRecord } from '../../src/records';

const rootDir = '/repo';
const NOW = 1_700_000_000_000;
const ownEnvironmentFile = path.resolve(
  __dirname,
  '..',
  '..',
  'environment',
  'IntegrationLifecycle.ts',
);

function record(
  type: string,
  id: string,
  owner: string,
  ageMs: number,
  metadata: Record<string, unknown> = {},
): ResourceRecord {
  return {
    resource_id: id,
    resource_type: type,
    owner_module: owner,
    created_at: NOW - ageMs,
    state: 'active',
    metadata,
  };
}

function stackAt(...frames: string[]): string {
  return ['Error: created here', ...frames.map((frame) => `    at ${frame}`)].join('\n');
}

function report(leaks: ResourceRecord[], overrides: Partial<LeakReportInput> = {}): string {
  return formatLeakReport({
    scope: 'test',
    name: 'cache › closes its watcher',
    leaks,
    now: NOW,
    rootDir,
    mode: 'fail',
    ...overrides,
  });
}

describe('formatLeakReport', () => {
  test('groups leaks by type, counts and pluralises them, and gives one hint per type', () => {
    const stack = stackAt('Object.<anonymous> (/repo/src/jobs/queue.ts:12:5)');
    expect(
      report(
        [
          record('timer', 'timer:retry', 'jobs.retry', 120.4, { stack }),
          record('tcp-server', 'server:4000', 'api.server', 1530, { stack }),
          record('timer', 'timer:poll', 'jobs.poll', 80, { stack }),
        ],
        { closed: new Set(['server:4000']) },
      ),
    ).toMatchInlineSnapshot(`
"Test "cache › closes its watcher" leaked 3 resources: still open after its afterEach hooks.

2 timers leaked:
  - timer "timer:retry" owned by jobs.retry, open for 120 ms, created at src/jobs/queue.ts:12:5
  - timer "timer:poll" owned by jobs.poll, open for 80 ms, created at src/jobs/queue.ts:12:5
  Hint: clear them with clearTimeout/clearInterval.

1 TCP server leaked:
  - tcp-server "server:4000" owned by api.server, open for 1.5 s, created at src/jobs/queue.ts:12:5 (closed by the environment)
  Hint: call server.close() and await its callback.

To fix this, release each resource in the test or in an afterEach hook.
To allow it, call integration.allowLeaks({ type: 'timer' }) in the test; to only warn about leaks, set the \`leaks\` option to 'warn' ('off' skips the check)."
`);
  });

  test("names a type it has no words for by the user's own type, and says how to show creation sites", () => {
    expect(report([record('db-pool', 'pool:main', 'db', 5)])).toMatchInlineSnapshot(`
"Test "cache › closes its watcher" leaked 1 resource: still open after its afterEach hooks.

1 'db-pool' resource leaked:
  - db-pool "pool:main" owned by db, open for 5 ms, creation site unknown
  Hint: close it, then release it with integration.resources.releaseResource(id).

To fix this, release each resource in the test or in an afterEach hook.
To allow it, call integration.allowLeaks({ type: 'db-pool' }) in the test; to only warn about leaks, set the \`leaks\` option to 'warn' ('off' skips the check).
To see where a resource tracked by hand was created, give its metadata a \`stack\`: trackResource(module, type, id, { stack: new Error().stack })."
`);
  });

  test('tells a describe block to release in afterAll what beforeAll opened', () => {
    expect(
      report([record('temp-dir', '/tmp/x', 'cache', 10, { creation_site: 'src/a.ts:1:1' })], {
        scope: 'describe',
        name: 'cache',
      }),
    ).toMatchInlineSnapshot(`
"describe("cache") leaked 1 resource: opened in its beforeAll hooks, still open after its afterAll hooks.

1 temporary directory leaked:
  - temp-dir "/tmp/x" owned by cache, open for 10 ms, created at src/a.ts:1:1
  Hint: remove it with fs.rm(dir, { recursive: true, force: true }) and release it.

To fix this, release in an afterAll hook of the describe block what its beforeAll hooks open.
To allow it, call integration.allowLeaks({ type: 'temp-dir' }) in a beforeAll hook of the block; to only warn about leaks, set the \`leaks\` option to 'warn' ('off' skips the check)."
`);
  });

  test('names the file whose top level leaked, and says it is a warning under leaks: warn', () => {
    expect(
      report(
        [record('worker', 'worker:1', 'parser.pool', 3, { creation_site: 'src/pool.ts:9:3' })],
        {
          scope: 'file',
          name: '__tests__/pool.test.ts',
          mode: 'warn',
        },
      ),
    ).toMatchInlineSnapshot(`
"Test file __tests__/pool.test.ts leaked 1 resource: opened at load time or in a top-level beforeAll hook, still open after its afterAll hooks.

1 worker thread leaked:
  - worker "worker:1" owned by parser.pool, open for 3 ms, created at src/pool.ts:9:3
  Hint: await worker.terminate().

To fix this, release in a top-level afterAll hook what the file opens outside its tests.
To allow it, call integration.allowLeaks({ type: 'worker' }) in a top-level beforeAll hook. This is a warning (\`leaks: 'warn'\`); set \`leaks\` to 'fail' to fail the test instead."
`);
  });

  test.each([
    ['in milliseconds under a second', 999.4, 'open for 999 ms'],
    ['in seconds from a second', 61_250, 'open for 61.3 s'],
    ['as unknown for a creation time in the future', -5, 'open for an unknown time'],
  ])('states the age %s', (_case, ageMs, expected) => {
    expect(report([record('timer', 't', 'm', ageMs)])).toContain(expected);
  });
});

describe('creationSite', () => {
  test.each([
    [
      "skips Node's, Jest's and this package's frames for the user's first frame",
      stackAt(
        `ResourceTracker.adopt (${ownEnvironmentFile}:10:1)`,
        'listOnTimeout (node:internal/timers:573:17)',
        '_callCircusTest (/repo/node_modules/jest-circus/build/run.js:1:1)',
        'Object.<anonymous> (/repo/src/cache/store.ts:12:5)',
      ),
      'src/cache/store.ts:12:5',
    ],
    [
      "prefers the user's line that called a library to the library's own",
      stackAt(
        'Pool.connect (/repo/node_modules/pg-pool/index.js:45:11)',
        'openDatabase (/repo/src/db.ts:3:14)',
      ),
      'src/db.ts:3:14',
    ],
    [
      "falls back to a library's frame when there is no other",
      stackAt('Pool.connect (/repo/node_modules/pg-pool/index.js:45:11)'),
      'node_modules/pg-pool/index.js:45:11',
    ],
    [
      'reads file:// URLs of ES modules',
      stackAt('file:///repo/src/esm.mjs:7:2'),
      'src/esm.mjs:7:2',
    ],
    [
      'keeps the absolute path of a file outside the root',
      stackAt('/elsewhere/tool.js:1:2'),
      '/elsewhere/tool.js:1:2',
    ],
    ['finds nothing in machinery-only stacks', stackAt('node:internal/timers:1:1'), undefined],
  ])('%s', (_case, stack, expected) => {
    expect(creationSite(record('timer', 't', 'm', 1, { stack }), rootDir)).toBe(expected);
  });

  test('reads the creation stack kept as the captured error itself', () => {
    const metadata = { creation_stack: new Error('created here') };

    expect(creationSite(record('timer', 't', 'm', 1, metadata), __dirname)).toMatch(
      /^leakReport\.test\.ts:\d+:\d+$/,
    );
  });

  test('reads the creation stack kept as parsed frames', () => {
    const frames = [{ file: '/repo/src/a.ts', line: 4, column: 2, function: 'open' }];

    expect(creationSite(record('timer', 't', 'm', 1, { creation_stack: frames }), rootDir)).toBe(
      'src/a.ts:4:2',
    );
  });

  test('survives metadata whose getters throw', () => {
    const metadata = Object.defineProperty({}, 'stack', {
      enumerable: true,
      get() {
        throw new Error('unreadable');
      },
    });

    expect(creationSite(record('timer', 't', 'm', 1, metadata), rootDir)).toBeUndefined();
  });
});

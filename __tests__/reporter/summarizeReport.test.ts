import { describe, expect, test } from '@jest/globals';
import { formatRunSummary } from '../../reporter/formatRunSummary';
import { leakedRecordsOf, summarizeReport } from '../../reporter/summarizeReport';
import { configChange, errorContext, file, resource, scope } from './reportBuilders';

const files = [
  file('cache.test.ts', [
    scope('cache › keeps its watchers', {
      status: 'failed',
      resources: [
        resource('watch:1', 'fs-watcher', 'cache.watch', { to: null }),
        resource('watch:2', 'fs-watcher', 'cache.watch', { to: null }),
        resource('timer:1', 'timer', 'cache.store', { to: null }),
      ],
      leaked_resource_ids: ['watch:1', 'watch:2', 'timer:1'],
      config_changes: [configChange('env.CACHE_DIR', null, '/tmp/x', ['cache.store'])],
    }),
    scope('cache › keeps one watcher', {
      status: 'failed',
      resources: [resource('watch:3', 'fs-watcher', 'cache.watch', { to: null })],
      leaked_resource_ids: ['watch:3'],
    }),
    scope('cache › is skipped', { status: 'skipped', started_at: null, finished_at: null }),
  ]),
  file('parser.test.ts', [
    scope('parser › fails on bad input', {
      errors: [
        errorContext('chunker.parser', 'cli.main', { type: 'SyntaxError', operation: 'parse' }),
        errorContext('chunker.parser', 'cli.main', { type: 'TypeError', operation: 'parse' }),
        errorContext('cache.store', 'chunker.parser', { operation: 'read' }),
      ],
      config_changes: [
        configChange('parser.timeout_ms', 100, 250, ['chunker.parser']),
        configChange('parser.timeout_ms', 250, 100, ['chunker.parser']),
      ],
    }),
    scope('parser.test.ts', {
      kind: 'file',
      status: null,
      resources: [resource('pool', 'pool', 'db.pool', { to: null })],
      leaked_resource_ids: ['pool'],
    }),
  ]),
];

describe('summarizeReport', () => {
  test('counts files, tests by status, resources, leaks, errors and config changes', () => {
    const summary = summarizeReport(files);

    expect(summary).toMatchObject({
      files: 2,
      tests: 4,
      tests_by_status: { failed: 2, passed: 1, skipped: 1 },
      files_without_records: 0,
      resources: 5,
      leaked_resources: 5,
      scopes_with_leaks: 3,
      errors: 3,
      config_changes: 3,
    });
  });

  test('lists leaks by module, worst first, with their types and the scopes that leaked most', () => {
    expect(summarizeReport(files).leaks_by_module).toEqual([
      {
        module: 'cache.watch',
        count: 3,
        by_type: { 'fs-watcher': 3 },
        scopes: 2,
        worst: [
          { file: 'cache.test.ts', kind: 'test', name: 'cache › keeps its watchers', count: 2 },
          { file: 'cache.test.ts', kind: 'test', name: 'cache › keeps one watcher', count: 1 },
        ],
      },
      {
        module: 'cache.store',
        count: 1,
        by_type: { timer: 1 },
        scopes: 1,
        worst: [
          { file: 'cache.test.ts', kind: 'test', name: 'cache › keeps its watchers', count: 1 },
        ],
      },
      {
        module: 'db.pool',
        count: 1,
        by_type: { pool: 1 },
        scopes: 1,
        worst: [{ file: 'parser.test.ts', kind: 'file', name: 'parser.test.ts', count: 1 }],
      },
    ]);
    expect(summarizeReport(files).leaks_by_type).toEqual([
      { type: 'fs-watcher', count: 3 },
      { type: 'pool', count: 1 },
      { type: 'timer', count: 1 },
    ]);
  });

  test('names at most the three worst scopes of a module', () => {
    const many = [1, 2, 3, 4, 5].map((count) =>
      scope(`leaks ${count}`, {
        resources: Array.from({ length: count }, (_, index) =>
          resource(`r${count}.${index}`, 'timer', 'jobs', { to: null }),
        ),
        leaked_resource_ids: Array.from({ length: count }, (_, index) => `r${count}.${index}`),
      }),
    );

    const [jobs] = summarizeReport([file('jobs.test.ts', many)]).leaks_by_module;

    expect(jobs?.worst.map((reference) => [reference.name, reference.count])).toEqual([
      ['leaks 5', 5],
      ['leaks 4', 4],
      ['leaks 3', 3],
    ]);
  });

  test('groups errors by the module pair they crossed, most first, with types and operations', () => {
    expect(summarizeReport(files).errors_by_module).toEqual([
      {
        source_module: 'chunker.parser',
        target_module: 'cli.main',
        count: 2,
        error_types: { SyntaxError: 1, TypeError: 1 },
        operations: { parse: 2 },
      },
      {
        source_module: 'cache.store',
        target_module: 'chunker.parser',
        count: 1,
        error_types: { Error: 1 },
        operations: { read: 1 },
      },
    ]);
  });

  test('lists the config paths changed, most changed first, with the scopes and modules affected', () => {
    expect(summarizeReport(files).config_paths_changed).toEqual([
      {
        config_path: 'parser.timeout_ms',
        changes: 2,
        scopes: 1,
        affected_modules: ['chunker.parser'],
      },
      { config_path: 'env.CACHE_DIR', changes: 1, scopes: 1, affected_modules: ['cache.store'] },
    ]);
  });

  test('counts a type or operation named __proto__ like any other', () => {
    const odd = file('odd.test.ts', [
      scope('odd', {
        errors: [errorContext('a', 'b', { type: '__proto__', operation: '__proto__' })],
      }),
    ]);

    const [pair] = summarizeReport([odd]).errors_by_module;

    expect(JSON.stringify(pair?.error_types)).toBe('{"__proto__":1}');
    expect(Object.keys(pair?.operations ?? {})).toEqual(['__proto__']);
  });

  test('counts released records left out of a scope as resources, never as leaks', () => {
    const busy = file('busy.test.ts', [scope('busy', { omitted_resources: 500 })]);

    expect(summarizeReport([busy])).toMatchObject({ resources: 500, leaked_resources: 0 });
  });

  test('counts files whose records are missing', () => {
    const files = [file('a.test.ts', [], { records: 'missing' }), file('b.test.ts', [])];

    expect(summarizeReport(files).files_without_records).toBe(1);
  });
});

describe('leakedRecordsOf', () => {
  test('takes the last record of each leaked id: an id may be tracked again once released', () => {
    const reused = scope('reuses an id', {
      resources: [
        resource('conn', 'socket', 'db', { from: 0, to: 2 }),
        resource('conn', 'socket', 'db', { from: 3, to: null }),
      ],
      leaked_resource_ids: ['conn'],
    });

    expect(leakedRecordsOf(reused)).toEqual([
      expect.objectContaining({ state: 'active', created_at: reused.resources[1]?.created_at }),
    ]);
  });
});

describe('formatRunSummary', () => {
  test('prints leaks by module, worst first, each with its worst scope, then errors and config', () => {
    expect(formatRunSummary(summarizeReport(files), ['integration-report/integration-report.html']))
      .toMatchInlineSnapshot(`
      "Integration report: 5 leaked resources in 3 scopes (4 tests in 2 files), by module, worst first:
        cache.watch  3 leaks  fs-watcher 3  worst: cache.test.ts › cache › keeps its watchers (2)
        cache.store  1 leak   timer 1       worst: cache.test.ts › cache › keeps its watchers (1)
        db.pool      1 leak   pool 1        worst: parser.test.ts (1)
        3 cross-module errors (chunker.parser → cli.main 2, cache.store → chunker.parser 1), 3 config changes to 2 paths
        Report: integration-report/integration-report.html
      "
    `);
  });

  test('says so in one line when nothing leaked', () => {
    const clean = [file('clean.test.ts', [scope('releases everything')])];

    expect(formatRunSummary(summarizeReport(clean), [])).toMatchInlineSnapshot(`
      "Integration report: no leaked resources, 1 test in 1 file
        0 cross-module errors, 0 config changes to 0 paths
      "
    `);
  });

  test('shows five modules and counts the rest, and names files that recorded nothing', () => {
    const scopes = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((module, index) =>
      scope(`leaks in ${module}`, {
        resources: [resource(`r${index}`, 'timer', module, { to: null })],
        leaked_resource_ids: [`r${index}`],
      }),
    );
    const summary = summarizeReport([
      file('many.test.ts', scopes),
      file('other.test.ts', [], { records: 'missing' }),
    ]);

    expect(formatRunSummary(summary, []).split('\n').slice(6)).toEqual([
      '  ... and 2 more modules with 2 leaks',
      '  0 cross-module errors, 0 config changes to 0 paths',
      '  1 file recorded nothing: not run by the integration environment, or failed before it started.',
      '',
    ]);
  });
});

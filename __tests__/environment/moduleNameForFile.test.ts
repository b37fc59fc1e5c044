import { describe, expect, test } from '@jest/globals';
import { createModuleNamer, moduleNameForFile } from '../../src/moduleNameForFile';

const rootDir = '/repo';

describe('moduleNameForFile', () => {
  test.each([
    ['a file under src/', '/repo/src/chunker/parser.ts', 'chunker.parser'],
    ['a file at the top of src/', '/repo/src/cli.ts', 'cli'],
    ['a file outside src/', '/repo/lib/db/pool.js', 'lib.db.pool'],
    ['an index file, named after its folder', '/repo/src/cache/index.ts', 'cache'],
    ['the index of src itself', '/repo/src/index.ts', 'index'],
    [
      'a src/ folder deeper in a monorepo',
      '/repo/packages/cache/src/store.ts',
      'packages.cache.store',
    ],
    ['an ES module', '/repo/src/cache/store.mjs', 'cache.store'],
    ['a TSX file', '/repo/src/ui/Button.tsx', 'ui.Button'],
    ['a declaration file', '/repo/src/types/api.d.ts', 'types.api'],
    ['a file:// URL', 'file:///repo/src/chunker/parser.ts', 'chunker.parser'],
    ['a path relative to the root', 'src/chunker/parser.ts', 'chunker.parser'],
    ['a dependency, named after its package', '/repo/node_modules/pg/lib/client.js', 'pg'],
    ['a scoped dependency', '/repo/node_modules/@scope/pool/dist/index.js', '@scope/pool'],
    [
      'a nested dependency, named after the innermost package',
      '/repo/node_modules/a/node_modules/b/x.js',
      'b',
    ],
    ['a file outside the root', '/elsewhere/src/tool.ts', 'elsewhere.tool'],
  ])('names %s', (_case, file, expected) => {
    expect(moduleNameForFile(file, { rootDir })).toBe(expected);
  });

  test('names a file by the first glob of `modules` that matches it', () => {
    const moduleNameFor = createModuleNamer({
      rootDir,
      modules: { 'src/cache/**': 'cache', 'src/**/*.ts': 'everything-else', 'lib/db/*.js': 'db' },
    });

    expect(moduleNameFor('/repo/src/cache/store/lru.ts')).toBe('cache');
    expect(moduleNameFor('/repo/src/chunker/parser.ts')).toBe('everything-else');
    expect(moduleNameFor('/repo/lib/db/pool.js')).toBe('db');
    expect(moduleNameFor('/repo/lib/db/deep/pool.js')).toBe('lib.db.deep.pool');
  });

  test('matches absolute globs against the absolute path', () => {
    expect(
      moduleNameForFile('/shared/tools/run.ts', { rootDir, modules: { '/shared/**': 'shared' } }),
    ).toBe('shared');
  });

  test('matches globs against paths with forward slashes on every platform', () => {
    expect(
      moduleNameForFile('src\\cache\\store.ts', { rootDir, modules: { 'src/cache/*': 'cache' } }),
    ).toBe('cache');
  });
});

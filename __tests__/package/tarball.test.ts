import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { builtinModules } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packTarball } from '../support/packTarball';
import type { PackedTarball } from '../support/packTarball';
import { importedSpecifiers } from '../support/importedSpecifiers';
import { runCommand } from '../support/runCommand';

const entryNames = ['index', 'globals', 'matchers', 'worker', 'reporter'];
const jestPackages = /^(jest|jest-.+|@jest\/.+|expect|babel-jest|ts-jest)$/;

let packed: PackedTarball;
let unpacked: string;

beforeAll(async () => {
  packed = await packTarball();
  unpacked = mkdtempSync(join(tmpdir(), 'jest-environment-integration-unpacked-'));
  await runCommand('tar', ['-xzf', packed.tarball, '-C', unpacked], { cwd: unpacked });
}, 5 * 60_000);

afterAll(() => {
  if (unpacked !== undefined) {
    rmSync(unpacked, { recursive: true, force: true });
  }
});

describe('the packed tarball', () => {
  test('ships the build, the manifest and the docs, and nothing else at its top level', () => {
    const topLevel = [...new Set(packed.files.map((file) => file.split('/')[0]))].sort();
    expect(topLevel).toMatchInlineSnapshot(`
      [
        "CHANGELOG.md",
        "README.md",
        "dist",
        "package.json",
      ]
    `);
  });

  test('ships only the built layers, not the tests, fixtures, examples or benchmarks', () => {
    const layers = [
      ...new Set(
        packed.files.filter((file) => file.startsWith('dist/')).map((file) => file.split('/')[1]),
      ),
    ].sort();
    expect(layers).toEqual(['bundle.js', 'entry', 'environment', 'matchers', 'reporter', 'src']);
  });

  test('ships no TypeScript sources, source maps or test files', () => {
    const strays = packed.files.filter(
      (file) =>
        file.endsWith('.map') ||
        /\.test\./.test(file) ||
        /(^|\/)__tests__\//.test(file) ||
        (/\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file)),
    );
    expect(strays).toEqual([]);
  });

  test.each(entryNames)(
    'ships the %s entry for require and import, each with its types',
    (entryName) => {
      const base = `dist/entry/${entryName}`;
      expect(packed.files).toEqual(
        expect.arrayContaining([`${base}.js`, `${base}.d.ts`, `${base}.mjs`, `${base}.d.mts`]),
      );
    },
  );

  test('points main, types and every export at a file it ships', () => {
    const targets = [
      packed.packageJson.main,
      packed.packageJson.types,
      ...stringsIn(packed.packageJson.exports),
    ].map((target) => String(target).replace(/^\.\//, ''));
    expect(targets.filter((target) => !packed.files.includes(target))).toEqual([]);
  });

  test('exports the root and the globals, matchers, worker, reporter, package.json and report schema sub-paths', () => {
    expect(Object.keys(packed.packageJson.exports ?? {})).toEqual([
      '.',
      './globals',
      './matchers',
      './worker',
      './reporter',
      './package.json',
      './integration-report.schema.json',
    ]);
  });

  test('ships the jest-integration-report command', () => {
    expect(packed.packageJson.bin).toEqual({
      'jest-integration-report': './dist/reporter/cli.js',
    });
  });

  test("takes Jest's packages from the user's project, as peer dependencies only", () => {
    const dependencies = Object.keys(packed.packageJson.dependencies ?? {});
    expect(dependencies.filter((name) => jestPackages.test(name))).toEqual([]);
    expect(packed.packageJson.peerDependencies).toEqual({
      '@jest/environment': '^29.0.0 || ^30.0.0',
      expect: '^29.0.0 || ^30.0.0',
      'jest-environment-node': '^29.0.0 || ^30.0.0',
    });
  });

  test('requires at run time only Node built-ins and the packages it declares', () => {
    expect(undeclaredImports(/\.[cm]?js$/)).toEqual([]);
  });

  test('refers in its type declarations only to packages it declares', () => {
    expect(undeclaredImports(/\.d\.[cm]?ts$/)).toEqual([]);
  });
});

/** Packages that the shipped files matching `files` import but the manifest does not declare. */
function undeclaredImports(files: RegExp): { file: string; name: string }[] {
  const found: { file: string; name: string }[] = [];
  for (const file of packed.files.filter((path) => files.test(path))) {
    const text = readFileSync(join(unpacked, 'package', file), 'utf8');
    for (const specifier of importedSpecifiers(file, text)) {
      if (specifier.startsWith('.') || specifier.startsWith('node:')) {
        continue;
      }
      const name = specifier.startsWith('@')
        ? specifier.split('/').slice(0, 2).join('/')
        : (specifier.split('/')[0] ?? specifier);
      if (!isDeclared(name)) {
        found.push({ file, name });
      }
    }
  }
  return found;
}

function isDeclared(name: string): boolean {
  return (
    builtinModules.includes(name) ||
    // `@types/node`, which every Jest project has through Jest's own dependencies.
    name === 'node' ||
    // Never installed: Jest's module registry answers `require('@jest/globals')` itself.
    name === '@jest/globals' ||
    name in (packed.packageJson.dependencies ?? {}) ||
    name in (packed.packageJson.peerDependencies ?? {})
  );
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).flatMap(stringsIn);
  }
  return [];
}

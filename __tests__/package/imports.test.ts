import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { installProject } from '../support/installProject';
import type { InstalledProject } from '../support/installProject';
import { packTarball } from '../support/packTarball';
import { runCommand } from '../support/runCommand';

const packageName = 'jest-environment-integration';
const subPaths = ['globals', 'matchers', 'worker', 'reporter'] as const;
/** DESIGN.md, Package: what the root entry exports by name, beside the environment as default. */
const rootNamedExports = [
  'ConfigChangeObserver',
  'ErrorPropagation',
  'ErrorPropagationMixin',
  'IntegrationError',
  'ResourceTracker',
  'withIntegration',
];

/** What a consumer script found when it loaded every entry. */
interface LoadReport {
  /** Export names per entry (`.` is the root), `__esModule` left out. */
  exportsOf: Record<string, string[]>;
  /** `typeof` and `name` of each entry's default export, when it has one. */
  defaultOf: Record<string, { type: string; name: string }>;
  /** Where each sub-path resolved, relative to the package folder. */
  resolved: Record<string, string>;
  /** What loading the matchers entry passed to `expect.extend`. */
  registeredMatchers: string[];
  /**
   * CommonJS only: for each export name found in more than one entry, whether every entry
   * hands out the very same object (one copy of each module, whichever entry loads it).
   */
  sharedAcrossEntries?: Record<string, boolean>;
  /** ESM only: whether every export of every entry is the very object `require` returns. */
  sameAsRequire?: Record<string, boolean>;
  packageJsonName: string;
}

const reportHelpers = `
// What a setup file sees: Jest's global expect, here a stand-in that records what is registered.
const registeredMatchers = [];
globalThis.expect = { extend: (matchers) => registeredMatchers.push(...Object.keys(matchers)) };
const entries = ['.', ${subPaths.map((path) => `'./${path}'`).join(', ')}];
const specifier = (entry) => entry === '.' ? '${packageName}' : '${packageName}/' + entry.slice(2);
const shortPath = (file) => file.slice(file.lastIndexOf('/${packageName}/') + '/${packageName}/'.length);
const describeDefault = (value) => ({ type: typeof value, name: (value && value.name) || '' });
`;

const consumerFiles: Record<string, string> = {
  // A user's project has Jest; the matchers' types extend its `expect`.
  'package.json': JSON.stringify({
    name: 'consumer',
    version: '1.0.0',
    private: true,
    devDependencies: { jest: '30.5.2', 'jest-environment-node': '30.5.2' },
  }),
  'load.cjs': `${reportHelpers}
const report = { exportsOf: {}, defaultOf: {}, resolved: {}, sharedAcrossEntries: {} };
const byName = new Map();
for (const entry of entries) {
  const loaded = require(specifier(entry));
  for (const [name, value] of Object.entries(loaded)) {
    if (name !== 'default' && name !== '__esModule') byName.set(name, [...(byName.get(name) ?? []), value]);
  }
  report.exportsOf[entry] = Object.keys(loaded).filter((key) => key !== '__esModule').sort();
  if ('default' in loaded) report.defaultOf[entry] = describeDefault(loaded.default);
  report.resolved[entry] = shortPath(require.resolve(specifier(entry)));
}
for (const [name, values] of byName) {
  if (values.length > 1) report.sharedAcrossEntries[name] = values.every((value) => value === values[0]);
}
report.resolved['./package.json'] = shortPath(require.resolve('${packageName}/package.json'));
report.packageJsonName = require('${packageName}/package.json').name;
report.registeredMatchers = registeredMatchers.sort();
console.log(JSON.stringify(report));
`,
  'load.mjs': `${reportHelpers}
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
const require = createRequire(import.meta.url);
const report = { exportsOf: {}, defaultOf: {}, resolved: {}, sameAsRequire: {} };
for (const entry of entries) {
  const loaded = await import(specifier(entry));
  const required = require(specifier(entry));
  report.exportsOf[entry] = Object.keys(loaded).sort();
  if ('default' in loaded) report.defaultOf[entry] = describeDefault(loaded.default);
  report.resolved[entry] = shortPath(fileURLToPath(import.meta.resolve(specifier(entry))));
  report.sameAsRequire[entry] = Object.keys(loaded).every((key) => loaded[key] === required[key]);
}
report.resolved['./package.json'] = shortPath(fileURLToPath(import.meta.resolve('${packageName}/package.json')));
const manifest = await import('${packageName}/package.json', { with: { type: 'json' } });
report.packageJsonName = manifest.default.name;
report.registeredMatchers = registeredMatchers.sort();
console.log(JSON.stringify(report));
`,
  // Static imports fail at link time, before any code runs, when a named export is missing.
  'static.mjs': `
import IntegrationEnvironment, { ${rootNamedExports.join(', ')} } from '${packageName}';
import { integration } from '${packageName}/globals';
import IntegrationReporter from '${packageName}/reporter';
import { serializeError } from '${packageName}/worker';
console.log(JSON.stringify([IntegrationEnvironment, ${rootNamedExports.join(', ')}, integration, IntegrationReporter, serializeError].map((value) => typeof value)));
`,
  'reporter.cjs': `
const IntegrationReporter = require('${packageName}/reporter').default;
const reporter = new IntegrationReporter({ rootDir: process.cwd() }, {}, {});
console.log(JSON.stringify({ lastError: reporter.getLastError() === undefined, name: IntegrationReporter.name }));
`,
  'types.mts': `
import { expect } from '@jest/globals';
import IntegrationEnvironment, { IntegrationError } from '${packageName}';
import type { ResourceRecord } from '${packageName}';
import { integration } from '${packageName}/globals';
import * as matchers from '${packageName}/matchers';
import { serializeError } from '${packageName}/worker';
import IntegrationReporter from '${packageName}/reporter';

export const environmentClass: typeof IntegrationEnvironment = IntegrationEnvironment;
export type Environment = IntegrationEnvironment;
export const reporter: IntegrationReporter = new IntegrationReporter({}, {});
export const error: IntegrationError = new IntegrationError('INVALID_ARGUMENT', 'a message');
export const serialized: { name: string; message: string } = serializeError(error);
export const handle: typeof integration = integration;
export const matcherNames: string[] = Object.keys(matchers);
export type Record = ResourceRecord;
export const checkLeaks = (): void => expect(integration).toHaveNoLeakedResources('cache');
`,
  'types.cts': `
import jestGlobals = require('@jest/globals');
import root = require('${packageName}');
import globals = require('${packageName}/globals');
import worker = require('${packageName}/worker');
import reporterEntry = require('${packageName}/reporter');

export const environmentClass: typeof root.default = root.default;
export type Environment = InstanceType<typeof root.default>;
export const reporter = new reporterEntry.default({}, {});
export const error: root.IntegrationError = new root.IntegrationError('INVALID_ARGUMENT', 'a message');
export const serialized: { name: string } = worker.serializeError(error);
export const handle: typeof globals.integration = globals.integration;
export type Record = root.ResourceRecord;
export const checkLeaks = (): void => jestGlobals.expect(globals.integration).toHaveNoLeakedResources('cache');
`,
};

let project: InstalledProject;
let fromRequire: LoadReport;
let fromImport: LoadReport;

beforeAll(async () => {
  const { tarball } = await packTarball();
  project = await installProject({ tarball, files: consumerFiles });
  const load = async (script: string): Promise<LoadReport> =>
    JSON.parse(
      (await runCommand('node', [script], { cwd: project.directory })).stdout,
    ) as LoadReport;
  [fromRequire, fromImport] = await Promise.all([load('load.cjs'), load('load.mjs')]);
}, 8 * 60_000);

afterAll(() => project?.remove());

describe('a CommonJS project', () => {
  test('gets the environment class as the default export of the root', () => {
    expect(fromRequire.defaultOf['.']).toEqual({ type: 'function', name: expect.any(String) });
  });

  test('gets the standalone classes by name from the root', () => {
    expect(fromRequire.exportsOf['.']).toEqual(
      expect.arrayContaining([...rootNamedExports, 'default']),
    );
  });

  test('gets the integration handle from the globals entry', () => {
    expect(fromRequire.exportsOf['./globals']).toContain('integration');
  });

  test('gets the same class or function from every entry that exports it: one copy of each module', () => {
    expect(fromRequire.sharedAcrossEntries).toEqual({
      ConfigChangeObserver: true,
      ErrorPropagation: true,
      IntegrationError: true,
      ResourceTracker: true,
      serializeError: true,
      toJSONSafe: true,
    });
  });
});

describe('an ES module project', () => {
  test('gets the same default export as require: the environment class, not module.exports', () => {
    expect(fromImport.defaultOf['.']).toEqual(fromRequire.defaultOf['.']);
  });

  test.each(['.', ...subPaths.map((path) => `./${path}`)])(
    'gets every export of %s by name, as require does',
    (entry) => {
      const names = fromRequire.exportsOf[entry] ?? [];
      expect(fromImport.exportsOf[entry]).toEqual(names);
    },
  );

  test('shares one copy of the code with require, so classes and state are identical', () => {
    expect(fromImport.sameAsRequire).toEqual({
      '.': true,
      './globals': true,
      './matchers': true,
      './worker': true,
      './reporter': true,
    });
  });

  test('links static imports of the root names, the handle, the reporter and the worker API', async () => {
    const { stdout } = await runCommand('node', ['static.mjs'], { cwd: project.directory });
    expect(JSON.parse(stdout)).toEqual([
      'function',
      ...rootNamedExports.map(() => 'function'),
      'object',
      'function',
      'function',
    ]);
  });
});

describe('every sub-path', () => {
  test.each([
    ['.', 'dist/entry/index.js', 'dist/entry/index.mjs'],
    ...subPaths.map((path) => [`./${path}`, `dist/entry/${path}.js`, `dist/entry/${path}.mjs`]),
    ['./package.json', 'package.json', 'package.json'],
  ])('resolves %s to %s for require and %s for import', (entry, required, imported) => {
    expect([fromRequire.resolved[entry], fromImport.resolved[entry]]).toEqual([required, imported]);
  });

  test('reads its own package.json from both module systems', () => {
    expect([fromRequire.packageJsonName, fromImport.packageJsonName]).toEqual([
      packageName,
      packageName,
    ]);
  });
});

describe('the matchers entry', () => {
  test.each([
    ['require', () => fromRequire],
    ['import', () => fromImport],
  ])('registers the five matchers on the global expect when loaded with %s', (_how, report) => {
    expect(report().registeredMatchers).toEqual([
      'toCarryErrorContext',
      'toHaveNoLeakedResources',
      'toHavePropagatedThrough',
      'toHaveRecordedConfigChange',
      'toHaveReleasedResource',
    ]);
  });
});

describe('the reporter entry', () => {
  test('is a class Jest can construct, and that reports no error before the run', async () => {
    const { stdout } = await runCommand('node', ['reporter.cjs'], { cwd: project.directory });
    expect(JSON.parse(stdout)).toEqual({ lastError: true, name: 'IntegrationReporter' });
  });
});

describe('the type declarations', () => {
  test.each([
    ['node16', ['--module', 'node16', '--moduleResolution', 'node16'], ['types.mts', 'types.cts']],
    [
      'nodenext',
      ['--module', 'nodenext', '--moduleResolution', 'nodenext'],
      ['types.mts', 'types.cts'],
    ],
    ['bundler', ['--module', 'esnext', '--moduleResolution', 'bundler'], ['types.mts']],
  ])(
    'type-check a consumer under moduleResolution %s, libraries included',
    async (_mode, moduleOptions, files) => {
      const tsc = require.resolve('typescript/bin/tsc');
      const result = await runCommand(
        'node',
        [
          tsc,
          '--noEmit',
          '--strict',
          '--target',
          'es2022',
          '--skipLibCheck',
          'false',
          '--types',
          'node',
          ...moduleOptions,
          ...files,
        ],
        { cwd: project.directory, allowFailure: true, timeoutMs: 2 * 60_000 },
      );
      expect(result.stdout + result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
    },
    3 * 60_000,
  );
});

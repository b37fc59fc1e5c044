import { join } from 'node:path';
import type { Config } from 'jest';

/*
 * The example's Jest configuration, written as a user of the package writes it.
 *
 * How `jest-environment-integration` resolves here, before it is published: the example has
 * no package.json of its own, so it lies inside the repository's package, and Node, Jest
 * and TypeScript all resolve the package's own name from inside it ("self-reference",
 * through package.json `exports`). `testEnvironment`, the reporter and
 * `import ... from 'jest-environment-integration/globals'` therefore load the same built
 * files (`dist/`) an installed copy would: run `npm run build` at the root first (the root
 * `npm run demo` does). No path mapping, and no second copy of Jest.
 */

/** The chunker's modules, named as in its errors and ErrorContexts. */
export const modules: Record<string, string> = {
  'src/parser/**': 'chunker.parser',
  'src/cache/**': 'chunker.cache',
  'src/parallel/**': 'chunker.parallel',
  'src/plugins/**': 'chunker.plugins',
  'src/config/**': 'chunker.config',
  'src/app/**': 'chunker.app',
  'src/cli/**': 'chunker.cli',
  'bin/**': 'chunker.cli',
  '__tests__/fixtures/**': 'fixtures',
  '__tests__/support/**': 'tests.support',
};

/** Which modules a configuration change affects: longest dotted prefix, then glob. */
export const configMap: Record<string, string | string[]> = {
  parser: ['chunker.parser', 'chunker.parallel'],
  parallel: 'chunker.parallel',
  cache: 'chunker.cache',
  plugins: 'chunker.plugins',
  'env.CHUNKER_*': 'chunker.config',
};

/**
 * The suites as a Jest project, for the root configuration's `projects` (`npm test`): all of
 * this file but the reporters, which Jest only accepts at the top level.
 */
export const project: Config = {
  displayName: 'chunker',
  rootDir: __dirname,
  testEnvironment: 'jest-environment-integration',
  testEnvironmentOptions: {
    integration: { modules, configMap },
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: join(__dirname, 'tsconfig.json') }],
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  // The CLI runs compiled, as it would ship: build it once before the suites.
  globalSetup: '<rootDir>/__tests__/support/buildCli.ts',
  // Worker threads and child processes start in well under a second; a loaded CI machine
  // may need more.
  testTimeout: 30_000,
};

const config: Config = {
  ...project,
  reporters: [
    'default',
    // integration-report.json and .html, in examples/chunker/integration-report/
    ['jest-environment-integration/reporter', { outputDir: 'integration-report' }],
  ],
};

export default config;

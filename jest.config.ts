import type { Config } from 'jest';

const config: Config = {
  projects: [
    {
      displayName: 'package',
      testEnvironment: 'node',
      transform: {
        '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
      },
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/__tests__/fixtures/'],
      modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/__tests__/fixtures/'],
    },
    // The example app's integration suites, under the built environment (npm test builds
    // first), exactly as `npm run demo` runs them.
    '<rootDir>/examples/chunker/jest.config.ts',
  ],
  watchPathIgnorePatterns: ['<rootDir>/__tests__/fixtures/'],
};

export default config;

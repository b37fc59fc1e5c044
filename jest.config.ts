import type { Config } from 'jest';
import { project as chunkerExamples } from './examples/chunker/jest.config';

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
      setupFilesAfterEnv: ['<rootDir>/__tests__/support/closeSpoolChannel.ts'],
    },
    // The example app's integration suites, under the built environment (npm test builds
    // first), as `npm run demo` runs them (the demo adds the reporter, a run-wide option).
    chunkerExamples,
  ],
  watchPathIgnorePatterns: ['<rootDir>/__tests__/fixtures/'],
};

export default config;

import type { Config } from 'jest';
import base from './jest.config';

/*
 * The deliberately leaky example, kept out of the default run: `npm run demo:leaky` fails,
 * and shows what a leak verdict looks like.
 */
const config: Config = {
  ...base,
  displayName: 'chunker (leaky on purpose)',
  testMatch: ['<rootDir>/leaky/**/*.test.ts'],
  globalSetup: undefined,
  reporters: [
    'default',
    ['jest-environment-integration/reporter', { outputDir: 'integration-report/leaky' }],
  ],
};

export default config;

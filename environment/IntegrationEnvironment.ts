import { TestEnvironment } from 'jest-environment-node';
import { withIntegration } from './withIntegration';

/**
 * `jest-environment-node` with this package's per-test state: the `integration` global,
 * a leak verdict after every test's `afterEach` hooks, config changes undone after every
 * test, and the matchers registered. `testEnvironment: 'integration'` selects it.
 *
 * @example
 * // jest.config.js
 * module.exports = {
 *   testEnvironment: 'integration',
 *   testEnvironmentOptions: { integration: { leaks: 'fail' } },
 * };
 */
export class IntegrationEnvironment extends withIntegration(TestEnvironment) {}

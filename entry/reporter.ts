/**
 * `jest-environment-integration/reporter`: the Jest reporter.
 *
 * For now it is a documented no-op: Jest can load it (so a configuration written today keeps
 * working), and it writes nothing and never fails a run. The JSON and HTML reports, and the
 * merging of `jest --shard` reports, come with the reporter issue and will be announced in
 * the CHANGELOG.
 *
 * @example
 * // jest.config.js
 * module.exports = {
 *   testEnvironment: 'integration',
 *   reporters: ['default', 'jest-environment-integration/reporter'],
 * };
 */
export class IntegrationReporter {
  /**
   * Jest calls `new Reporter(globalConfig, reporterOptions, reporterContext)`; none of them
   * is read yet.
   */
  constructor(_globalConfig?: unknown, _reporterOptions?: unknown, _reporterContext?: unknown) {}

  /** Jest asks every reporter for an error that should fail the run: this one has none. */
  getLastError(): undefined {
    return undefined;
  }
}

export default IntegrationReporter;

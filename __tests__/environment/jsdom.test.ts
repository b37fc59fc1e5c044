import { beforeAll, describe, expect, test } from '@jest/globals';
import { runFixture } from './runFixture';
import type { FixtureRun, JestMajor } from './runFixture';

/** `withIntegration(TestEnvironment)` from jest-environment-jsdom, as a user's own environment file. */
const runs = new Map<JestMajor, FixtureRun>();

beforeAll(async () => {
  runs.set(30, await runFixture('jsdom', { jest: 30 }));
  runs.set(29, await runFixture('jsdom', { jest: 29 }));
}, 600_000);

describe.each([30, 29] as const)('jest-environment-jsdom %i with withIntegration', (major) => {
  const run = (): FixtureRun => runs.get(major) as FixtureRun;

  test.each([
    ['runs in a DOM with the integration state', 'passed'],
    ['records and undoes a process.env change', 'passed'],
    ['sees the change undone', 'passed'],
    ['fails for a leaked resource', 'failed'],
  ])('"%s" %s', (name, status) => {
    expect(run().test(name).status).toBe(status);
  });

  test('names the leaked listener and closes it with the closer it was tracked with', () => {
    expect(run().test('fails for a leaked resource').failureMessages).toEqual([
      expect.stringContaining(
        'listener "listener:resize" owned by ui.layout, open for <n> ms, created at dom.test.js:18:25 (closed by the environment)',
      ),
    ]);
  });
});

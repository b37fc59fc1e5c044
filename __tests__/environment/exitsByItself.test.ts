import { describe, expect, test } from '@jest/globals';
import { runFixture } from './runFixture';

/**
 * In band (one process), a handle left open keeps Jest from exiting: Jest then says it
 * "did not exit one second after the test run has completed", and the run is killed here.
 */
describe.each([30, 29] as const)(
  'under Jest %i, a run whose test leaks a server and an interval',
  (major) => {
    test('exits by itself, failing the test, because the environment closes what leaked', async () => {
      const run = await runFixture('hang', {
        jest: major,
        args: ['--runInBand', 'leakyServer'],
        killWhenHanging: true,
      });

      expect(run.hung).toBe(false);
      expect(run.exitCode).toBe(1);
      expect(run.test('leaves a server and an interval open').failureMessages).toEqual([
        expect.stringContaining('2 resources'),
      ]);
    }, 300_000);

    test('hangs with closeLeaked: false, which shows the closing is what lets it exit', async () => {
      const run = await runFixture('hang', {
        jest: major,
        args: ['--runInBand', 'keepLeaksOpen'],
        killWhenHanging: true,
      });

      expect(run.hung).toBe(true);
      expect(run.stderr).toContain('Jest did not exit one second after the test run has completed');
      expect(run.stderr).toContain('tcp-server "tcp-server:1" owned by api.server');
      expect(run.stderr).not.toContain('closed by the environment');
    }, 300_000);
  },
);

import { describe, expect, test } from '@jest/globals';
import { SETTLE_DELAYS_MS, settleLeaks } from '../../environment/settleLeaks';

describe('settleLeaks', () => {
  test('checks nothing again and waits for nothing when the first check found nothing', async () => {
    let checks = 0;

    await expect(settleLeaks([], () => (checks++, ['late']))).resolves.toEqual([]);
    expect(checks).toBe(0);
  });

  test('reports nothing for a resource whose close finishes within the backoff', async () => {
    const open = new Set(['server']);
    setTimeout(() => open.delete('server'), 8);

    await expect(settleLeaks([...open], () => [...open])).resolves.toEqual([]);
  });

  test('stops re-checking as soon as everything is closed', async () => {
    let checks = 0;

    await settleLeaks(['socket'], () => (++checks < 2 ? ['socket'] : []));
    expect(checks).toBe(2);
  });

  test('reports what is still open after a bounded wait', async () => {
    const started = performance.now();

    await expect(settleLeaks(['interval'], () => ['interval'])).resolves.toEqual(['interval']);
    const waited = performance.now() - started;
    const budget = SETTLE_DELAYS_MS.reduce((sum, delay) => sum + delay, 0);
    expect(waited).toBeGreaterThanOrEqual(budget - 5);
    expect(waited).toBeLessThan(budget + 400);
  });
});

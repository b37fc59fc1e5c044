import { describe, expect, test } from '@jest/globals';
import { SETTLE_DELAYS_MS, settleLeaks } from '../../environment/settleLeaks';

describe('settleLeaks', () => {
  test('checks once and waits for nothing when nothing is open', async () => {
    let checks = 0;

    await expect(settleLeaks(() => (checks++, []))).resolves.toEqual([]);
    expect(checks).toBe(1);
  });

  test('reports nothing for a resource whose close finishes within the backoff', async () => {
    const open = new Set(['server']);
    setTimeout(() => open.delete('server'), 8);

    await expect(settleLeaks(() => [...open])).resolves.toEqual([]);
  });

  test('stops re-checking as soon as everything is closed', async () => {
    let checks = 0;

    await settleLeaks(() => (++checks < 3 ? ['socket'] : []));
    expect(checks).toBe(3);
  });

  test('reports what is still open after a bounded wait', async () => {
    const started = performance.now();

    await expect(settleLeaks(() => ['interval'])).resolves.toEqual(['interval']);
    const waited = performance.now() - started;
    const budget = SETTLE_DELAYS_MS.reduce((sum, delay) => sum + delay, 0);
    expect(waited).toBeGreaterThanOrEqual(budget - 5);
    expect(waited).toBeLessThan(budget + 400);
  });
});

import { setImmediate as nextMacrotask, setTimeout as sleep } from 'node:timers/promises';

/**
 * Pauses between re-checks, in milliseconds (about 90 ms in all): enough for a server that
 * was closed without awaiting, a socket that is ending or a child that is exiting to emit
 * its `close`, short enough that a real leak costs little. The timers come from this
 * module's realm, so a test's fake timers cannot stall them.
 */
export const SETTLE_DELAYS_MS: readonly number[] = [1, 5, 10, 25, 50];

/**
 * Lets asynchronous closes finish before calling anything a leak. Given what a first check
 * found open, waits a macrotask and then the short backoff above, re-checking after each
 * pause and stopping as soon as nothing is left. (A clean scope never gets here: its first
 * check found nothing, and it pays no pause and no promise.)
 *
 * @example
 * const open = tracker.verifyCleanup();
 * const leaks = open.length === 0 ? open : await settleLeaks(open, () => tracker.verifyCleanup());
 */
export async function settleLeaks<T>(
  found: readonly T[],
  findLeaks: () => readonly T[],
  delays: readonly number[] = SETTLE_DELAYS_MS,
): Promise<readonly T[]> {
  let leaks = found;
  if (leaks.length === 0) {
    return leaks;
  }
  await nextMacrotask();
  leaks = findLeaks();
  for (const delay of delays) {
    if (leaks.length === 0) {
      break;
    }
    await sleep(delay);
    leaks = findLeaks();
  }
  return leaks;
}

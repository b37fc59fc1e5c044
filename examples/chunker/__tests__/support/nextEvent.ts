import type { EventEmitter } from 'node:events';

/**
 * The arguments of the next `event` that `emitter` emits, or a rejection after `timeoutMs`
 * (the timer is cleared either way, so waiting never leaks one).
 *
 * @example
 * const [invalidation] = await nextEvent(cache, 'invalidate');
 */
export function nextEvent(
  emitter: EventEmitter,
  event: string,
  timeoutMs = 5_000,
): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: unknown[]): void => {
      clearTimeout(timer);
      resolve(args);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    emitter.once(event, listener);
  });
}

import { performance } from 'node:perf_hooks';

// Read once: the time origin is fixed for the life of the process, and reading it on every
// call was a measurable share of a track+release pair.
const timeOrigin = performance.timeOrigin;
let lastTimestamp = 0;

/**
 * Milliseconds since the Unix epoch, with a fraction, never going backwards within a
 * process: the monotonic clock anchored at the process's time origin, clamped so that a
 * later call never returns less than an earlier one.
 */
export function now(): number {
  const timestamp = timeOrigin + performance.now();
  if (timestamp > lastTimestamp) {
    lastTimestamp = timestamp;
  }
  return lastTimestamp;
}

import type Picomatch from 'picomatch';

/**
 * `picomatch`, loaded on first use: only globs in the options (`modules`, `configMap`,
 * `ignore`) need it, and loading it costs every Jest worker a few milliseconds.
 */
export function loadPicomatch(): typeof Picomatch {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy
  return require('picomatch') as typeof Picomatch;
}

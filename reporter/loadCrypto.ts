import type * as NodeCrypto from 'node:crypto';

/**
 * `node:crypto`, loaded on first use. The environment loads the records channel in every
 * Jest worker, and loading `node:crypto` costs each of them milliseconds, while only a run
 * with the reporter configured writes records.
 */
export function loadCrypto(): typeof NodeCrypto {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy
  return require('node:crypto') as typeof NodeCrypto;
}

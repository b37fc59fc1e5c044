/**
 * `jest-environment-integration/worker`: what code running in a worker thread or a child
 * process started by a test can use today.
 *
 * This entry loads none of Jest, so it is safe to import from the worker's own code. The
 * channel that reports a worker's resources and errors back to the test that started it comes
 * with the worker issue; until then a worker builds standard records itself and sends them to
 * its parent as JSON (every record and serialised error is JSON-safe).
 *
 * @example
 * // worker.js
 * const { parentPort } = require('node:worker_threads');
 * const { serializeError } = require('jest-environment-integration/worker');
 *
 * try {
 *   parse(input);
 * } catch (error) {
 *   parentPort.postMessage({ kind: 'error', error: serializeError(error) });
 * }
 */
export { IntegrationError } from '../src/IntegrationError';
export type { IntegrationErrorCode } from '../src/IntegrationError';
export { serializeError, toJSONSafe } from '../src/toJSONSafe';
export type { SerializedError } from '../src/toJSONSafe';
export type {
  ConfigChangeEvent,
  ErrorContext,
  ResourceRecord,
  ResourceState,
} from '../src/records';

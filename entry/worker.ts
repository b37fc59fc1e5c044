/**
 * `jest-environment-integration/worker`: the API for code running in a worker thread or a
 * child process that a test started. It loads none of Jest, so the worker's own code can
 * import it, in tests and in production alike.
 *
 * `connectWorker()` returns `resources`, `errors` and `config` (the standalone classes)
 * whose records land in the records of the test that started the worker, marked with the
 * `thread_id` or `pid` they came from. Outside a test environment the same call works on
 * its own and keeps the records in the worker (`connected` is `false`).
 *
 * @example
 * // worker.js, started by a test with new Worker('./worker.js') or fork('./worker.js')
 * const { connectWorker } = require('jest-environment-integration/worker');
 *
 * const { resources, errors, flush } = connectWorker();
 * resources.trackResource('jobs.worker', 'db-connection', 'db:jobs');
 * try {
 *   runJob();
 * } catch (error) {
 *   errors.captureCrossModuleError('jobs.runner', 'jobs.worker', error, { operation: 'run' });
 * }
 * resources.releaseResource('db:jobs');
 * await flush();
 */
export { connectWorker } from '../src/worker/connectWorker';
export type { WorkerIntegration } from '../src/worker/connectWorker';
export { WorkerExitError } from '../src/worker/WorkerExitError';
export { ResourceTracker } from '../src/ResourceTracker';
export { ConfigChangeObserver } from '../src/ConfigChangeObserver';
export { ErrorPropagation } from '../src/ErrorPropagation';
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

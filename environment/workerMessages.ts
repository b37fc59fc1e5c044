import { errorMessageOf } from '../src/errorMessageOf';

/**
 * Everything the environment says about worker threads and child processes, in one place:
 * warnings (late records, crashes after a test, workers still running, a channel that could
 * not open) and the `WorkerChannelError` that fails the test of a misbehaving worker.
 * `who` names a worker as `worker thread 3 (src/jobs/worker.js)`; `scope` a scope as
 * `test "jobs › run"`.
 */

/** What to do about a worker that was cut off, by why. */
export const WORKER_ADVICE = {
  flood:
    'Track fewer resources per worker (or release and reuse ids), or spread the work over more workers or tests.',
  protocol:
    'Record from workers only through connectWorker() from jest-environment-integration/worker, and leave its channel alone.',
} as const;

export type WorkerAdvice = keyof typeof WORKER_ADVICE;

const FLUSH_ADVICE =
  'Await flush() from jest-environment-integration/worker in the worker before the test ends, or end the worker in the test that starts it.';

/** Why a flood was cut off: `limit` records `per` connection or file. */
export function floodReason(limit: number, per: string): string {
  return `it sent more than ${limit} records, the limit ${per}`;
}

export function lateRecordsMessage(who: string, scope: string, toFile: boolean): string {
  return `jest-environment-integration: ${who} reported records after ${scope} had ended. ${
    toFile
      ? "New resources, errors and config changes went to the test file's records; releases went to the records they release."
      : 'They were not recorded, except releases of resources recorded earlier.'
  } ${FLUSH_ADVICE}`;
}

export function lateCrashMessage(
  who: string,
  scope: string,
  error: unknown,
  toFile: boolean,
): string {
  return `jest-environment-integration: ${who} crashed after ${scope} had ended (${errorMessageOf(error)}); ${
    toFile
      ? "it was added to the test file's errors"
      : 'the test file had finished too, so it was not recorded'
  }. End workers in the test that starts them.`;
}

export function stillRunningMessage(who: string): string {
  return `jest-environment-integration: ${who} is still running after the test file finished; what it records from now on is not recorded. End it in the test or hook that starts it (worker.terminate(), child.kill()).`;
}

export function unavailableMessage(error: unknown): string {
  return `jest-environment-integration could not open the channel for worker threads and child processes (${errorMessageOf(error)}); connectWorker() in them keeps its records to itself.`;
}

/** What the worker hears when it is cut off. */
export function stoppedNotice(reason: string): string {
  return `jest-environment-integration stopped recording this worker: ${reason}`;
}

/**
 * The error that fails the test of a misbehaving worker: cut off (`detail` says why, with
 * advice), or with `count` malformed records skipped (`detail` says what was wrong with the
 * first, as `, on line 3: it is not JSON`).
 */
export function workerChannelError(
  kind: 'stopped' | 'malformed',
  who: string,
  detail: string,
  count: number,
): Error {
  const message =
    kind === 'stopped'
      ? `jest-environment-integration stopped recording ${who}, keeping what it sent before: ${detail}`
      : `jest-environment-integration skipped ${count === 1 ? 'a malformed record' : `${count} malformed records`} from ${who}. The first${detail}. ${WORKER_ADVICE.protocol}`;
  const error = new Error(message);
  error.name = 'WorkerChannelError';
  // The environment's own frames say nothing: Jest shows the message alone.
  error.stack = `${error.name}: ${message}\n    at node:internal/jest-environment-integration:1:1`;
  return error;
}

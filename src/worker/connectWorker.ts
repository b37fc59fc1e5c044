import { isMainThread, threadId } from 'node:worker_threads';
import { BRAND, STATE_KEY, brandOf } from '../brand';
import { ConfigChangeObserver } from '../ConfigChangeObserver';
import type { ErrorPropagation } from '../ErrorPropagation';
import { errorMessageOf } from '../errorMessageOf';
import type { IntegrationHandle } from '../IntegrationHandle';
import { IntegrationError } from '../IntegrationError';
import type { ErrorContext, ResourceRecord } from '../records';
import { ResourceTracker } from '../ResourceTracker';
import { toJSONSafe } from '../toJSONSafe';
import { encodeThrown } from './encodeThrown';
import { ReportingErrorPropagation } from './ReportingErrorPropagation';
import { WorkerChannel } from './WorkerChannel';
import { HUB_ENV_KEY, SCOPE_ENV_KEY } from './workerProtocol';

/**
 * What `connectWorker()` returns: the `resources`, `errors` and `config` of the standalone
 * classes (the same classes, so code that records through them runs anywhere), whose
 * records also reach the test that started this worker thread or child process.
 *
 * @example
 * const { resources, errors, flush } = connectWorker();
 * resources.trackResource('jobs.worker', 'db-connection', 'db:1');
 * errors.captureCrossModuleError('jobs.worker', 'jobs.queue', error, { operation: 'run' });
 * await flush();
 */
export interface WorkerIntegration {
  /** A `ResourceTracker`: what it tracks and releases lands in the test's records. */
  readonly resources: ResourceTracker;
  /** An `ErrorPropagation`: what it captures lands in the test's error chain. */
  readonly errors: ErrorPropagation;
  /** A `ConfigChangeObserver`: what it records lands in the test's change log. */
  readonly config: ConfigChangeObserver;
  /**
   * Whether records reach a test environment: `false` outside one (plain `node`, a worker
   * started with an `env` that left out the environment's variables), where everything
   * stays in this object, and after the environment closed the channel.
   */
  readonly connected: boolean;
  /**
   * Resolves once the environment has received every record made before the call, so
   * that a message the worker sends next finds them in the test's records. Resolves at
   * once when nothing is connected; rejects with an `IntegrationError` (`INVALID_STATE`)
   * when the environment is gone or refused the records.
   */
  flush(): Promise<void>;
}

const CALL = 'connectWorker()';
/** Frames kept of where a resource was tracked: the caller's line and a little context. */
const STACK_FRAMES = 6;

let connected: WorkerIntegration | undefined;

/**
 * Connects this worker thread or child process to the test that started it, and returns
 * its `resources`, `errors` and `config`. Every record lands, in order, in that test's
 * records, marked with the `thread_id` or `pid` it came from; records made just before the
 * worker exits, is terminated or crashes still arrive. Call it once or many times: each
 * call in a thread or process returns the same object.
 *
 * Outside a test environment it works on its own: the records stay in the returned object
 * and `connected` is `false`, so the same code runs in production. Inside a test itself
 * (not a worker) it returns the test's own `integration` state.
 *
 * @example
 * // worker.js, started by a test with new Worker('./worker.js') or fork('./worker.js')
 * const { connectWorker } = require('jest-environment-integration/worker');
 * const { resources, errors, flush } = connectWorker();
 * const db = openDatabase();
 * resources.trackResource('jobs.worker', 'db-connection', 'db:jobs');
 * await errors.boundary('jobs.db', 'jobs.worker', () => db.migrate(), { operation: 'migrate' });
 * db.close();
 * resources.releaseResource('db:jobs');
 * await flush();
 */
export function connectWorker(...args: unknown[]): WorkerIntegration {
  if (args.length > 0) {
    throw new IntegrationError(
      'INVALID_ARGUMENT',
      `${CALL} takes no arguments, but received ${args.length}. Call connectWorker() and record through its resources, errors and config.`,
      { received: args },
    );
  }
  connected ??= createWorkerIntegration();
  return connected;
}

function createWorkerIntegration(): WorkerIntegration {
  const handle = (globalThis as Record<PropertyKey, unknown>)[STATE_KEY];
  if (brandOf(handle) === 'IntegrationHandle') {
    return new TestIntegration(handle as IntegrationHandle);
  }
  const directory = process.env[HUB_ENV_KEY];
  if (directory === undefined || directory === '') {
    return new WorkerIntegrationState(undefined);
  }
  let channel: WorkerChannel;
  const scope = process.env[SCOPE_ENV_KEY];
  try {
    channel = new WorkerChannel(directory, {
      pid: process.pid,
      ppid: process.ppid,
      thread_id: threadId,
      script: process.argv[1] ?? null,
      scope: scope ?? null,
    });
  } catch (error) {
    process.emitWarning(
      `jest-environment-integration/worker: ${CALL} cannot reach the test environment at ${directory} (${errorMessageOf(error)}): its test file has probably finished. Records stay in this worker.`,
      { code: 'JEST_INTEGRATION_WORKER' },
    );
    return new WorkerIntegrationState(undefined);
  }
  if (!isMainThread) {
    // A thread's env is a copy of the real one, which names its test only by the thread's
    // announcement (see WorkerHub). Threads and processes this one starts inherit its env:
    // it names this thread too, for the environment to find its test through it.
    process.env[SCOPE_ENV_KEY] = `${scope ?? ''}@${process.pid}:${threadId}`;
  }
  process.on('exit', (code) => channel.sendFinal({ t: 'exit', code }));
  // A monitor changes nothing about how the exception is handled; whether it ends the
  // worker, the environment learns from the exit.
  process.on('uncaughtExceptionMonitor', (error) =>
    channel.sendFinal({ t: 'uncaught', thrown: encodeThrown(error) }),
  );
  return new WorkerIntegrationState(channel);
}

class WorkerIntegrationState implements WorkerIntegration {
  readonly resources: ResourceTracker;
  readonly errors: ErrorPropagation;
  readonly config: ConfigChangeObserver;
  readonly #channel: WorkerChannel | undefined;

  constructor(channel: WorkerChannel | undefined) {
    this.#channel = channel;
    if (channel === undefined) {
      this.resources = new ResourceTracker();
      this.errors = new ReportingErrorPropagation(() => undefined);
      this.config = new ConfigChangeObserver();
      return;
    }
    this.resources = new ResourceTracker({
      onTrack: (record) => channel.send(trackRecord(record)),
      onRelease: (record) => channel.send({ t: 'release', id: record.resource_id }),
    });
    this.errors = new ReportingErrorPropagation((context) => channel.send(errorRecord(context)));
    this.config = new ConfigChangeObserver();
    this.config.subscribe((event) => {
      channel.send({
        t: 'config',
        path: event.config_path,
        ...(event.old_value === undefined ? {} : { old: toJSONSafe(event.old_value) }),
        ...(event.new_value === undefined ? {} : { new: toJSONSafe(event.new_value) }),
      });
    });
  }

  get connected(): boolean {
    return this.#channel?.writing ?? false;
  }

  // A bound function: `const { flush } = connectWorker()` is how it is used.
  readonly flush = (): Promise<void> =>
    this.#channel === undefined ? Promise.resolve() : this.#channel.flush();
}

/** In the test itself: the test's own state, read at each access like `integration`. */
class TestIntegration implements WorkerIntegration {
  readonly #handle: IntegrationHandle;

  constructor(handle: IntegrationHandle) {
    this.#handle = handle;
  }

  get resources(): ResourceTracker {
    return this.#handle.resources;
  }

  get errors(): ErrorPropagation {
    return this.#handle.errors;
  }

  get config(): ConfigChangeObserver {
    return this.#handle.config;
  }

  get connected(): boolean {
    return true;
  }

  readonly flush = (): Promise<void> => Promise.resolve();
}

for (const prototype of [WorkerIntegrationState.prototype, TestIntegration.prototype]) {
  Object.defineProperties(prototype, {
    [BRAND]: { value: 'WorkerIntegration' },
    [Symbol.toStringTag]: { value: 'WorkerIntegration' },
  });
}

function trackRecord(record: Readonly<ResourceRecord>): {
  t: 'track';
  module: string;
  type: string;
  id: string;
  metadata: Record<string, unknown>;
  stack?: string;
} {
  const metadata = toJSONSafe(record.metadata) as Record<string, unknown>;
  const stack = hasOwnStack(metadata) ? undefined : callerStack();
  return {
    t: 'track',
    module: record.owner_module,
    type: record.resource_type,
    id: record.resource_id,
    metadata,
    ...(stack === undefined ? {} : { stack }),
  };
}

function errorRecord(context: ErrorContext): {
  t: 'error';
  source: string;
  target: string;
  operation: string;
  thrown: ReturnType<typeof encodeThrown>;
  context: Record<string, unknown>;
  call_stack: unknown[];
} {
  const {
    stack: _stack,
    cause_chain: _causeChain,
    call_stack: callStack,
    ...callerContext
  } = context.context_data;
  const frames = toJSONSafe(callStack);
  return {
    t: 'error',
    source: context.source_module,
    target: context.target_module,
    operation: context.operation,
    thrown: encodeThrown(context.original_error),
    context: toJSONSafe(callerContext) as Record<string, unknown>,
    call_stack: Array.isArray(frames) ? frames : [],
  };
}

function hasOwnStack(metadata: Record<string, unknown>): boolean {
  return ['stack', 'creation_stack', 'creation_site'].some((key) => metadata[key] !== undefined);
}

/** Where the user called `trackResource` (or `adopt`), as a short stack. */
function callerStack(): string | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = STACK_FRAMES;
  try {
    // Frames from the tracker's method upwards are left out: the first is the caller's.
    for (const method of [
      ResourceTracker.prototype.trackResource,
      ResourceTracker.prototype.adopt,
    ]) {
      Error.captureStackTrace(holder, method);
      if (holder.stack?.includes('\n') === true) {
        return holder.stack;
      }
    }
    return undefined;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

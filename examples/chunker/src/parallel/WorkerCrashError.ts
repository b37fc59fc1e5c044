import { ChunkerError } from '../ChunkerError';

/**
 * A parse worker died while it had a file: an uncaught exception (then `cause`), an exit,
 * or a failure to start. The file can be retried on another worker.
 *
 * @example
 * // WorkerCrashError: worker 2 (thread 7) crashed while parsing src/a.ts: exited with code 3
 */
export class WorkerCrashError extends ChunkerError {
  readonly file: string | undefined;
  readonly workerId: number;
  readonly threadId: number;
  /** The worker's exit code, when it exited rather than threw. */
  readonly exitCode: number | undefined;

  constructor(
    message: string,
    details: {
      file?: string;
      workerId: number;
      threadId: number;
      exitCode?: number;
      operation: string;
      cause?: unknown;
    },
  ) {
    super(
      message,
      { module: 'chunker.parallel', operation: details.operation },
      'cause' in details ? { cause: details.cause } : undefined,
    );
    this.file = details.file;
    this.workerId = details.workerId;
    this.threadId = details.threadId;
    this.exitCode = details.exitCode;
  }
}

/**
 * What the environment captures when a worker thread or child process started by a test
 * ends badly without an error of its own to show (a non-zero exit code, a signal, a
 * process that vanished): `error_type` `'WorkerExitError'`, the code and signal beside it.
 *
 * @example
 * const crash = integration.errors.getErrorChain().find((c) => c.error_type === 'WorkerExitError');
 * crash?.context_data.exit_code; // 3
 */
export class WorkerExitError extends Error {
  /** The exit code, or `null` when a signal ended it (or nothing said how it ended). */
  readonly exit_code: number | null;
  /** The signal that ended it, such as `'SIGKILL'`, or `null`. */
  readonly signal: string | null;

  constructor(message: string, exitCode: number | null, signal: string | null) {
    super(message);
    this.name = 'WorkerExitError';
    this.exit_code = exitCode;
    this.signal = signal;
  }
}

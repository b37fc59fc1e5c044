import { spawn } from 'node:child_process';

/** What a finished command printed and how it ended. */
export interface CommandResult {
  command: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options for {@link runCommand}. */
export interface RunCommandOptions {
  cwd: string;
  /** Kill the command after this many milliseconds (default: 4 minutes). */
  timeoutMs?: number;
  /** Extra environment variables, on top of the cleaned parent environment. */
  env?: Record<string, string>;
  /** Resolve instead of rejecting when the command exits with a non-zero code. */
  allowFailure?: boolean;
}

/**
 * Runs a command the way a user would in their own project: without the `npm_*` variables
 * that `npm test` and the parent Jest leave behind (npm reads `npm_config_*` as its own
 * configuration, so a nested `npm install` could act on this repository instead of the
 * fixture), and without colours, so that output can be compared as text.
 *
 * @example
 * const { stdout } = await runCommand('npm', ['ls', '--all'], { cwd: project });
 */
export async function runCommand(
  file: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<CommandResult> {
  const command = [file, ...args].join(' ');
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: { ...cleanEnvironment(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  const timeoutMs = options.timeoutMs ?? 4 * 60_000;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
    (resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, closeSignal) => resolve([code, closeSignal]));
    },
  ).finally(() => clearTimeout(timer));

  const result: CommandResult = { command, exitCode, signal, stdout, stderr };
  if (exitCode !== 0 && !options.allowFailure) {
    const why =
      signal === null ? `exit code ${exitCode}` : `signal ${signal} (timeout ${timeoutMs} ms?)`;
    throw new Error(
      `\`${command}\` in ${options.cwd} failed with ${why}.\n--- stdout\n${tail(stdout)}\n--- stderr\n${tail(stderr)}`,
    );
  }
  return result;
}

function cleanEnvironment(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) || name === 'JEST_WORKER_ID' || name === 'INIT_CWD') {
      continue;
    }
    environment[name] = value;
  }
  environment.FORCE_COLOR = '0';
  environment.NO_COLOR = '1';
  environment.npm_config_update_notifier = 'false';
  return environment;
}

function tail(text: string, lines = 60): string {
  return text.split('\n').slice(-lines).join('\n');
}

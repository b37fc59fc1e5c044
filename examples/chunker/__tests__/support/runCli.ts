import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** What the CLI process did. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The real executable, as a user runs it. */
export const CLI = join(__dirname, '..', '..', 'bin', 'chunker.js');

/**
 * Spawns `bin/chunker.js` with these arguments and resolves once it has exited and its
 * output is closed.
 *
 * @example
 * const { code, stdout } = await runCli(['read', 'chunks.parquet'], { cwd: dir.path });
 */
export function runCli(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The chunks a `read` printed, one JSON object per line. */
export function parseJsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

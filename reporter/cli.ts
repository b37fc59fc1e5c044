#!/usr/bin/env node
/**
 * The `jest-integration-report` command (package.json `bin`): merges the integration
 * reports of `jest --shard` runs. See `runCli` for what it does.
 *
 * @example
 * // npx jest-integration-report merge shard-1/integration-report.json shard-2/integration-report.json --html report.html
 */
import { runCli } from './runCli';

process.exitCode = runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});

import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describeValue } from '../src/describeValue';
import { isErrorLike } from '../src/isErrorLike';
import { formatRunSummary } from './formatRunSummary';
import type { IntegrationReport } from './IntegrationReport';
import { mergeReports } from './mergeReports';
import type { NamedReport } from './mergeReports';
import { renderHtmlReport } from './renderHtmlReport';
import { writeFileAtomically } from './writeFileAtomically';

/** Where the command reads and writes: the process's, or a test's. */
export interface CliIo {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Exit codes: a clean merge, tests that conflicted across reports, and a command that could not run. */
export const EXIT = { ok: 0, conflicts: 1, usage: 2 } as const;

export const USAGE = `Usage: jest-integration-report merge <report.json>... [--out <merged.json>] [--html <report.html>]

Merges the integration-report.json files of \`jest --shard=i/n\` runs into the report of the
whole run, counting every test once. At least one of --out and --html is required.

  --out <file>    write the merged JSON report
  --html <file>   write the merged HTML report
  --help          show this help

Exit codes: 0 merged; 1 merged, but some tests had different records in two reports
(the first report's are kept, and "conflicts" lists them); 2 nothing was written.
`;

interface MergeCommand {
  inputs: string[];
  out: string | undefined;
  html: string | undefined;
}

/**
 * `jest-integration-report`: runs one command line, returns the exit code.
 *
 * @example
 * runCli(['merge', 'shard-1.json', 'shard-2.json', '--html', 'report.html'], {
 *   cwd: process.cwd(),
 *   stdout: (text) => process.stdout.write(text),
 *   stderr: (text) => process.stderr.write(text),
 * }); // 0
 */
export function runCli(argv: readonly string[], io: CliIo): number {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    (argv.length === 0 ? io.stderr : io.stdout)(USAGE);
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  let command: MergeCommand;
  try {
    command = parseMerge(argv);
  } catch (error) {
    io.stderr(
      `jest-integration-report: ${isErrorLike(error) ? error.message : describeValue(error)}\n\n${USAGE}`,
    );
    return EXIT.usage;
  }
  let merged: IntegrationReport;
  try {
    merged = mergeReports(command.inputs.map((input) => readReport(input, io.cwd)));
  } catch (error) {
    // mergeReports names its argument; on the command line the file name says it all.
    const message = isErrorLike(error)
      ? error.message.replace(/^mergeReports\(reports\): /, '')
      : describeValue(error);
    io.stderr(`jest-integration-report: ${message}\n`);
    return EXIT.usage;
  }
  const written: string[] = [];
  if (command.out !== undefined) {
    const out = resolve(io.cwd, command.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileAtomically(out, `${JSON.stringify(merged, null, 2)}\n`);
    written.push(relative(io.cwd, out) || out);
  }
  if (command.html !== undefined) {
    const html = resolve(io.cwd, command.html);
    mkdirSync(dirname(html), { recursive: true });
    writeFileAtomically(html, renderHtmlReport(merged));
    written.push(relative(io.cwd, html) || html);
  }
  io.stdout(
    `Merged ${command.inputs.length} report${command.inputs.length === 1 ? '' : 's'}.\n${formatRunSummary(merged.summary, written)}`,
  );
  if (merged.conflicts.length === 0) {
    return EXIT.ok;
  }
  io.stderr(
    `jest-integration-report: ${merged.conflicts.length} test${merged.conflicts.length === 1 ? '' : 's'} appeared in more than one report with different records; the first report's records were kept:\n${merged.conflicts
      .map(
        (conflict) =>
          `  ${conflict.file}${conflict.kind === 'file' ? '' : ` › ${conflict.name}`} (${conflict.sources.join(', ')})`,
      )
      .join('\n')}\n`,
  );
  return EXIT.conflicts;
}

function parseMerge(argv: readonly string[]): MergeCommand {
  const [command, ...rest] = argv;
  if (command !== 'merge') {
    throw new Error(`unknown command ${JSON.stringify(command)}; the command is "merge".`);
  }
  const parsed: MergeCommand = { inputs: [], out: undefined, html: undefined };
  for (let index = 0; index < rest.length; index += 1) {
    const argument = rest[index] as string;
    const [flag, inlineValue] = argument.startsWith('--') ? splitFlag(argument) : [argument];
    if (flag !== '--out' && flag !== '--html') {
      if (argument.startsWith('-')) {
        throw new Error(`unknown option ${argument}.`);
      }
      parsed.inputs.push(argument);
      continue;
    }
    const value = inlineValue ?? rest[(index += 1)];
    if (value === undefined || value === '' || value.startsWith('--')) {
      throw new Error(
        `${flag} needs a file name, as in ${flag} ${flag === '--out' ? 'merged.json' : 'report.html'}.`,
      );
    }
    parsed[flag === '--out' ? 'out' : 'html'] = value;
  }
  if (parsed.inputs.length === 0) {
    throw new Error('merge needs at least one report, as in merge shard-1.json shard-2.json.');
  }
  if (parsed.out === undefined && parsed.html === undefined) {
    throw new Error(
      'say where the merged report goes: --out merged.json, --html report.html, or both.',
    );
  }
  return parsed;
}

function splitFlag(argument: string): [string, string | undefined] {
  const equals = argument.indexOf('=');
  return equals === -1
    ? [argument, undefined]
    : [argument.slice(0, equals), argument.slice(equals + 1)];
}

function readReport(input: string, cwd: string): NamedReport {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, input), 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read ${input}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`,
    );
  }
  try {
    return { path: input, report: JSON.parse(text) as unknown };
  } catch (error) {
    throw new Error(
      `${input} is not JSON (${isErrorLike(error) ? error.message : describeValue(error)}).`,
    );
  }
}

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Chunker } from '../app/Chunker';
import { ChunkerConfig } from '../config/ChunkerConfig';
import type { SettingPath, SettingValues } from '../config/ChunkerSettings';
import type { ErrorBoundary } from '../ErrorBoundary';
import { passThrough } from '../ErrorBoundary';
import type { Chunk } from '../parser/Chunk';
import type { ChunkerPlugin } from '../plugins/ChunkerPlugin';
import { createDedupePlugin } from '../plugins/builtin/createDedupePlugin';
import { describeError, formatError } from './describeError';
import type { ExportFormat } from './ExportFormat';
import { exportFormatOf } from './ExportFormat';
import { readJsonLines, writeJsonLines } from './jsonLines';
import { readParquet, writeParquet } from './parquet';
import { UsageError } from './UsageError';

/** Where the CLI writes and what it reads its settings from; tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  /** Observes the CLI's calls into the application (see `ErrorBoundary`). */
  errors?: ErrorBoundary;
}

/** Exit codes: 0 done, 1 wrong command line, 2 the work failed. */
export const EXIT = { ok: 0, usage: 1, failure: 2 } as const;

export const USAGE = `Usage:
  chunker export <file>... --out <file> [options]   split files into chunks, write JSON Lines or Parquet
  chunker read <file> [--format jsonl|parquet]      print an export's chunks as JSON Lines

Options:
  --format jsonl|parquet    export format (default: from the --out extension)
  --strategy blocks|functions
  --max-lines <n>           longest chunk, in lines
  --timeout-ms <n>          longest parse of one file
  --workers <n>             parser threads
  --cache-dir <dir>         keep chunks in this directory (watched) between runs
  --plugin <name|path>      'dedupe', or a plugin module (repeatable)
  --parser-module <path>    a module whose parseSource replaces the built-in parser
  --error-format text|json  how a failure is printed on stderr

Settings are also read from CHUNKER_* variables (CHUNKER_PARSER_TIMEOUT_MS=500).
`;

const OPTIONS = {
  out: { type: 'string' },
  format: { type: 'string' },
  strategy: { type: 'string' },
  'max-lines': { type: 'string' },
  'timeout-ms': { type: 'string' },
  workers: { type: 'string' },
  'cache-dir': { type: 'string' },
  plugin: { type: 'string', multiple: true },
  'parser-module': { type: 'string' },
  'error-format': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Runs the CLI and resolves with its exit code; never rejects. Failures are printed on
 * stderr with their cause chain (as one JSON line with `--error-format json`).
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let errorFormat = 'text';
  try {
    const { values, positionals } = parseCommandLine(argv);
    errorFormat = values['error-format'] ?? 'text';
    if (errorFormat !== 'text' && errorFormat !== 'json') {
      throw new UsageError(`--error-format must be text or json, but is ${errorFormat}`);
    }
    const [command, ...files] = positionals;
    if (values.help || command === undefined) {
      io.stdout.write(USAGE);
      return values.help ? EXIT.ok : EXIT.usage;
    }
    if (command === 'export') {
      await exportChunks(files, values, io);
    } else if (command === 'read') {
      await readChunks(files, values, io);
    } else {
      throw new UsageError(`unknown command ${JSON.stringify(command)}: use export or read`);
    }
    return EXIT.ok;
  } catch (error) {
    const usage = error instanceof UsageError;
    if (errorFormat === 'json') {
      io.stderr.write(`${JSON.stringify({ error: describeError(error) })}\n`);
    } else {
      io.stderr.write(`chunker: ${formatError(error)}\n${usage ? `\n${USAGE}` : ''}`);
    }
    return usage ? EXIT.usage : EXIT.failure;
  }
}

type Values = ReturnType<typeof parseCommandLine>['values'];

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
}

async function exportChunks(files: string[], values: Values, io: CliIo): Promise<void> {
  const out = values.out;
  if (out === undefined) throw new UsageError('export needs --out <file>');
  if (files.length === 0) throw new UsageError('export needs at least one file');
  const format = formatOf(out, values.format);
  const config = await configure(values, io.env);
  const errors = io.errors ?? passThrough;
  const plugins = (values.plugin ?? []).map(pluginFor);
  const chunker = await Chunker.open(config, {
    plugins,
    errors,
    ...(values['parser-module'] === undefined
      ? {}
      : { parserModule: resolve(values['parser-module']) }),
  });
  try {
    for (const name of chunker.plugins.names()) {
      await chunker.plugins.activate(name);
    }
    const results = await errors.boundary(
      'chunker.app',
      'chunker.cli',
      () => chunker.chunkFiles(files.map((file) => resolve(file))),
      { operation: 'export' },
    );
    const chunks = results.flatMap((result) => result.chunks);
    await write(format, resolve(out), chunks);
    for (const failure of chunker.plugins.failures) {
      io.stderr.write(`chunker: warning: ${formatError(failure)}\n`);
    }
    const cached = results.filter((result) => result.cached).length;
    io.stdout.write(
      `exported ${chunks.length} chunks from ${results.length} files (${cached} from the cache) to ${out}\n`,
    );
  } finally {
    await chunker.close();
  }
}

async function readChunks(files: string[], values: Values, io: CliIo): Promise<void> {
  const [file, ...extra] = files;
  if (file === undefined || extra.length > 0) throw new UsageError('read needs exactly one file');
  const format = formatOf(file, values.format);
  const chunks = format === 'parquet' ? await readParquet(file) : await readJsonLines(file);
  io.stdout.write(chunks.map((chunk) => `${JSON.stringify(chunk)}\n`).join(''));
}

function formatOf(file: string, named: string | undefined): ExportFormat {
  const format = exportFormatOf(file, named);
  if (!format) throw new UsageError(`--format must be jsonl or parquet, but is ${named}`);
  return format;
}

function write(format: ExportFormat, file: string, chunks: Chunk[]): Promise<void> {
  return format === 'parquet' ? writeParquet(file, chunks) : writeJsonLines(file, chunks);
}

async function configure(values: Values, env: NodeJS.ProcessEnv): Promise<ChunkerConfig> {
  const config = new ChunkerConfig();
  const flags: [string | undefined, SettingPath, (text: string) => unknown][] = [
    [values.strategy, 'parser.strategy', (text) => text],
    [values['max-lines'], 'parser.max_chunk_lines', Number],
    [values['timeout-ms'], 'parser.timeout_ms', Number],
    [values.workers, 'parallel.pool_size', Number],
    [values['cache-dir'], 'cache.dir', (text) => resolve(text)],
  ];
  try {
    await config.applyEnv(env);
    for (const [text, path, convert] of flags) {
      if (text !== undefined) {
        await config.set(path, convert(text) as SettingValues[typeof path]);
      }
    }
    if (values['cache-dir'] !== undefined) {
      await config.set('cache.enabled', true);
    }
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  return config;
}

function pluginFor(nameOrPath: string): ChunkerPlugin | string {
  return nameOrPath === 'dedupe' ? createDedupePlugin() : resolve(nameOrPath);
}

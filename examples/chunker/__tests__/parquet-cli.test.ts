import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { integration } from 'jest-environment-integration/globals';
import type { CliRun } from './support/runCli';
import { parseJsonLines, runCli } from './support/runCli';
import { sampleSources } from './support/sampleSources';
import type { TemporaryDirectory } from './support/temporaryDirectory';
import { temporaryDirectory } from './support/temporaryDirectory';

const crashingParser = join(__dirname, 'fixtures', 'parsers', 'crashingParser.js');
const throwsOnLoad = join(__dirname, 'fixtures', 'plugins', 'throwsOnLoad.js');

let dir: TemporaryDirectory;
let sources: string[];
beforeEach(async () => {
  dir = await temporaryDirectory();
  sources = [
    await dir.write('math.ts', sampleSources['math.ts']),
    await dir.write('notes.md', sampleSources['notes.md']),
  ];
});
afterEach(() => dir.remove());

/** The 4 bytes at the start and at the end of a file. */
async function magicBytes(file: string): Promise<[string, string]> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    await handle.read(tail, 0, 4, size - 4);
    return [head.toString('latin1'), tail.toString('latin1')];
  } finally {
    await handle.close();
  }
}

/** Records what a CLI run reported on stderr as an error that crossed from the CLI process into the test. */
function captureCliFailure(run: CliRun): unknown {
  const reported = JSON.parse(run.stderr) as { error: { name: string; message: string } };
  integration.errors.captureCrossModuleError('chunker.cli', 'tests', reported.error, {
    operation: 'export',
    context: { exit_code: run.code },
  });
  return reported.error;
}

describe('chunker export --format parquet', () => {
  test('writes a Parquet file that reads back as exactly the chunks of the JSON Lines export', async () => {
    const parquet = join(dir.path, 'chunks.parquet');
    const jsonl = join(dir.path, 'chunks.jsonl');

    const exported = await runCli(['export', ...sources, '--out', parquet], { cwd: dir.path });
    const exportedJsonl = await runCli(['export', ...sources, '--out', jsonl], { cwd: dir.path });
    const fromParquet = await runCli(['read', parquet], { cwd: dir.path });
    const fromJsonl = await runCli(['read', jsonl], { cwd: dir.path });

    expect(exported).toMatchObject({ code: 0, stderr: '' });
    expect(exported.stdout).toMatch(
      /^exported \d+ chunks from 2 files \(0 from the cache\) to .*chunks\.parquet\n$/,
    );
    expect(exportedJsonl.code).toBe(0);
    expect(await magicBytes(parquet)).toEqual(['PAR1', 'PAR1']);
    const chunks = parseJsonLines(fromParquet.stdout);
    expect(chunks.length).toBeGreaterThan(4);
    expect(chunks).toEqual(parseJsonLines(fromJsonl.stdout));
    expect(chunks[0]).toEqual({
      file: sources[0],
      index: 0,
      kind: 'block',
      start_line: 1,
      end_line: 1,
      text: "import { strict as assert } from 'node:assert';",
    });
  });

  test('every CLI process the test started is tracked, and released once it exited', async () => {
    await runCli(['export', ...sources, '--out', join(dir.path, 'a.parquet')], { cwd: dir.path });
    await runCli(['read', join(dir.path, 'a.parquet')], { cwd: dir.path });

    const children = integration.resources.getAllResources({ type: 'child-process' });
    expect(children).toHaveLength(2);
    expect(children.every((child) => child.state === 'released')).toBe(true);
  });

  test('with the cache, a second run takes every file from it', async () => {
    const cacheDir = join(dir.path, 'cache');
    const args = [
      'export',
      ...sources,
      '--out',
      join(dir.path, 'a.parquet'),
      '--cache-dir',
      cacheDir,
    ];

    const first = await runCli(args, { cwd: dir.path });
    const second = await runCli(args, { cwd: dir.path });

    expect(first.stdout).toContain('(0 from the cache)');
    expect(second.stdout).toContain('(2 from the cache)');
  });
});

describe('chunker export, when the work fails', () => {
  test('a missing file ends with exit code 2 and the ParseError with its cause as JSON on stderr', async () => {
    const missing = join(dir.path, 'missing.ts');

    const run = await runCli(
      ['export', missing, '--out', join(dir.path, 'out.parquet'), '--error-format', 'json'],
      { cwd: dir.path },
    );

    expect(run.code).toBe(2);
    expect(integration.errors.getErrorChain()).toEqual([
      expect.objectContaining({
        source_module: 'chunker.cli',
        target_module: 'tests.support',
        context_data: expect.objectContaining({ exit_code: 2, script: 'bin/chunker.js' }),
      }),
    ]);
    const reported = captureCliFailure(run);
    expect(reported).toMatchObject({
      name: 'ParseError',
      module: 'chunker.parser',
      operation: 'read',
      fields: { file: missing },
      cause: { name: 'Error', fields: { code: 'ENOENT' } },
    });
    expect(reported).toCarryErrorContext({
      source_module: 'chunker.cli',
      target_module: 'tests',
      // A plain object with a name and a message is error-like: it counts as the error it describes.
      error_type: 'ParseError',
      context_data: expect.objectContaining({ exit_code: 2 }),
    });
  });

  test('a worker crash in the CLI is reported, and the process still exits by itself', async () => {
    const crash = await dir.write('crash.ts', '@crash-exit\n');

    const run = await runCli(
      [
        'export',
        ...sources,
        crash,
        '--out',
        join(dir.path, 'out.parquet'),
        '--parser-module',
        crashingParser,
      ],
      { cwd: dir.path },
    );

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^chunker: WorkerCrashError: worker \d+ \(thread \d+\) crashed while parsing .*crash\.ts: exited with code 3 \[chunker\.parallel: parse-in-worker\]\n$/,
    );
    expect(
      integration.resources.getAllResources({ type: 'child-process', state: 'active' }),
    ).toEqual([]);
  });

  test('a plugin that fails to load is a warning; the export still succeeds', async () => {
    const run = await runCli(
      [
        'export',
        ...sources,
        '--out',
        join(dir.path, 'out.jsonl'),
        '--plugin',
        throwsOnLoad,
        '--plugin',
        'dedupe',
      ],
      { cwd: dir.path },
    );

    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'chunker: warning: PluginError: plugin "throwsOnLoad" failed to load: throwsOnLoad.js needs a licence key [chunker.plugins: load]\n' +
        '  caused by: Error: throwsOnLoad.js needs a licence key\n',
    );
  });

  test.each([
    [['export', 'a.ts'], 'export needs --out <file>'],
    [['export', '--out', 'x.jsonl'], 'export needs at least one file'],
    [
      ['export', 'a.ts', '--out', 'x.csv', '--format', 'csv'],
      '--format must be jsonl or parquet, but is csv',
    ],
    [
      ['export', 'a.ts', '--out', 'x.jsonl', '--workers', '0'],
      'parallel.pool_size must be an integer from 1 to 16, but received 0',
    ],
    [['compress', 'a.ts'], 'unknown command "compress": use export or read'],
  ])('%j is a usage error: exit code 1, the reason and the usage', async (args, reason) => {
    const run = await runCli(args, { cwd: dir.path });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`chunker: UsageError: ${reason}`);
    expect(run.stderr).toContain('Usage:\n  chunker export <file>...');
  });
});

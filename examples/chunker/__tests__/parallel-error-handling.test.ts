import { join } from 'node:path';
import { integration } from 'jest-environment-integration/globals';
import { Chunker } from '../src/app/Chunker';
import { main } from '../src/cli/main';
import { ChunkerConfig } from '../src/config/ChunkerConfig';
import { PoolClosedError } from '../src/parallel/PoolClosedError';
import { ParserPool } from '../src/parallel/ParserPool';
import { WorkerCrashError } from '../src/parallel/WorkerCrashError';
import { ParseError } from '../src/parser/ParseError';
import { ParseTimeoutError } from '../src/parser/ParseTimeoutError';
import { sampleSources } from './support/sampleSources';
import type { TemporaryDirectory } from './support/temporaryDirectory';
import { temporaryDirectory } from './support/temporaryDirectory';

const crashingParser = join(__dirname, 'fixtures', 'parsers', 'crashingParser.js');
const brokenParser = join(__dirname, 'fixtures', 'parsers', 'brokenParser.js');
const parseOptions = {
  strategy: 'functions',
  maxChunkLines: 40,
  maxFileBytes: 1_000_000,
  timeoutMs: 2_000,
} as const;

let dir: TemporaryDirectory;
beforeEach(async () => {
  dir = await temporaryDirectory();
});
afterEach(() => dir.remove());

async function openChunker(parserModule?: string): Promise<Chunker> {
  return Chunker.open(new ChunkerConfig(), {
    errors: integration.errors,
    ...(parserModule === undefined ? {} : { parserModule }),
  });
}

describe('a parse worker that crashes', () => {
  test.each([
    ['exits', '@crash-exit', 'exited with code 3'],
    ['throws outside a job', '@crash-throw', 'RangeError: parser state corrupted'],
  ])(
    'fails the file it had with a WorkerCrashError when it %s, captured from chunker.parallel to chunker.app',
    async (_how, marker, reason) => {
      const file = await dir.write('crash.ts', `${marker}\n`);
      const chunker = await openChunker(crashingParser);

      const failure = await chunker.chunkFiles([file]).catch((error: unknown) => error);
      await chunker.close();

      expect(failure).toBeInstanceOf(WorkerCrashError);
      expect(failure).toMatchObject({ file, module: 'chunker.parallel' });
      expect((failure as Error).message).toContain(reason);
      expect(failure).toCarryErrorContext({
        source_module: 'chunker.parallel',
        target_module: 'chunker.app',
        operation: 'parse',
        error_type: 'WorkerCrashError',
        error_message: expect.stringContaining(file),
      });
      expect(integration.resources.getAllResources({ type: 'worker' })).toEqual([
        expect.objectContaining({ owner_module: 'chunker.parallel', state: 'released' }),
      ]);
    },
  );

  test('is recorded by the environment itself, as a crash of the thread the pool started', async () => {
    const file = await dir.write('crash.ts', '@crash-exit\n');
    const chunker = await openChunker(crashingParser);

    await expect(chunker.chunkFiles([file])).rejects.toThrow(WorkerCrashError);
    await chunker.close();

    expect(integration.errors.getErrorChain()).toContainEqual(
      expect.objectContaining({
        source_module: 'chunker.parallel',
        target_module: 'chunker.parallel',
        context_data: expect.objectContaining({
          exit_code: 3,
          script: 'src/parallel/parseWorker.ts',
        }),
      }),
    );
  });

  test("keeps the worker's own error as the cause, rebuilt across the thread boundary", async () => {
    const file = await dir.write('crash.ts', '@crash-throw\n');
    const chunker = await openChunker(crashingParser);

    const failure = await chunker.chunkFiles([file]).catch((error: unknown) => error);
    await chunker.close();

    expect(failure).toCarryErrorContext({
      error_type: 'WorkerCrashError',
      context_data: expect.objectContaining({
        cause_chain: [
          { error_type: 'RangeError', error_message: 'parser state corrupted' },
          { error_type: 'Error', error_message: 'index out of bounds' },
        ],
      }),
    });
  });

  test('is replaced, so the files after it are still parsed', async () => {
    const crash = await dir.write('crash.ts', '@crash-exit\n');
    const fine = await dir.write('fine.ts', sampleSources['math.ts']);
    const pool = new ParserPool({ size: 1, parseOptions, parserModule: crashingParser });

    const results = await Promise.allSettled([pool.parse(crash), pool.parse(fine)]);
    await pool.close();

    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled']);
    const workers = integration.resources.getAllResources({ type: 'worker' });
    expect(workers).toHaveLength(2);
    expect(integration).toHaveNoLeakedResources('chunker.parallel');
  });

  test('that cannot start fails the waiting files at once instead of restarting forever', async () => {
    const file = await dir.write('a.ts', sampleSources['math.ts']);
    const pool = new ParserPool({ size: 2, parseOptions, parserModule: brokenParser });

    const failure = await integration.errors
      .boundary('chunker.parallel', 'tests', () => pool.parse(file), { operation: 'parse' })
      .catch((error: unknown) => error);
    await pool.close();

    expect(failure).toMatchObject({ name: 'WorkerCrashError', operation: 'start-worker' });
    expect(failure).toCarryErrorContext({
      error_type: 'WorkerCrashError',
      error_message: expect.stringContaining('failed to start: SyntaxError'),
    });
    expect(integration.resources.getAllResources({ type: 'worker', state: 'active' })).toEqual([]);
  });
});

describe('errors raised inside a worker', () => {
  test.each([
    ['a missing file', 'missing.ts', ParseError, { operation: 'read' }, 'Error', /ENOENT/],
    [
      'unbalanced braces',
      'unbalanced.ts',
      ParseError,
      { operation: 'parse', line: 1 },
      undefined,
      undefined,
    ],
  ] as const)(
    'arrive as the same ParseError class, with its fields and cause (%s)',
    async (_case, name, errorClass, fields, causeType, causeMessage) => {
      const file =
        name === 'missing.ts'
          ? join(dir.path, name)
          : await dir.write(name, sampleSources['unbalanced.ts']);
      const pool = new ParserPool({ size: 1, parseOptions });

      const failure = await integration.errors
        .boundary('chunker.parallel', 'tests', () => pool.parse(file), { operation: 'parse' })
        .catch((error: unknown) => error);
      await pool.close();

      expect(failure).toBeInstanceOf(errorClass);
      expect(failure).toMatchObject({ file, module: 'chunker.parser', ...fields });
      expect(failure).toCarryErrorContext({
        source_module: 'chunker.parallel',
        target_module: 'tests',
        error_type: 'ParseError',
        context_data: expect.objectContaining({
          cause_chain:
            causeType === undefined
              ? []
              : [{ error_type: causeType, error_message: expect.stringMatching(causeMessage) }],
        }),
      });
    },
  );
});

describe('a worker that hangs', () => {
  test('is terminated after parser.timeout_ms, and the pool carries on with a new one', async () => {
    const hang = await dir.write('hang.ts', '@hang\n');
    const fine = await dir.write('fine.ts', 'const a = 1;\n');
    const pool = new ParserPool({
      size: 1,
      parseOptions: { ...parseOptions, timeoutMs: 300 },
      parserModule: crashingParser,
      terminateGraceMs: 50,
    });

    await expect(pool.parse(hang)).rejects.toThrow(ParseTimeoutError);
    await expect(pool.parse(fine)).resolves.toHaveLength(1);
    const [hung, replacement] = integration.resources.getAllResources({ type: 'worker' });
    expect(hung?.state).toBe('released');
    expect(replacement?.state).toBe('active');

    await pool.close();
    expect(integration).toHaveNoLeakedResources('chunker.parallel');
    // The pool terminated the hung worker itself: that is no crash.
    expect(integration.errors.getErrorChain()).toEqual([]);
  });
});

describe('errors carried to the CLI', () => {
  test('a crash in the pool ends the CLI with exit code 2, the whole chain on stderr, and contexts parallel -> app -> cli', async () => {
    const file = await dir.write('crash.ts', '@crash-exit\n');
    const stdout: string[] = [];
    const stderr: string[] = [];

    const code = await main(
      [
        'export',
        file,
        '--out',
        join(dir.path, 'out.jsonl'),
        '--parser-module',
        crashingParser,
        '--error-format',
        'json',
      ],
      {
        stdout: { write: (text: string) => stdout.push(text) },
        stderr: { write: (text: string) => stderr.push(text) },
        env: {},
        errors: integration.errors,
      },
    );

    expect(code).toBe(2);
    expect(JSON.parse(stderr.join(''))).toMatchObject({
      error: {
        name: 'WorkerCrashError',
        module: 'chunker.parallel',
        operation: 'parse-in-worker',
        fields: { file, exitCode: 3 },
      },
    });
    expect(integration).toHavePropagatedThrough(['chunker.parallel', 'chunker.app', 'chunker.cli']);
    expect(integration).toHaveNoLeakedResources('chunker.parallel');
  });
});

describe('closing the pool', () => {
  test('terminates every worker and rejects the files still waiting with PoolClosedError', async () => {
    const files = await Promise.all(
      ['a.ts', 'b.ts', 'c.ts'].map((name) => dir.write(name, sampleSources['math.ts'])),
    );
    const pool = new ParserPool({ size: 2, parseOptions });

    const parsing = Promise.allSettled(files.map((file) => pool.parse(file)));
    await pool.close();
    const results = await parsing;

    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(PoolClosedError);
    expect(integration.resources.getAllResources({ type: 'worker' })).toEqual([
      expect.objectContaining({ state: 'released' }),
      expect.objectContaining({ state: 'released' }),
    ]);
    await expect(pool.parse(files[0] as string)).rejects.toThrow(PoolClosedError);
  });
});

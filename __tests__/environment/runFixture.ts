import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Runs real Jest, 29 or 30, on a fixture project under `__tests__/fixtures/environment/`,
 * with this repository's environment installed in the project as a user would have it:
 * compiled, in `node_modules/jest-environment-integration`, beside that Jest's own
 * `jest-environment-node` (never a second copy). The build is the work tree's, compiled
 * once per change for all test files and workers; packaging itself (npm pack, exports) is
 * covered by `__tests__/package/`.
 */

/** A Jest major the package supports. */
export type JestMajor = 29 | 30;

/** One test as the `--json` results and a reporter's `onTestCaseResult` saw it. */
export interface FixtureTestResult {
  /** `describe › test`, as the leak report names it. */
  name: string;
  status: string;
  /** The failure messages, colours stripped and ages replaced by `<n> ms`. */
  failureMessages: string[];
}

/** One test file's results. */
export interface FixtureFileResult {
  /** Relative to the fixture project. */
  file: string;
  status: string;
  /** The file-level failure (`Test suite failed to run`, afterAll errors), normalised. */
  message: string;
  tests: FixtureTestResult[];
}

/** What a fixture run printed and reported. */
export interface FixtureRun {
  exitCode: number | null;
  /** True when the run did not exit by itself and had to be killed. */
  hung: boolean;
  stdout: string;
  /** Jest's report and console output, normalised like the failure messages. */
  stderr: string;
  files: FixtureFileResult[];
  /** Every `onTestCaseResult` call of a reporter, in order. */
  testCaseResults: FixtureTestResult[];
  /** The one test with this name (`describe › test`) in any file; throws if absent. */
  test(name: string): FixtureTestResult;
  /** The file at this path (relative to the project); throws if absent. */
  file(path: string): FixtureFileResult;
  /** Where the project ran; it is removed after the run unless `keepProject` was set. */
  project: string;
}

/** Options for {@link runFixture}. */
export interface RunFixtureOptions {
  jest?: JestMajor;
  /** Extra Jest CLI arguments, such as a test path pattern. */
  args?: string[];
  /** Kill the run after this long (default 60 s); a killed run has `hung: true`. */
  timeoutMs?: number;
  /** Kill the run as soon as Jest says it did not exit after its tests finished. */
  killWhenHanging?: boolean;
  /** The folder holding the fixture (default `__tests__/fixtures/environment`). */
  fixturesRoot?: string;
  /** Leave the project in place, for the caller to read what the run wrote and remove it. */
  keepProject?: boolean;
}

const repositoryRoot = resolve(__dirname, '..', '..');
const fixturesRoot = join(repositoryRoot, '__tests__', 'fixtures', 'environment');
const workRoot = join(tmpdir(), 'jest-environment-integration-e2e');
const HANG_MESSAGE = 'Jest did not exit one second after the test run has completed';
const BUILD_INPUTS = [
  'src',
  'environment',
  'matchers',
  'reporter',
  'entry',
  'tsconfig.json',
  'tsconfig.build.json',
];
const PACKAGE_MANIFEST = {
  name: 'jest-environment-integration',
  version: '0.0.0-e2e',
  main: './dist/entry/index.js',
  exports: {
    '.': './dist/entry/index.js',
    './globals': './dist/entry/globals.js',
    './matchers': './dist/entry/matchers.js',
    './worker': './dist/entry/worker.js',
    './reporter': './dist/entry/reporter.js',
    './package.json': './package.json',
  },
};
/** What the environment and the fixtures load at run time, linked from the chosen Jest's install. */
const LINKED_PACKAGES = [
  'jest',
  'jest-environment-node',
  'jest-environment-jsdom',
  '@jest/globals',
  'picomatch',
  'stack-utils',
];

let runCount = 0;

/**
 * Runs Jest on a fixture project and returns what every reporter saw.
 *
 * @example
 * const run = await runFixture('verdicts', { jest: 29 });
 * expect(run.test('leaks a server').status).toBe('failed');
 */
export async function runFixture(
  fixture: string,
  options: RunFixtureOptions = {},
): Promise<FixtureRun> {
  const major = options.jest ?? 30;
  const packageDirectory = await buildPackage();
  const installDirectory = await jestInstall(major);
  // Cases live beside a node_modules that holds this build, one level below the Jest
  // install, so that both resolve the way they would in a user's project.
  const projectsRoot = join(
    installDirectory,
    'projects',
    relative(join(workRoot, 'builds'), packageDirectory),
  );
  const ownPackage = join(projectsRoot, 'node_modules', 'jest-environment-integration');
  await onceAcrossWorkers(ownPackage, (target) => {
    cpSync(packageDirectory, target, { recursive: true });
  });
  runCount += 1;
  const project = join(projectsRoot, `${fixture}-${process.pid}-${runCount}`);
  rmSync(project, { recursive: true, force: true });
  cpSync(join(options.fixturesRoot ?? fixturesRoot, fixture), project, { recursive: true });
  const outputFile = join(project, '.results.json');
  const caseFile = join(project, '.test-cases.jsonl');
  const args = [
    join(installDirectory, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--ci',
    '--json',
    '--outputFile',
    outputFile,
    '--cacheDirectory',
    join(installDirectory, '.jest-cache'),
    '--reporters',
    'default',
    '--reporters',
    join(fixturesRoot, 'testCaseReporter.js'),
    ...(options.args ?? []),
  ];
  const { exitCode, hung, stdout, stderr } = await runJest(args, project, caseFile, options);
  const files = existsSync(outputFile) ? readResults(outputFile, project) : [];
  const testCaseResults = existsSync(caseFile)
    ? readFileSync(caseFile, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => normaliseTest(JSON.parse(line) as RawTestResult, project))
    : [];
  if (!hung && options.keepProject !== true) {
    rmSync(project, { recursive: true, force: true });
  }
  const run: FixtureRun = {
    exitCode,
    hung,
    stdout,
    stderr: normalise(stderr, project),
    files,
    testCaseResults,
    project,
    test(name) {
      const found = files.flatMap((file) => file.tests).filter((test) => test.name === name);
      if (found.length !== 1) {
        throw new Error(
          `Expected one test named "${name}", found ${found.length}.\nTests: ${files
            .flatMap((file) => file.tests.map((test) => test.name))
            .join(' | ')}\n--- stderr\n${stderr.slice(-4000)}`,
        );
      }
      return found[0] as FixtureTestResult;
    },
    file(path) {
      const found = files.find((file) => file.file === path);
      if (found === undefined) {
        throw new Error(
          `No results for ${path}; files: ${files.map((file) => file.file).join(', ')}\n--- stderr\n${stderr.slice(-4000)}`,
        );
      }
      return found;
    },
  };
  return run;
}

/** Strips colours, replaces ages and the project's path, so that messages can be pinned. */
export function normalise(text: string, project?: string): string {
  // eslint-disable-next-line no-control-regex
  let result = text.replace(/\u001b\[[0-9;]*m/g, '');
  result = result.replace(/open for \d+(?:\.\d+)? (?:ms|s)/g, 'open for <n> ms');
  if (project !== undefined) {
    result = result.split(project).join('<project>');
  }
  return result;
}

interface RawTestResult {
  ancestorTitles: string[];
  title: string;
  status: string;
  failureMessages: string[];
}

function normaliseTest(raw: RawTestResult, project: string): FixtureTestResult {
  return {
    name: [...raw.ancestorTitles, raw.title].join(' › '),
    status: raw.status,
    failureMessages: raw.failureMessages.map((message) => normalise(message, project)),
  };
}

function readResults(outputFile: string, project: string): FixtureFileResult[] {
  const results = JSON.parse(readFileSync(outputFile, 'utf8')) as {
    testResults: Array<{
      name: string;
      status: string;
      message: string;
      assertionResults: RawTestResult[];
    }>;
  };
  return results.testResults
    .map((file) => ({
      file: relative(project, file.name).replace(/\\/g, '/'),
      status: file.status,
      message: normalise(file.message, project),
      tests: file.assertionResults.map((test) => normaliseTest(test, project)),
    }))
    .sort((a, b) => a.file.localeCompare(b.file));
}

function runJest(
  args: string[],
  cwd: string,
  caseFile: string,
  options: RunFixtureOptions,
): Promise<{ exitCode: number | null; hung: boolean; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // The outer Jest's worker id and npm's variables must not leak into the inner run.
    if (!/^npm_/i.test(name) && name !== 'JEST_WORKER_ID' && name !== 'NODE_OPTIONS') {
      env[name] = value;
    }
  }
  Object.assign(env, { FORCE_COLOR: '0', NO_COLOR: '1', CI: 'true', TEST_CASE_REPORT: caseFile });
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let hung = false;
  const kill = (): void => {
    hung = true;
    child.kill('SIGKILL');
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (options.killWhenHanging === true && stderr.includes(HANG_MESSAGE)) {
      kill();
    }
  });
  const timer = setTimeout(kill, options.timeoutMs ?? 60_000);
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolvePromise({ exitCode, hung, stdout, stderr });
    });
  });
}

/** Compiles the work tree once per change of its sources, shared by all workers. */
async function buildPackage(): Promise<string> {
  const directory = join(
    workRoot,
    'builds',
    hashOf(BUILD_INPUTS.map((input) => join(repositoryRoot, input))),
  );
  await onceAcrossWorkers(directory, (target) => {
    pruneStale(join(workRoot, 'builds'));
    const result = spawnSyncNode(
      [
        join(repositoryRoot, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        join(repositoryRoot, 'tsconfig.build.json'),
        '--outDir',
        join(target, 'dist'),
        '--sourceMap',
        'false',
        '--declaration',
        'false',
      ],
      repositoryRoot,
    );
    // Type errors are `npm run typecheck`'s business; here only a missing build is fatal.
    if (!existsSync(join(target, 'dist', 'entry', 'index.js'))) {
      throw new Error(`Building the package failed:\n${result}`);
    }
    writeFileSync(join(target, 'package.json'), JSON.stringify(PACKAGE_MANIFEST, null, 2));
  });
  return directory;
}

/** Jest 30 is this repository's own; Jest 29 is installed once from the fixture's manifest. */
async function jestInstall(major: JestMajor): Promise<string> {
  if (major === 30) {
    const directory = join(workRoot, 'jest30');
    await onceAcrossWorkers(directory, (target) => {
      linkPackages(join(repositoryRoot, 'node_modules'), join(target, 'node_modules'));
    });
    return directory;
  }
  const manifest = join(fixturesRoot, 'jest29', 'package.json');
  const directory = join(workRoot, `jest29-${hashOf([manifest])}`);
  await onceAcrossWorkers(directory, (target) => {
    const install = join(target, 'install');
    mkdirSync(install, { recursive: true });
    cpSync(manifest, join(install, 'package.json'));
    const output = spawnSyncCommand(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline'],
      install,
    );
    if (!existsSync(join(install, 'node_modules', 'jest', 'package.json'))) {
      throw new Error(`Installing Jest 29 failed:\n${output}`);
    }
    linkPackages(join(install, 'node_modules'), join(target, 'node_modules'));
  });
  return directory;
}

/** Relative links, so that they survive the folder being renamed into place. */
function linkPackages(from: string, to: string): void {
  for (const name of LINKED_PACKAGES) {
    const link = join(to, name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), join(from, name)), link, 'dir');
  }
}

/** Builds of older sources (and their projects) are left behind by every change: drop old ones. */
function pruneStale(folder: string): void {
  const dayAgo = Date.now() - 24 * 60 * 60_000;
  const folders = [
    folder,
    ...readdirSync(workRoot).map((name) => join(workRoot, name, 'projects')),
  ];
  for (const parent of folders.filter((candidate) => existsSync(candidate))) {
    for (const name of readdirSync(parent)) {
      const path = join(parent, name);
      try {
        if (statSync(path).mtimeMs < dayAgo && !name.endsWith('.lock')) {
          rmSync(path, { recursive: true, force: true });
        }
      } catch {
        // Another worker removed it first.
      }
    }
  }
}

/**
 * Makes `directory` once, whatever the number of Jest workers asking: one builds into a
 * temporary folder and renames it into place (atomic), the others wait for it.
 */
async function onceAcrossWorkers(directory: string, make: (target: string) => void): Promise<void> {
  const lock = `${directory}.lock`;
  const deadline = Date.now() + 5 * 60_000;
  mkdirSync(join(directory, '..'), { recursive: true });
  while (!existsSync(directory)) {
    if (tryLock(lock)) {
      try {
        if (!existsSync(directory)) {
          const target = `${directory}.tmp-${process.pid}`;
          rmSync(target, { recursive: true, force: true });
          mkdirSync(target, { recursive: true });
          make(target);
          renameSync(target, directory);
        }
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for another worker to make ${directory}`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
}

function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch {
    // A worker killed while building leaves its lock: take it over after a while.
    if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 5 * 60_000) {
      rmSync(lock, { recursive: true, force: true });
    }
    return false;
  }
}

function hashOf(paths: string[]): string {
  const hash = createHash('sha256');
  const visit = (path: string): void => {
    if (!existsSync(path)) {
      return;
    }
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        visit(join(path, entry));
      }
      return;
    }
    hash
      .update(relative(repositoryRoot, path))
      .update('\0')
      .update(readFileSync(path))
      .update('\0');
  };
  paths.forEach(visit);
  return hash.digest('hex').slice(0, 16);
}

function spawnSyncNode(args: string[], cwd: string): string {
  return spawnSyncCommand(process.execPath, args, cwd);
}

function spawnSyncCommand(file: string, args: string[], cwd: string): string {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name)) {
      env[name] = value;
    }
  }
  const result = spawnSync(file, args, { cwd, env, encoding: 'utf8', timeout: 5 * 60_000 });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`;
}

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPackageCopies } from '../support/findPackageCopies';
import { installProject } from '../support/installProject';
import type { InstalledProject } from '../support/installProject';
import { packTarball } from '../support/packTarball';
import { runCommand } from '../support/runCommand';
import type { CommandResult } from '../support/runCommand';

/** The parts of `jest --json` output these tests read. */
interface JestJsonResult {
  success: boolean;
  numPassedTests: number;
  numFailedTests: number;
  numRuntimeErrorTestSuites: number;
  testResults: {
    message: string;
    assertionResults: { title: string; status: string; failureMessages: string[] }[];
  }[];
}

interface JestRun {
  command: CommandResult;
  json: JestJsonResult;
}

const packageName = 'jest-environment-integration';
/** The packages that must exist once, the user's: a second copy breaks Jest's test globals. */
const usersJestPackages = ['jest-environment-node', '@jest/environment', 'expect'];

// Each project installs Jest from the registry (or npm's cache) and runs it: minutes, not seconds.
const INSTALL_TIMEOUT_MS = 8 * 60_000;
const RUN_TIMEOUT_MS = 2 * 60_000;

describe.each([
  ['jest29', 29],
  ['jest30', 30],
])('a project on %s that sets testEnvironment: integration', (fixture, major) => {
  let project: InstalledProject;
  let run: JestRun;

  beforeAll(async () => {
    const { tarball } = await packTarball();
    project = await installProject({ fixture, tarball });
    run = await runJest(project.directory, []);
  }, INSTALL_TIMEOUT_MS);

  afterAll(() => project?.remove());

  test(`runs Jest ${major} with jest-environment-node ${major}`, () => {
    expect([
      installedVersion(project.directory, 'jest'),
      installedVersion(project.directory, 'jest-environment-node'),
    ]).toEqual([expect.stringMatching(`^${major}\\.`), expect.stringMatching(`^${major}\\.`)]);
  });

  test('resolves the short name to the environment, loads the reporter, and runs the file', () => {
    expect(run.json.numRuntimeErrorTestSuites).toBe(0);
    expect(run.json.numPassedTests + run.json.numFailedTests).toBe(2);
  });

  test('passes the test that released what it opened', () => {
    expect(assertion(run, 'releases the watcher it opened').status).toBe('passed');
  });

  test('fails the test that leaked, naming the resource and its module', () => {
    const leaked = assertion(run, 'leaves its watcher open');
    const message = stripAnsi(leaked.failureMessages.join('\n'));
    expect(leaked.status).toBe('failed');
    expect(message).toMatch(/leak/i);
    expect(message).toContain('watch:leaked');
    expect(message).toContain('cache');
  });

  test('exits with code 1, as a run with a failed test does', () => {
    expect([run.command.exitCode, run.json.success]).toEqual([1, false]);
  });

  test("never recurses in jest-util's global clean-up (a sign of a second copy of Jest)", () => {
    expect(run.command.stdout + run.command.stderr).not.toMatch(/Maximum call stack size exceeded/);
  });

  test(
    'resolves the full package name as the environment too',
    async () => {
      const full = await runJest(project.directory, [
        `--testEnvironment=${packageName}`,
        '--testNamePattern=releases the watcher',
      ]);
      expect([full.json.numPassedTests, full.json.numFailedTests, full.command.exitCode]).toEqual([
        1, 0, 0,
      ]);
    },
    RUN_TIMEOUT_MS,
  );

  test.each(usersJestPackages)(`has exactly one copy of %s, of Jest ${major}`, (name) => {
    const copies = findPackageCopies(project.directory, name);
    expect(copies).toEqual([
      { path: `node_modules/${name}`, version: expect.stringMatching(`^${major}\\.`) },
    ]);
  });

  test(`brings no Jest package of its own into the project's node_modules`, () => {
    expect(existsSync(join(project.directory, 'node_modules', packageName, 'node_modules'))).toBe(
      false,
    );
  });

  test(
    'leaves a dependency tree that npm ls accepts: every peer dependency satisfied',
    async () => {
      const ls = await runCommand('npm', ['ls', '--all', '--json'], {
        cwd: project.directory,
        allowFailure: true,
      });
      const tree = JSON.parse(ls.stdout) as { problems?: string[] };
      expect([ls.exitCode, tree.problems ?? []]).toEqual([0, []]);
    },
    RUN_TIMEOUT_MS,
  );
});

async function runJest(directory: string, args: string[]): Promise<JestRun> {
  const outputFile = join(directory, `jest-result-${args.length}.json`);
  const command = await runCommand(
    'node',
    [
      join('node_modules', 'jest', 'bin', 'jest.js'),
      '--ci',
      '--json',
      `--outputFile=${outputFile}`,
      ...args,
    ],
    { cwd: directory, allowFailure: true, timeoutMs: RUN_TIMEOUT_MS },
  );
  if (!existsSync(outputFile)) {
    throw new Error(
      `Jest wrote no result.\n--- stdout\n${command.stdout}\n--- stderr\n${command.stderr}`,
    );
  }
  return { command, json: JSON.parse(readFileSync(outputFile, 'utf8')) as JestJsonResult };
}

function assertion(
  run: JestRun,
  title: string,
): JestJsonResult['testResults'][number]['assertionResults'][number] {
  const found = run.json.testResults
    .flatMap((file) => file.assertionResults)
    .find((result) => result.title === title);
  if (found === undefined) {
    const messages = run.json.testResults.map((file) => file.message).join('\n');
    throw new Error(`No test titled '${title}' ran.\n${stripAnsi(messages)}`);
  }
  return found;
}

function installedVersion(directory: string, name: string): string {
  const manifest = join(directory, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

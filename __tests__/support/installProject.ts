import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from './packTarball';
import { runCommand } from './runCommand';

/** Options for {@link installProject}. */
export interface InstallProjectOptions {
  /** A folder under `__tests__/fixtures/` to start from; an empty project when left out. */
  fixture?: string;
  /** Files to write into the project before installing, by relative path. */
  files?: Record<string, string>;
  /** The packed `jest-environment-integration` to install. */
  tarball: string;
}

/** A throw-away project that installed the packed package. */
export interface InstalledProject {
  directory: string;
  /** Deletes the project, unless `KEEP_PACKAGE_FIXTURES` is set (to look at a failure). */
  remove(): void;
}

/**
 * Copies a fixture project (or starts an empty one) into a temp folder and runs
 * `npm install <tarball>` there, with its own pinned dependencies, as a user would.
 *
 * @example
 * const project = await installProject({ fixture: 'jest29', tarball });
 * await runCommand('node', ['node_modules/jest/bin/jest.js'], { cwd: project.directory });
 */
export async function installProject(options: InstallProjectOptions): Promise<InstalledProject> {
  const name = options.fixture ?? 'consumer';
  const directory = mkdtempSync(join(tmpdir(), `jest-environment-integration-${name}-`));
  if (options.fixture === undefined) {
    writeFileSync(
      join(directory, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2),
    );
  } else {
    cpSync(join(repositoryRoot, '__tests__', 'fixtures', options.fixture), directory, {
      recursive: true,
      filter: (source) => !/[/\\](node_modules|package-lock\.json)$/.test(source),
    });
  }
  for (const [file, content] of Object.entries(options.files ?? {})) {
    writeFileSync(join(directory, file), content);
  }

  await runCommand(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', options.tarball],
    { cwd: directory, timeoutMs: 5 * 60_000 },
  );

  return {
    directory,
    remove() {
      if (process.env.KEEP_PACKAGE_FIXTURES === undefined) {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  };
}

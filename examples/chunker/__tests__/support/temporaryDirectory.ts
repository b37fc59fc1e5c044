import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { integration } from 'jest-environment-integration/globals';

/** A temporary directory that the test owns. */
export interface TemporaryDirectory {
  readonly path: string;
  /** Writes a file in the directory and returns its path. */
  write(name: string, text: string): Promise<string>;
  /** Deletes the directory and everything in it. */
  remove(): Promise<void>;
}

/**
 * Makes a temporary directory and registers it with the framework as a `temp-dir` resource
 * (`integration.resources.adopt` with `release: 'remove'`): a test that forgets to remove it
 * fails with a leak naming it, and the environment removes it afterwards.
 *
 * @example
 * let dir: TemporaryDirectory;
 * beforeEach(async () => { dir = await temporaryDirectory(); });
 * afterEach(() => dir.remove());
 */
export async function temporaryDirectory(): Promise<TemporaryDirectory> {
  const path = await mkdtemp(join(tmpdir(), 'chunker-example-'));
  const directory: TemporaryDirectory = {
    path,
    async write(name, text) {
      const file = join(path, name);
      await writeFile(file, text, 'utf8');
      return file;
    },
    async remove() {
      await rm(path, { recursive: true, force: true });
    },
  };
  integration.resources.adopt('tests.support', 'temp-dir', directory, {
    id: `temp-dir:${path}`,
    release: 'remove',
  });
  return directory;
}

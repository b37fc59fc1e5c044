import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One installed copy of a package. */
export interface PackageCopy {
  /** Its folder, relative to the project, e.g. `node_modules/expect`. */
  path: string;
  version: string;
}

/**
 * Every installed copy of `packageName` in a project, nested ones included: a copy under
 * another package's own `node_modules` is exactly what must never happen to Jest's packages.
 *
 * @example
 * findPackageCopies(project, 'expect'); // [{ path: 'node_modules/expect', version: '29.7.0' }]
 */
export function findPackageCopies(projectDirectory: string, packageName: string): PackageCopy[] {
  const copies: PackageCopy[] = [];
  const visit = (nodeModules: string): void => {
    if (!existsSync(nodeModules)) {
      return;
    }
    for (const packageDirectory of packageDirectoriesIn(nodeModules)) {
      const manifest = join(packageDirectory, 'package.json');
      if (packageDirectory === join(nodeModules, packageName) && existsSync(manifest)) {
        const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
        copies.push({ path: relative(projectDirectory, packageDirectory), version });
      }
      visit(join(packageDirectory, 'node_modules'));
    }
  };
  visit(join(projectDirectory, 'node_modules'));
  return copies.sort((a, b) => a.path.localeCompare(b.path));
}

function packageDirectoriesIn(nodeModules: string): string[] {
  return readdirSync(nodeModules, { withFileTypes: true })
    .filter(
      (entry) => (entry.isDirectory() || entry.isSymbolicLink()) && !entry.name.startsWith('.'),
    )
    .flatMap((entry) => {
      const directory = join(nodeModules, entry.name);
      if (!entry.name.startsWith('@')) {
        return [directory];
      }
      return readdirSync(directory, { withFileTypes: true })
        .filter((scoped) => scoped.isDirectory() || scoped.isSymbolicLink())
        .map((scoped) => join(directory, scoped.name));
    });
}

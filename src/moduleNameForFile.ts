import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPicomatch } from './loadPicomatch';

/**
 * How source files map to module names: the `modules` option (source globs, relative to
 * `rootDir`, to module names; the first glob that matches wins) and the root that
 * default names are derived from.
 *
 * @example
 * const options: ModuleNameOptions = {
 *   rootDir: '/repo',
 *   modules: { 'packages/cache/**': 'cache', 'src/legacy/**': 'legacy' },
 * };
 */
export interface ModuleNameOptions {
  rootDir: string;
  modules?: Readonly<Record<string, string>>;
}

/** Maps a source file (a path or a `file://` URL) to the module that owns it. */
export type ModuleNamer = (file: string) => string;

const SOURCE_EXTENSION = /\.(?:d\.)?[cm]?[jt]sx?$/;
const NODE_MODULES = 'node_modules';

/**
 * Builds the file-to-module mapping once (globs compiled once), for the many look-ups of
 * a test run.
 *
 * Without a matching glob, a file's module is its path under `rootDir` without `src/`
 * segments and without its extension, with `/` as `.`: `src/chunker/parser.ts` is
 * `chunker.parser`, and `src/cache/index.ts` is `cache`. A file inside `node_modules` belongs
 * to its package (`pg`, `@scope/name`); a file outside `rootDir` is named from its path with
 * the leading `../` segments dropped.
 *
 * @example
 * const moduleNameFor = createModuleNamer({ rootDir: '/repo', modules: { 'lib/db/**': 'db' } });
 * moduleNameFor('/repo/src/chunker/parser.ts'); // 'chunker.parser'
 * moduleNameFor('/repo/lib/db/pool.js'); // 'db'
 */
export function createModuleNamer(options: ModuleNameOptions): ModuleNamer {
  const rootDir = path.resolve(options.rootDir);
  const globs = Object.entries(options.modules ?? {}).map(([glob, moduleName]) => ({
    matches: loadPicomatch()(toPosix(glob), { dot: true }),
    absolute: path.isAbsolute(glob),
    moduleName,
  }));
  return (file) => {
    const absolute = toAbsolutePath(file, rootDir);
    const relative = toPosix(path.relative(rootDir, absolute));
    for (const glob of globs) {
      if (glob.matches(glob.absolute ? toPosix(absolute) : relative)) {
        return glob.moduleName;
      }
    }
    return defaultModuleName(relative);
  };
}

/**
 * The module that owns `file`: see {@link createModuleNamer}, which is cheaper when
 * naming many files.
 *
 * @example
 * moduleNameForFile('/repo/src/chunker/parser.ts', { rootDir: '/repo' }); // 'chunker.parser'
 */
export function moduleNameForFile(file: string, options: ModuleNameOptions): string {
  return createModuleNamer(options)(file);
}

function defaultModuleName(relativePath: string): string {
  const segments = relativePath.split('/').filter((segment) => segment !== '' && segment !== '.');
  const packageIndex = segments.lastIndexOf(NODE_MODULES);
  if (packageIndex !== -1) {
    const [scopeOrName, scopedName] = segments.slice(packageIndex + 1);
    if (scopeOrName !== undefined) {
      return scopeOrName.startsWith('@') && scopedName !== undefined
        ? `${scopeOrName}/${scopedName}`
        : scopeOrName;
    }
  }
  while (segments[0] === '..') {
    segments.shift();
  }
  const fileName = segments.pop();
  if (fileName === undefined) {
    return 'unknown';
  }
  const directories = segments.filter((segment) => segment !== 'src');
  const baseName = fileName.replace(SOURCE_EXTENSION, '');
  // `cache/index.ts` is what `import 'cache'` loads: the module is the folder.
  const parts =
    baseName === 'index' && directories.length > 0 ? directories : [...directories, baseName];
  return parts.join('.');
}

function toAbsolutePath(file: string, rootDir: string): string {
  if (file.startsWith('file://')) {
    try {
      return fileURLToPath(file);
    } catch {
      return file;
    }
  }
  return path.resolve(rootDir, file);
}

function toPosix(file: string): string {
  return file.replace(/\\/g, '/');
}

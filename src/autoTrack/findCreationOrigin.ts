import { isAbsolute, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Who created a handle, read from its creation call sites.
 *
 * @example
 * findCreationOrigin(callSites, isUserFile);
 * // { byTooling: false, userFrameIndex: 2, userFile: '/repo/src/cache/store.ts', packageName: 'chokidar' }
 */
export interface CreationOrigin {
  /**
   * Jest (its runner, circus, the runtime, ts-jest, fake timers) or this package created
   * the handle, not the code under test: never track it.
   */
  readonly byTooling: boolean;
  /** Index of the first call site in the user's code, or -1. */
  readonly userFrameIndex: number;
  /** File of that call site. */
  readonly userFile: string | undefined;
  /** The npm package of the first call site inside `node_modules`, if any. */
  readonly packageName: string | undefined;
}

/*
 * Jest's own packages: a handle whose first frame outside Node lies in one of them was
 * created by the test framework (circus's per-test timeout timer, its "next event loop
 * turn" timer, the runtime's module loader, ts-jest's compiler), never by the test.
 * A handle that Jest's code creates on behalf of the test (a timer set inside a library
 * that the test called) has the library or the test as its first frame instead.
 */
const TOOLING_PACKAGE =
  /[\\/]node_modules[\\/](?:jest|expect|ts-jest|babel-jest|babel-plugin-istanbul|pretty-format|source-map-support|@jest[\\/][^\\/]+|@sinonjs[\\/]fake-timers|jest-(?:circus|cli|config|each|environment-[^\\/]+|haste-map|jasmine2|leak-detector|message-util|mock|resolve|runner|runtime|snapshot|util|watcher|worker))[\\/]/;

const NODE_MODULES_PACKAGE =
  /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/](?!.*[\\/]node_modules[\\/])/;

/*
 * This package's own files, wherever it is installed: `src/autoTrack` here, or
 * `dist/src/autoTrack` once built. Its environment never creates handles on behalf of a
 * test, so a handle whose first frame lies here is the package's own (a settle wait).
 */
const PACKAGE_ROOT = __dirname.replace(/[\\/](?:dist[\\/])?src[\\/]autoTrack$/, '');
const OWN_FOLDERS = ['src', 'dist', 'environment', 'matchers', 'entry'].map(
  (folder) => `${PACKAGE_ROOT}${sep}${folder}${sep}`,
);

/** Turns what a call site reports (a path, a `file://` URL, `node:internal/...`) into a path, or `undefined` for Node's own code and code without a file. */
export function callSiteFile(callSite: NodeJS.CallSite): string | undefined {
  let file: string | null | undefined;
  try {
    file = callSite.getFileName() ?? callSite.getScriptNameOrSourceURL();
  } catch {
    return undefined;
  }
  if (typeof file !== 'string' || file === '' || file.startsWith('node:')) {
    return undefined;
  }
  if (file.startsWith('file://')) {
    try {
      return fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  return isAbsolute(file) ? file : undefined;
}

/** A file of this package itself. */
export function isOwnFile(file: string): boolean {
  return OWN_FOLDERS.some((folder) => file.startsWith(folder));
}

/** A file of Jest or of this package: handles it creates first-hand are never tracked. */
export function isToolingFile(file: string): boolean {
  return TOOLING_PACKAGE.test(file) || isOwnFile(file);
}

/**
 * The default test for "user code": an absolute path outside `node_modules` and outside
 * this package.
 */
export function isUserFileByDefault(file: string): boolean {
  return !/[\\/]node_modules[\\/]/.test(file) && !isOwnFile(resolve(file));
}

/** Reads who created a handle from its call sites (see `CreationOrigin`). Never throws. */
export function findCreationOrigin(
  callSites: readonly NodeJS.CallSite[],
  isUserFile: (file: string) => boolean,
): CreationOrigin {
  let packageName: string | undefined;
  let seenCode = false;
  for (let index = 0; index < callSites.length; index += 1) {
    const file = callSiteFile(callSites[index] as NodeJS.CallSite);
    if (file === undefined) {
      continue;
    }
    if (!seenCode && isToolingFile(file)) {
      return { byTooling: true, userFrameIndex: -1, userFile: undefined, packageName: undefined };
    }
    seenCode = true;
    if (isOwnFile(file)) {
      continue;
    }
    let isUser = false;
    try {
      isUser = isUserFile(file);
    } catch {
      // A broken predicate must not break the code under test: treat the file as foreign.
    }
    if (isUser) {
      return { byTooling: false, userFrameIndex: index, userFile: file, packageName };
    }
    packageName ??= NODE_MODULES_PACKAGE.exec(file)?.[1]?.replace(/\\/g, '/');
  }
  return { byTooling: false, userFrameIndex: -1, userFile: undefined, packageName };
}

import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isOwnFile } from '../isOwnFile';

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

/** Where a file of a creation stack belongs. */
export type FileRole = 'tooling' | 'own' | 'user' | 'dependency';

/** What a call site's file is, once read and classified. */
export interface ClassifiedFile {
  readonly path: string;
  readonly role: FileRole;
  /** The npm package, for a file inside `node_modules`. */
  readonly packageName: string | undefined;
}

// The environment never creates handles on behalf of a test, so a handle whose first frame
// is the package's own is the package's (a settle wait).
export { isOwnFile };

/**
 * The default test for "user code": an absolute path outside `node_modules` and outside
 * this package.
 */
export function isUserFileByDefault(file: string): boolean {
  return !/[\\/]node_modules[\\/]/.test(file) && !isOwnFile(resolve(file));
}

/**
 * Classifies the file names call sites report (a path, a `file://` URL,
 * `node:internal/...`), remembering each answer: a test run asks about the same few files
 * thousands of times. `undefined` stands for Node's own code and code without a file.
 */
export function createFileClassifier(
  isUserFile: (file: string) => boolean,
): (reported: string) => ClassifiedFile | undefined {
  const known = new Map<string, ClassifiedFile | undefined>();
  return (reported) => {
    if (known.has(reported)) {
      return known.get(reported);
    }
    const classified = classify(reported, isUserFile);
    known.set(reported, classified);
    return classified;
  };
}

function classify(
  reported: string,
  isUserFile: (file: string) => boolean,
): ClassifiedFile | undefined {
  if (reported === '' || reported.startsWith('node:')) {
    return undefined;
  }
  let path = reported;
  if (reported.startsWith('file://')) {
    try {
      path = fileURLToPath(reported);
    } catch {
      return undefined;
    }
  }
  if (!isAbsolute(path)) {
    return undefined;
  }
  const packageName = NODE_MODULES_PACKAGE.exec(path)?.[1]?.replace(/\\/g, '/');
  if (TOOLING_PACKAGE.test(path)) {
    return { path, role: 'tooling', packageName };
  }
  if (isOwnFile(path)) {
    return { path, role: 'own', packageName };
  }
  let isUser = false;
  try {
    isUser = isUserFile(path);
  } catch {
    // A broken predicate must not break the code under test: treat the file as foreign.
  }
  return { path, role: isUser ? 'user' : 'dependency', packageName };
}

/** Reads who created a handle from its call sites (see `CreationOrigin`). Never throws. */
export function findCreationOrigin(
  callSites: readonly NodeJS.CallSite[],
  classifyFile: (reported: string) => ClassifiedFile | undefined,
): CreationOrigin {
  let packageName: string | undefined;
  let seenCode = false;
  for (let index = 0; index < callSites.length; index += 1) {
    const file = classifyCallSite(callSites[index] as NodeJS.CallSite, classifyFile);
    if (file === undefined) {
      continue;
    }
    if (!seenCode && (file.role === 'tooling' || file.role === 'own')) {
      return { byTooling: true, userFrameIndex: -1, userFile: undefined, packageName: undefined };
    }
    seenCode = true;
    if (file.role === 'user') {
      return { byTooling: false, userFrameIndex: index, userFile: file.path, packageName };
    }
    if (file.role === 'dependency') {
      packageName ??= file.packageName;
    }
  }
  return { byTooling: false, userFrameIndex: -1, userFile: undefined, packageName };
}

function classifyCallSite(
  callSite: NodeJS.CallSite,
  classifyFile: (reported: string) => ClassifiedFile | undefined,
): ClassifiedFile | undefined {
  let reported: string | null | undefined;
  try {
    reported = callSite.getFileName() ?? callSite.getScriptNameOrSourceURL();
  } catch {
    return undefined;
  }
  return typeof reported === 'string' ? classifyFile(reported) : undefined;
}

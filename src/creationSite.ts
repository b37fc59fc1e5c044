import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isErrorLike } from './isErrorLike';
import { isOwnFile } from './isOwnFile';
import { parseStack } from './parseStack';
import type { StackFrame } from './parseStack';
import type { ResourceRecord } from './records';

/**
 * Frames that belong to the machinery, not to the code under test: Node's internals,
 * Jest's packages (circus calls every hook and test), and this package.
 */
const MACHINERY_PATTERNS: RegExp[] = [
  /^node:/,
  /^internal\//,
  /[\\/]node_modules[\\/](?:jest-[^\\/]+|@jest[\\/][^\\/]+|expect|ts-jest|babel-jest|jest-environment-integration)[\\/]/,
];

/**
 * The creation stack kept in a record's metadata, as text: `metadata.creation_stack` or
 * `metadata.stack`, whether a stack string or the captured error itself (kept
 * unformatted until a leak is reported, which is when this reads it).
 */
export function creationStackOf(record: ResourceRecord): string | undefined {
  for (const key of ['creation_stack', 'stack']) {
    const value = readMetadata(record, key);
    if (typeof value === 'string' && value.trim() !== '') {
      return value;
    }
    if (isErrorLike(value) && typeof value.stack === 'string') {
      return value.stack;
    }
    if (Array.isArray(value)) {
      const lines = value.map(frameLine).filter((line): line is string => line !== undefined);
      if (lines.length > 0) {
        return lines.join('\n');
      }
    }
  }
  return undefined;
}

/**
 * Where the resource was created, as `path/under/root.ts:line:column`: a ready
 * `metadata.creation_site`, else the first frame of the creation stack in the user's own
 * code (see {@link creationFrame}). `undefined` without a usable stack.
 *
 * @param stackOf - where the creation stack is found; by default in the record's metadata
 * @example
 * creationSite(record, '/repo'); // 'src/cache/store.ts:12:5'
 */
export function creationSite(
  record: ResourceRecord,
  rootDir: string,
  stackOf: (record: ResourceRecord) => string | undefined = creationStackOf,
): string | undefined {
  const ready = readMetadata(record, 'creation_site');
  if (typeof ready === 'string' && ready.trim() !== '') {
    return ready;
  }
  const frame = creationFrame(record, stackOf);
  if (frame === undefined || frame.file === null) {
    return undefined;
  }
  const relative = path.isAbsolute(frame.file) ? path.relative(rootDir, frame.file) : frame.file;
  const shown = relative.startsWith('..') ? frame.file : relative.replace(/\\/g, '/');
  return [shown, frame.line, frame.column].filter((part) => part !== null).join(':');
}

/**
 * The first frame of the creation stack in the user's own code, with an absolute path: a
 * library's frames are skipped in favour of the user's line that called it, unless the
 * library's are all there is.
 */
export function creationFrame(
  record: ResourceRecord,
  stackOf: (record: ResourceRecord) => string | undefined = creationStackOf,
): StackFrame | undefined {
  const frames = parseStack(stackOf(record)).filter(isUserFrame);
  const frame = frames.find((candidate) => !isDependencyFrame(candidate)) ?? frames[0];
  return frame === undefined || frame.file === null
    ? undefined
    : { ...frame, file: toFilePath(frame.file) };
}

/** A frame of the code under test, not of Node, Jest or this package. */
export function isUserFrame(frame: StackFrame): boolean {
  if (frame.file === null) {
    return false;
  }
  const file = toFilePath(frame.file);
  if (MACHINERY_PATTERNS.some((pattern) => pattern.test(file))) {
    return false;
  }
  return !isOwnFile(file);
}

function isDependencyFrame(frame: StackFrame): boolean {
  return frame.file !== null && /[\\/]node_modules[\\/]/.test(toFilePath(frame.file));
}

function readMetadata(record: ResourceRecord, key: string): unknown {
  try {
    const metadata: unknown = record.metadata;
    return typeof metadata === 'object' && metadata !== null
      ? (metadata as Record<string, unknown>)[key]
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An absolute path for a frame's file: `parseStack` (stack-utils) reports files under the
 * process's working directory relative to it, and ESM frames as `file://` URLs.
 */
function toFilePath(file: string): string {
  if (file.startsWith('file://')) {
    try {
      return fileURLToPath(file);
    } catch {
      return file;
    }
  }
  if (file.startsWith('node:') || file.startsWith('internal/') || path.isAbsolute(file)) {
    return file;
  }
  return path.resolve(process.cwd(), file);
}

function frameLine(frame: unknown): string | undefined {
  if (typeof frame === 'string') {
    return frame.trimStart().startsWith('at ') ? `    ${frame.trim()}` : `    at ${frame.trim()}`;
  }
  if (typeof frame !== 'object' || frame === null) {
    return undefined;
  }
  const {
    file,
    line,
    column,
    function: name,
  } = frame as Partial<Record<keyof StackFrame, unknown>>;
  if (typeof file !== 'string') {
    return undefined;
  }
  const location = [file, line, column]
    .filter((part) => typeof part === 'number' || typeof part === 'string')
    .join(':');
  return typeof name === 'string' && name !== ''
    ? `    at ${name} (${location})`
    : `    at ${location}`;
}

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isErrorLike } from '../src/isErrorLike';
import { isOwnFile } from '../src/isOwnFile';
import { parseStack } from '../src/parseStack';
import type { StackFrame } from '../src/parseStack';

/*
 * The same reading of a record's creation stack as the environment's leak verdict, so that
 * a matcher and the verdict name the same line. (The environment keeps its copy in
 * environment/, which matchers may not import.)
 */

/** Node's internals and Jest's packages call the code under test; they never create its resources. */
const MACHINERY_PATTERNS: RegExp[] = [
  /^node:/,
  /^internal\//,
  /[\\/]node_modules[\\/](?:jest-[^\\/]+|@jest[\\/][^\\/]+|expect|ts-jest|babel-jest|jest-environment-integration)[\\/]/,
];

/** Metadata keys that may hold the creation stack, in the order they are read. */
const STACK_KEYS = ['creation_stack', 'stack'] as const;

/**
 * Where a resource was created, as `file:line:column` relative to the working directory:
 * a ready `metadata.creation_site`, else the first frame of the creation stack
 * (`metadata.creation_stack` or `metadata.stack`: a stack string, the captured error, or
 * parsed frames) in the user's own code, a dependency's only when nothing else is there.
 * `undefined` when the metadata has none. Formatting waits until a leak is reported, so
 * that tracking stays cheap.
 *
 * @example
 * creationSiteOf({ stack: new Error().stack }); // '__tests__/cache.test.ts:12:5'
 */
export function creationSiteOf(metadata: unknown): string | undefined {
  const ready = read(metadata, 'creation_site');
  if (typeof ready === 'string' && ready.trim() !== '') {
    return ready;
  }
  for (const key of STACK_KEYS) {
    const frames = framesOf(read(metadata, key)).filter(isUserFrame);
    const frame = frames.find((candidate) => !isDependencyFrame(candidate)) ?? frames[0];
    if (frame !== undefined) {
      return formatFrame(frame);
    }
  }
  return undefined;
}

function read(metadata: unknown, key: string): unknown {
  try {
    return typeof metadata === 'object' && metadata !== null
      ? (metadata as Record<string, unknown>)[key]
      : undefined;
  } catch {
    return undefined;
  }
}

function framesOf(value: unknown): StackFrame[] {
  if (typeof value === 'string') {
    return parseStack(value);
  }
  if (isErrorLike(value)) {
    return parseStack(value.stack);
  }
  if (Array.isArray(value)) {
    return value.filter(
      (frame): frame is StackFrame =>
        typeof frame === 'object' && frame !== null && typeof frame.file === 'string',
    );
  }
  return [];
}

function isUserFrame(frame: StackFrame): boolean {
  if (frame.file === null || frame.file === '') {
    return false;
  }
  const file = toFilePath(frame.file);
  return !MACHINERY_PATTERNS.some((pattern) => pattern.test(file)) && !isOwnFile(file);
}

function isDependencyFrame(frame: StackFrame): boolean {
  return frame.file !== null && /[\\/]node_modules[\\/]/.test(toFilePath(frame.file));
}

/** stack-utils gives files under the working directory relative to it, ESM frames as URLs. */
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

function formatFrame(frame: StackFrame): string {
  const file = toFilePath(frame.file ?? '');
  const relative = path.isAbsolute(file) ? path.relative(process.cwd(), file) : file;
  const shown = relative.startsWith('..') ? file : relative.replace(/\\/g, '/');
  return [shown, frame.line, frame.column].filter((part) => part !== null).join(':');
}

import { inspect } from 'node:util';
import { parseStack } from '../parseStack';
import type { StackFrame } from '../parseStack';

const returnCallSites = (_error: Error, callSites: NodeJS.CallSite[]): NodeJS.CallSite[] =>
  callSites;

/**
 * The call sites above `below` (which is left out, with everything it called), without
 * formatting them: formatting a stack (and mapping it through source maps) costs far more
 * than capturing it, and most handles are closed before anyone asks where they came from.
 * Never throws; returns `[]` when the stack cannot be read.
 */
export function captureCallSites(
  below: (...args: never[]) => unknown,
  limit: number,
): NodeJS.CallSite[] {
  const holder: { stack?: unknown } = {};
  const previousLimit = Error.stackTraceLimit;
  const previousPrepare = Error.prepareStackTrace;
  try {
    Error.stackTraceLimit = limit;
    Error.captureStackTrace(holder, below);
    // V8 builds `stack` on first read, through the `prepareStackTrace` in place at that moment.
    Error.prepareStackTrace = returnCallSites;
    const stack = holder.stack;
    return Array.isArray(stack) ? (stack as NodeJS.CallSite[]) : [];
  } catch {
    return [];
  } finally {
    Error.prepareStackTrace = previousPrepare;
    Error.stackTraceLimit = previousLimit;
  }
}

/**
 * Where an auto-tracked handle was created: `metadata.creation_stack` of its record. The
 * stack starts at the first frame in the user's code (frames inside Node and libraries
 * above it are left out) and is formatted only when read, through the
 * `Error.prepareStackTrace` in place then (Jest's, which maps frames to the original
 * sources), so a leak report shows TypeScript lines.
 *
 * It reads like an error (`name`, `message`, `stack`), so whatever reads creation stacks
 * from errors reads it too; `JSON.stringify` writes it as `{ name, message, stack, cause }`.
 *
 * @example
 * const stack = record.metadata.creation_stack as CreationStack;
 * stack.frames[0]; // { file: 'src/cache/store.ts', line: 12, column: 5, function: 'openStore' }
 * stack.stack;     // 'CreationStack: timer created here\n    at openStore (/repo/src/cache/store.ts:12:5)\n...'
 */
export class CreationStack {
  #callSites: readonly NodeJS.CallSite[] | undefined;
  #frameText: string | undefined;
  #frames: StackFrame[] | undefined;
  readonly #what: string;

  /**
   * @param callSites - from `captureCallSites`, starting at the frame to show first
   * @param what - what was created, for the message: `'timer'`, `'tcp-server'`
   */
  constructor(callSites: readonly NodeJS.CallSite[], what = 'resource') {
    this.#callSites = callSites;
    this.#what = what;
  }

  get name(): string {
    return 'CreationStack';
  }

  get message(): string {
    return `${this.#what} created here`;
  }

  /** `CreationStack: <kind> created here`, then the frames, as V8 prints an error's stack. */
  get stack(): string {
    const frames = this.toString();
    return frames === ''
      ? `${this.name}: ${this.message}`
      : `${this.name}: ${this.message}\n${frames}`;
  }

  /** The frames, parsed (files under the working directory relative to it), the user's code first. */
  get frames(): StackFrame[] {
    this.#frames ??= parseStack(this.stack);
    return this.#frames;
  }

  /** Only the frames (`    at fn (file:line:column)` lines). */
  toString(): string {
    if (this.#frameText === undefined) {
      this.#frameText = formatCallSites(this.#callSites ?? []);
      // The call sites hold their functions and receivers: let them go once they are text.
      this.#callSites = undefined;
    }
    return this.#frameText;
  }

  /** The same shape `serializeError` gives errors, so plain `JSON.stringify` agrees with `toJSONSafe`. */
  toJSON(): { name: string; message: string; stack: string; cause: null } {
    return { name: this.name, message: this.message, stack: this.stack, cause: null };
  }

  [inspect.custom](): string {
    return this.stack;
  }
}

function formatCallSites(callSites: readonly NodeJS.CallSite[]): string {
  const prepare = Error.prepareStackTrace;
  if (typeof prepare === 'function' && prepare !== returnCallSites) {
    try {
      const formatted: unknown = prepare(
        { name: 'Error', message: '' } as Error,
        callSites as NodeJS.CallSite[],
      );
      if (typeof formatted === 'string') {
        const frames = formatted.split('\n').filter((line) => /^\s+at /.test(line));
        if (frames.length > 0 || callSites.length === 0) {
          return frames.map((line) => `    ${line.trimStart()}`).join('\n');
        }
      }
    } catch {
      // A formatter that cannot handle our call sites: fall back to V8's own rendering.
    }
  }
  return callSites.map((callSite) => `    at ${String(callSite)}`).join('\n');
}

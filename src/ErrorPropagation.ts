import { types } from 'node:util';
import { assertNonEmptyString, assertPlainObject } from './assertArgument';
import { BRAND } from './brand';
import { causeChain } from './causeChain';
import { now } from './clock';
import { describeValue } from './describeValue';
import { ErrorContextRecord } from './ErrorContextRecord';
import { ERROR_CONTEXT_KEYS, errorContextMismatches } from './errorContextMismatches';
import type { ErrorContextMismatch, ExpectedErrorContext } from './errorContextMismatches';
import { errorMessageOf } from './errorMessageOf';
import { errorTypeOf } from './errorTypeOf';
import { formatForMessage } from './formatForMessage';
import { IntegrationError } from './IntegrationError';
import { isErrorLike } from './isErrorLike';
import { parseStack } from './parseStack';
import type { ErrorContext } from './records';

export type { ExpectedErrorContext } from './errorContextMismatches';

/**
 * Options of `captureCrossModuleError`.
 *
 * @example
 * errors.captureCrossModuleError('chunker.parser', 'cli.main', error, {
 *   operation: 'parse',
 *   context: { file: 'a.ts', line: 3 },
 * });
 */
export interface CaptureOptions {
  /** The operation that failed. Default `'unknown'`. */
  operation?: string;
  /**
   * Facts to keep beside the error, merged into `context_data`. Its keys may not be
   * `stack`, `cause_chain` or `call_stack`, which `context_data` reserves.
   */
  context?: Record<string, unknown>;
}

/**
 * Options of `boundary`: as for `captureCrossModuleError`, but `operation` defaults to the
 * function's name (`'unknown'` for an anonymous function).
 *
 * @example
 * await errors.boundary('cache.store', 'cli.main', () => store.load(key), { operation: 'load' });
 */
export type BoundaryOptions = CaptureOptions;

/** The `context_data` keys that every context fills in itself. */
export const RESERVED_CONTEXT_KEYS = ['stack', 'cause_chain', 'call_stack'] as const;

/**
 * Lets a wrapper (`ErrorPropagationMixin`) name its own method as the top of a captured
 * call stack, so that `call_stack` starts at the user's call, not inside this package.
 *
 * @internal
 */
export const CAPTURE_BELOW = Symbol('jest-environment-integration.captureBelow');
/** @internal As {@link CAPTURE_BELOW}, for `boundary`. */
export const BOUNDARY_BELOW = Symbol('jest-environment-integration.boundaryBelow');

/** A function as `Error.captureStackTrace` takes it: frames from it upwards are left out. */
type StackTop = (...args: never[]) => unknown;

interface CaptureRequest {
  source: string;
  target: string;
  operation: string;
  callerContext: Record<string, unknown>;
}

const CALLS = {
  capture: 'errors.captureCrossModuleError(source, target, error, options)',
  boundary: 'errors.boundary(source, target, fn, options)',
  verify: 'errors.verifyErrorContext(context, expected)',
} as const;

const OPTION_KEYS = ['operation', 'context'] as const;

/**
 * Records errors that cross module boundaries, in the order they were captured: where each
 * came from, where it went, which operation failed, its type, message, cause chain and
 * stack. Any thrown value works (strings, `null`, plain objects, errors from another realm
 * or a worker); bad arguments raise `IntegrationError` and record nothing.
 *
 * @example
 * const errors = new ErrorPropagation();
 * await expect(
 *   errors.boundary('cache.store', 'cli.main', () => store.load('key'), { operation: 'load' }),
 * ).rejects.toThrow('not found');
 * errors.verifyErrorContext(errors.getErrorChain()[0], {
 *   source_module: 'cache.store',
 *   error_type: 'NotFoundError',
 * });
 */
export class ErrorPropagation {
  declare readonly [BRAND]: 'ErrorPropagation';

  readonly #chain: ErrorContext[] = [];

  /**
   * Records an error that crossed from `source` to `target`, and returns its context.
   * Never throws because of `error`, whatever it is.
   *
   * @example
   * try {
   *   parser.parse(text);
   * } catch (error) {
   *   errors.captureCrossModuleError('chunker.parser', 'cli.main', error, {
   *     operation: 'parse',
   *     context: { file: 'a.ts' },
   *   });
   *   throw error;
   * }
   */
  captureCrossModuleError(
    source: string,
    target: string,
    error: unknown,
    options?: CaptureOptions,
  ): ErrorContext {
    return this[CAPTURE_BELOW](
      ErrorPropagation.prototype.captureCrossModuleError,
      source,
      target,
      error,
      options,
    );
  }

  /**
   * Throws an `IntegrationError` (code `ERROR_CONTEXT_MISMATCH`) that lists every expected
   * key the context lacks or holds a different value for; returns nothing when all match.
   * Values may be asymmetric matchers, at any depth. `timestamp` is only checked for
   * presence; `context_data` is compared like `toMatchObject` (its other entries are fine).
   *
   * @example
   * errors.verifyErrorContext(context, {
   *   source_module: 'chunker.parser',
   *   error_type: 'SyntaxError',
   *   error_message: expect.stringContaining('unexpected token'),
   *   context_data: { file: 'a.ts' },
   * });
   */
  verifyErrorContext(context: ErrorContext, expected: ExpectedErrorContext): void {
    if (typeof context !== 'object' || context === null) {
      throw new IntegrationError(
        'INVALID_ARGUMENT',
        `${CALLS.verify}: \`context\` must be an ErrorContext, but received ${describeValue(context)}. Pass a context that errors.captureCrossModuleError() returned or errors.getErrorChain() lists.`,
        { argument: 'context', received: context },
      );
    }
    assertPlainObject(
      expected,
      CALLS.verify,
      'expected',
      "the keys to check, such as { operation: 'parse', error_type: 'TypeError' }",
      false,
    );
    const known: readonly string[] = ERROR_CONTEXT_KEYS;
    const unknownKeys = Object.keys(expected).filter((key) => !known.includes(key));
    if (unknownKeys.length > 0) {
      throw new IntegrationError(
        'INVALID_ARGUMENT',
        `${CALLS.verify}: \`expected\` has ${unknownKeys.length === 1 ? 'a key' : `${unknownKeys.length} keys`} that an ErrorContext does not have: ${unknownKeys.map((key) => `'${key}'`).join(', ')}. Use only ${ERROR_CONTEXT_KEYS.join(', ')}; put your own facts under context_data.`,
        { argument: 'expected', unknownKeys },
      );
    }
    const mismatches = errorContextMismatches(context, expected);
    if (mismatches.length > 0) {
      throw new IntegrationError(
        'ERROR_CONTEXT_MISMATCH',
        mismatchMessage(mismatches, Object.keys(expected).length),
        { mismatches },
      );
    }
  }

  /**
   * Runs `fn` as a call from `target` into `source`: what it throws, or the promise it
   * returns rejects with, is captured and then thrown again unchanged (the very same
   * value). Its result is returned as is; a returned promise is followed, and the promise
   * returned in its place settles the same way.
   *
   * @example
   * const config = await errors.boundary('config.loader', 'cli.main', () => loadConfig(dir));
   * const sum = errors.boundary('math', 'cli.main', function add() { return 1 + 2; }); // 3
   */
  boundary<Result>(
    source: string,
    target: string,
    fn: () => Result,
    options?: BoundaryOptions,
  ): Result {
    return this[BOUNDARY_BELOW](ErrorPropagation.prototype.boundary, source, target, fn, options);
  }

  /**
   * The contexts captured so far, in capture order (a copy: changing it changes nothing).
   *
   * @example
   * errors.getErrorChain().map((context) => context.source_module); // ['db', 'cache.store']
   */
  getErrorChain(): ErrorContext[] {
    return [...this.#chain];
  }

  /** @internal `captureCrossModuleError`, leaving frames from `stackTop` upwards out of `call_stack`. */
  [CAPTURE_BELOW](
    stackTop: StackTop,
    source: unknown,
    target: unknown,
    error: unknown,
    options: unknown,
  ): ErrorContext {
    const request = readRequest(CALLS.capture, source, target, options, 'unknown');
    return this.#record(request, error, captureCallSite(stackTop));
  }

  /** @internal `boundary`, leaving frames from `stackTop` upwards out of `call_stack`. */
  [BOUNDARY_BELOW]<Result>(
    stackTop: StackTop,
    source: unknown,
    target: unknown,
    fn: () => Result,
    options: unknown,
  ): Result {
    if (typeof fn !== 'function') {
      // Checked first: the other checks read the function's name.
      throw new IntegrationError(
        'INVALID_ARGUMENT',
        `${CALLS.boundary}: \`fn\` must be a function, but received ${describeValue(fn)}. Pass the function to run across the boundary, such as () => parser.parse(text).`,
        { argument: 'fn', received: fn },
      );
    }
    const request = readRequest(CALLS.boundary, source, target, options, nameOf(fn));
    let result: Result;
    try {
      result = fn();
    } catch (error) {
      this.#record(request, error, captureCallSite(stackTop));
      throw error;
    }
    if (!isThenable(result)) {
      return result;
    }
    // Keep the call site now, while the caller is still on the stack; it is only formatted
    // if the promise rejects.
    const callSite = captureCallSite(stackTop);
    const rethrow = (reason: unknown): never => {
      this.#record(request, reason, callSite);
      throw reason;
    };
    // A native promise (of any realm) keeps its own `then`, so the caller gets a promise of
    // its own realm; any other thenable is adopted by a promise first.
    const followed = types.isPromise(result)
      ? result.then(undefined, rethrow)
      : Promise.resolve(result).then(undefined, rethrow);
    return followed as Result;
  }

  #record(request: CaptureRequest, error: unknown, callSite: CallSite): ErrorContext {
    const context = new ErrorContextRecord({
      source_module: request.source,
      target_module: request.target,
      operation: request.operation,
      original_error: error,
      error_type: errorTypeOf(error),
      error_message: errorMessageOf(error),
      timestamp: now(),
      context_data: {
        stack: isErrorLike(error) ? parseStack(readStack(error)) : [],
        cause_chain: causeChain(error),
        call_stack: parseStack(readStack(callSite)),
        ...request.callerContext,
      },
    });
    this.#chain.push(context);
    return context;
  }
}

Object.defineProperty(ErrorPropagation.prototype, BRAND, { value: 'ErrorPropagation' });

/** A call site whose stack V8 formats only when it is read. */
interface CallSite {
  stack?: string;
}

/** Cheap: V8 keeps the frames and formats them only when `stack` is first read. */
function captureCallSite(stackTop: StackTop): CallSite {
  const callSite: CallSite = {};
  Error.captureStackTrace(callSite, stackTop);
  return callSite;
}

function readStack(value: object): unknown {
  try {
    return (value as { stack?: unknown }).stack;
  } catch {
    return undefined;
  }
}

/** Checks every argument before anything is recorded, so that a refused call records nothing. */
function readRequest(
  call: string,
  source: unknown,
  target: unknown,
  options: unknown,
  defaultOperation: string,
): CaptureRequest {
  assertNonEmptyString(
    source,
    call,
    'source',
    "the module the error came from, such as 'chunker.parser'",
  );
  assertNonEmptyString(
    target,
    call,
    'target',
    "the module that received the error, such as 'cli.main'",
  );
  assertPlainObject(options, call, 'options', '{ operation, context } or leave it out');
  const given = options ?? {};
  const unknownKeys = Object.keys(given).filter(
    (key) => !(OPTION_KEYS as readonly string[]).includes(key),
  );
  if (unknownKeys.length > 0) {
    throw new IntegrationError(
      'INVALID_ARGUMENT',
      `${call}: \`options\` has ${unknownKeys.length === 1 ? 'an unknown key' : `${unknownKeys.length} unknown keys`}: ${unknownKeys.map((key) => `'${key}'`).join(', ')}. Pass only ${OPTION_KEYS.join(' and ')}.`,
      { argument: 'options', unknownKeys },
    );
  }
  const operation = given.operation === undefined ? defaultOperation : given.operation;
  assertNonEmptyString(
    operation,
    call,
    'options.operation',
    "the operation that failed, such as 'parse', or leave it out",
  );
  return { source, target, operation, callerContext: readCallerContext(call, given.context) };
}

function readCallerContext(call: string, context: unknown): Record<string, unknown> {
  assertPlainObject(
    context,
    call,
    'options.context',
    "an object of facts to keep, such as { file: 'a.ts' }, or leave it out",
  );
  if (context === undefined) {
    return {};
  }
  let keys: string[];
  try {
    keys = Object.keys(context);
  } catch (reason) {
    throw new IntegrationError(
      'INVALID_ARGUMENT',
      `${call}: \`options.context\` could not be read (${errorMessageOf(reason)}). Pass a plain object of facts to keep, such as { file: 'a.ts' }.`,
      { argument: 'options.context' },
    );
  }
  const reserved = keys.filter((key) => (RESERVED_CONTEXT_KEYS as readonly string[]).includes(key));
  if (reserved.length > 0) {
    throw new IntegrationError(
      'INVALID_ARGUMENT',
      `${call}: \`options.context\` may not set ${reserved.map((key) => `'${key}'`).join(', ')}: context_data reserves ${RESERVED_CONTEXT_KEYS.join(', ')} for what it records itself. Rename ${reserved.length === 1 ? 'it' : 'them'}, e.g. '${reserved[0]}_at_source'.`,
      { argument: 'options.context', reservedKeys: reserved },
    );
  }
  // A shallow copy: changing the caller's object afterwards does not rewrite the record.
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    try {
      copy[key] = context[key];
    } catch (reason) {
      copy[key] = `[Unreadable: ${errorMessageOf(reason)}]`;
    }
  }
  return copy;
}

function nameOf(fn: () => unknown): string {
  try {
    return typeof fn.name === 'string' && fn.name !== '' ? fn.name : 'unknown';
  } catch {
    return 'unknown';
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    return false;
  }
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}

function mismatchMessage(mismatches: ErrorContextMismatch[], expectedCount: number): string {
  const blocks = mismatches.map((mismatch) => {
    const heading =
      mismatch.key === 'context_data'
        ? '  context_data (compared like toMatchObject: entries not expected are fine)'
        : `  ${mismatch.key}`;
    const expected =
      mismatch.key === 'timestamp'
        ? 'a finite number (timestamps are only checked for presence)'
        : formatForMessage(mismatch.expected);
    const received = mismatch.missing ? '<missing>' : formatForMessage(mismatch.received);
    return [heading, `    expected: ${indent(expected)}`, `    received: ${indent(received)}`].join(
      '\n',
    );
  });
  const summary = `${mismatches.length} of ${expectedCount} expected ${expectedCount === 1 ? 'key' : 'keys'} ${
    mismatches.length === 1 ? 'is missing or differs' : 'are missing or differ'
  }`;
  return `${CALLS.verify}: ${summary}.\n\n${blocks.join('\n\n')}`;
}

/** Lines after the first line up under the first, after `    expected: `. */
function indent(text: string): string {
  return text.replace(/\n/g, `\n${' '.repeat(14)}`);
}

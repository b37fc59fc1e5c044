import { describe, expect, jest, test } from '@jest/globals';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { BRAND, brandOf } from '../src/brand';
import { ErrorPropagation } from '../src/ErrorPropagation';
import { ErrorPropagationMixin } from '../src/ErrorPropagationMixin';
import { IntegrationError } from '../src/IntegrationError';
import type { ErrorContext } from '../src/records';

const NOTHING_THROWN = Symbol('nothing thrown');

/** What `run` throws (which may be `undefined`), failing the test if it throws nothing. */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return NOTHING_THROWN;
}

/** The `IntegrationError` that `run` throws, as `{ code, message }`. */
function integrationErrorOf(run: () => unknown): { code: string; message: string } {
  const error = thrownBy(run);
  if (!IntegrationError.is(error)) {
    throw new Error(`expected an IntegrationError, got ${String(error)}`);
  }
  return { code: error.code, message: error.message };
}

function throwingEverywhere(): ProxyHandler<object> {
  const refuse = (): never => {
    throw new Error('trap refused');
  };
  return {
    get: refuse,
    has: refuse,
    ownKeys: refuse,
    getPrototypeOf: refuse,
    getOwnPropertyDescriptor: refuse,
  };
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

class ParseFailure extends Error {}

class ValueError extends Error {
  override name = 'ValueError';
}

function errorWithThrowingName(): Error {
  const error = new RangeError('out of range');
  Object.defineProperty(error, 'name', {
    get() {
      throw new Error('no name');
    },
  });
  return error;
}

function causeCycle(): Error {
  const outer = new Error('outer');
  const inner = new RangeError('inner', { cause: outer });
  outer.cause = inner;
  return outer;
}

/** Every kind of value code may throw, with the type and message a context gives it. */
const thrownValues: { label: string; make: () => unknown; type: string; message: string }[] = [
  { label: 'a string', make: () => 'boom', type: 'string', message: 'boom' },
  { label: 'null', make: () => null, type: 'null', message: 'null' },
  { label: 'undefined', make: () => undefined, type: 'undefined', message: 'undefined' },
  { label: 'a number', make: () => 42, type: 'number', message: '42' },
  { label: 'a BigInt', make: () => 10n, type: 'bigint', message: '10n' },
  { label: 'a symbol', make: () => Symbol('s'), type: 'symbol', message: 'Symbol(s)' },
  {
    label: 'a function',
    make: () => function fail() {},
    type: 'Function',
    message: '[Function: fail]',
  },
  { label: 'an empty object', make: () => ({}), type: 'Object', message: '{}' },
  {
    label: 'a plain object',
    make: () => ({ code: 'E_IO' }),
    type: 'Object',
    message: "{ code: 'E_IO' }",
  },
  {
    label: 'an object without prototype',
    make: () => Object.create(null),
    type: 'Object',
    message: '[Object: null prototype] {}',
  },
  { label: 'an array', make: () => [1, 2], type: 'Array', message: '[ 1, 2 ]' },
  {
    label: 'an object whose getter throws',
    make: () => ({
      get detail(): never {
        throw new Error('no detail');
      },
    }),
    type: 'Object',
    message: '{ detail: [Getter] }',
  },
  {
    label: 'a proxy whose every trap throws',
    make: () => new Proxy({}, throwingEverywhere()),
    type: 'Object',
    message: '{}',
  },
  { label: 'a revoked proxy', make: revokedProxy, type: 'Object', message: '<Revoked Proxy>' },
  {
    label: 'a TypeError',
    make: () => new TypeError('bad input'),
    type: 'TypeError',
    message: 'bad input',
  },
  {
    label: 'an error subclass that keeps the name Error',
    make: () => new ParseFailure('unexpected token'),
    type: 'ParseFailure',
    message: 'unexpected token',
  },
  {
    label: 'an error subclass that sets its name',
    make: () => new ValueError('not a number'),
    type: 'ValueError',
    message: 'not a number',
  },
  {
    label: 'an error whose name getter throws',
    make: errorWithThrowingName,
    type: 'RangeError',
    message: 'out of range',
  },
  {
    label: 'an error whose message is not a string',
    make: () => Object.assign(new Error(), { message: 404 }),
    type: 'Error',
    message: '404',
  },
  {
    label: 'a TypeError from another realm',
    make: () => vm.runInNewContext('new TypeError("from the vm")'),
    type: 'TypeError',
    message: 'from the vm',
  },
  {
    label: 'an error subclass from another realm',
    make: () => vm.runInNewContext('class Timeout extends Error {}; new Timeout("too slow")'),
    type: 'Timeout',
    message: 'too slow',
  },
  {
    label: 'a TypeError cloned across a worker boundary',
    make: () => structuredClone(new TypeError('cloned')),
    type: 'TypeError',
    message: 'cloned',
  },
  {
    // Structured clone keeps only the built-in error classes: the subclass arrives as Error.
    label: 'an error subclass cloned across a worker boundary',
    make: () => structuredClone(new ValueError('cloned')),
    type: 'Error',
    message: 'cloned',
  },
  {
    label: 'an error sent as plain data',
    make: () => ({
      name: 'ValidationError',
      message: 'bad field',
      stack: 'ValidationError: bad field',
    }),
    type: 'ValidationError',
    message: 'bad field',
  },
  {
    label: 'an error serialised by serializeError',
    make: () => ({ name: 'string', message: 'boom', stack: null, cause: null }),
    type: 'string',
    message: 'boom',
  },
  {
    label: 'an AggregateError',
    make: () => new AggregateError([new Error('a')], 'two failed'),
    type: 'AggregateError',
    message: 'two failed',
  },
  {
    label: 'an error whose causes form a cycle',
    make: causeCycle,
    type: 'Error',
    message: 'outer',
  },
  {
    label: 'an IntegrationError',
    make: () => new IntegrationError('INVALID_STATE', 'too late'),
    type: 'IntegrationError',
    message: 'too late',
  },
];

/** Matches a string or `null`, as a frame's function name or a serialised stack may be. */
const stringOrNull = {
  asymmetricMatch: (other: unknown) => other === null || typeof other === 'string',
  toAsymmetricMatcher: () => 'StringOrNull',
};

/** Matches any value that is there: JSON has no `undefined`, so a missing key fails. */
const present = {
  asymmetricMatch: (other: unknown) => other !== undefined,
  toAsymmetricMatcher: () => 'Present',
};

const CONTEXT_KEYS = [
  'source_module',
  'target_module',
  'operation',
  'original_error',
  'error_type',
  'error_message',
  'timestamp',
  'context_data',
];

function capture(
  error: unknown,
  options?: Parameters<ErrorPropagation['captureCrossModuleError']>[3],
) {
  return new ErrorPropagation().captureCrossModuleError(
    'chunker.parser',
    'cli.main',
    error,
    options,
  );
}

function frames(context: ErrorContext, key: 'stack' | 'call_stack'): { file: string | null }[] {
  return context.context_data[key] as { file: string | null }[];
}

describe('captureCrossModuleError', () => {
  test('records where the error came from, where it went, what failed and when', () => {
    const errors = new ErrorPropagation();
    const error = new SyntaxError('unexpected token');
    const before = Date.now();

    const context = errors.captureCrossModuleError('chunker.parser', 'cli.main', error, {
      operation: 'parse',
      context: { file: 'a.ts', line: 3 },
    });

    expect(Object.keys(context)).toEqual(CONTEXT_KEYS);
    expect(context).toEqual({
      source_module: 'chunker.parser',
      target_module: 'cli.main',
      operation: 'parse',
      original_error: error,
      error_type: 'SyntaxError',
      error_message: 'unexpected token',
      timestamp: expect.any(Number),
      context_data: {
        stack: expect.any(Array),
        cause_chain: [],
        call_stack: expect.any(Array),
        file: 'a.ts',
        line: 3,
      },
    });
    expect(context.original_error).toBe(error);
    expect(context.timestamp).toBeGreaterThanOrEqual(before - 1);
    expect(context.timestamp).toBeLessThanOrEqual(Date.now() + 1);
    expect(errors.getErrorChain()).toEqual([context]);
  });

  test.each(thrownValues)(
    'gives $label the type $type and its message',
    ({ make, type, message }) => {
      const thrown = make();

      const context = capture(thrown);

      expect(context.original_error).toBe(thrown);
      expect(context.error_type).toBe(type);
      expect(context.error_message).toBe(message);
    },
  );

  test.each(thrownValues)(
    'writes the context of $label as JSON in the standard shape',
    ({ make }) => {
      const context = capture(make());

      const json = JSON.parse(JSON.stringify(context)) as Record<string, unknown>;

      expect(Object.keys(json)).toEqual(CONTEXT_KEYS);
      expect(json).toEqual({
        source_module: 'chunker.parser',
        target_module: 'cli.main',
        operation: 'unknown',
        original_error: {
          name: context.error_type,
          message: context.error_message,
          stack: stringOrNull,
          cause: present,
        },
        error_type: context.error_type,
        error_message: context.error_message,
        timestamp: context.timestamp,
        context_data: {
          stack: expect.any(Array),
          cause_chain: expect.any(Array),
          call_stack: expect.any(Array),
        },
      });
    },
  );

  test('writes an error with its stack and cause, and the frames it was thrown from', () => {
    const error = new TypeError('outer', { cause: 'inner reason' });

    const json = JSON.parse(JSON.stringify(capture(error))) as ErrorContext;

    expect(json.original_error).toEqual({
      name: 'TypeError',
      message: 'outer',
      stack: error.stack,
      cause: 'inner reason',
    });
    expect(json.context_data.stack).toEqual(
      expect.arrayContaining([
        {
          file: expect.stringContaining('ErrorPropagation.test.ts'),
          line: expect.any(Number),
          column: expect.any(Number),
          function: stringOrNull,
        },
      ]),
    );
  });

  test('keeps JSON writable when the caller context holds cycles, BigInt, symbols and functions', () => {
    const circular: Record<string, unknown> = { id: 1n, kind: Symbol('kind'), run() {} };
    circular.self = circular;

    const json = JSON.parse(
      JSON.stringify(capture(new Error('x'), { context: { circular } })),
    ) as ErrorContext;

    expect(json.context_data.circular).toEqual({
      id: '1n',
      kind: 'Symbol(kind)',
      run: '[Function run]',
      self: '[Circular]',
    });
  });

  test('keeps JSON writable when context_data is changed to contain its own context', () => {
    const context = capture(new Error('x'));
    context.context_data.again = context;

    const json = JSON.parse(JSON.stringify(context)) as ErrorContext;

    expect(json.context_data.again).toMatchObject({
      operation: 'unknown',
      context_data: '[Circular]',
    });
  });

  test('parses the stack of an error into frames, and gives other values none', () => {
    expect(frames(capture(new Error('x')), 'stack')[0]).toEqual({
      file: expect.stringContaining('ErrorPropagation.test.ts'),
      line: expect.any(Number),
      column: expect.any(Number),
      function: stringOrNull,
    });
    expect(frames(capture(vm.runInNewContext('new Error("x")')), 'stack')[0]).toMatchObject({
      file: 'evalmachine.<anonymous>',
      line: 1,
    });
    expect(capture('boom').context_data.stack).toEqual([]);
    expect(capture({ stack: 'not an error' }).context_data.stack).toEqual([]);
  });

  test('starts the call stack at the code that captured, not inside this package', () => {
    const context = new ErrorPropagation().captureCrossModuleError('a', 'b', 'boom');

    const callStack = frames(context, 'call_stack');

    expect(callStack[0]?.file).toMatch(/__tests__[\\/]ErrorPropagation\.test\.ts$/);
    expect(callStack.every((frame) => !/[\\/]src[\\/]/.test(frame.file ?? ''))).toBe(true);
  });

  test.each([
    {
      label: 'a chain of causes, outermost first',
      make: () =>
        new Error('load failed', { cause: new TypeError('bad config', { cause: 'missing key' }) }),
      chain: [
        { error_type: 'TypeError', error_message: 'bad config' },
        { error_type: 'string', error_message: 'missing key' },
      ],
    },
    {
      label: 'a cycle of causes, cut where it closes',
      make: causeCycle,
      chain: [{ error_type: 'RangeError', error_message: 'inner' }],
    },
    {
      label: 'an error that is its own cause',
      make: () => {
        const error = new Error('self');
        error.cause = error;
        return error;
      },
      chain: [],
    },
    {
      label: 'the errors of an AggregateError, with their causes',
      make: () =>
        new AggregateError(
          [new TypeError('first', { cause: new RangeError('why') }), 'second', null],
          'all failed',
          { cause: new Error('root') },
        ),
      chain: [
        { error_type: 'Error', error_message: 'root' },
        { error_type: 'TypeError', error_message: 'first' },
        { error_type: 'RangeError', error_message: 'why' },
        { error_type: 'string', error_message: 'second' },
        { error_type: 'null', error_message: 'null' },
      ],
    },
    {
      label: 'the same error twice in an AggregateError, once',
      make: () => {
        const shared = new Error('shared');
        return new AggregateError([shared, shared], 'twice');
      },
      chain: [{ error_type: 'Error', error_message: 'shared' }],
    },
    {
      label: 'a cause from another realm',
      make: () => vm.runInNewContext('new Error("outer", { cause: new TypeError("inner") })'),
      chain: [{ error_type: 'TypeError', error_message: 'inner' }],
    },
    {
      label: 'a cause cloned across a worker boundary',
      make: () => structuredClone(new Error('outer', { cause: new RangeError('inner') })),
      chain: [{ error_type: 'RangeError', error_message: 'inner' }],
    },
    {
      label: 'a cause behind a getter that throws, as none',
      make: () =>
        Object.defineProperty(new Error('outer'), 'cause', {
          get() {
            throw new Error('no cause');
          },
        }),
      chain: [],
    },
    {
      label: 'a plain object with a cause',
      make: () => ({ code: 'E_IO', cause: new Error('disk') }),
      chain: [{ error_type: 'Error', error_message: 'disk' }],
    },
    { label: 'a thrown string, as empty', make: () => 'boom', chain: [] },
  ])('lists $label in cause_chain', ({ make, chain }) => {
    expect(capture(make()).context_data.cause_chain).toEqual(chain);
  });

  test('cuts a cause chain after 32 links', () => {
    let error = new Error('level 0');
    for (let level = 1; level <= 100; level += 1) {
      error = new Error(`level ${level}`, { cause: error });
    }

    const chain = capture(error).context_data.cause_chain as { error_message: string }[];

    expect(chain).toHaveLength(32);
    expect(chain[0]?.error_message).toBe('level 99');
    expect(chain[31]?.error_message).toBe('level 68');
  });

  test('keeps a copy of the caller context, beside the keys it fills in itself', () => {
    const callerContext: Record<string, unknown> = { file: 'a.ts', attempt: 2 };
    const context = capture(new Error('x'), { context: callerContext });

    callerContext.file = 'b.ts';
    callerContext.added = true;

    expect(Object.keys(context.context_data)).toEqual([
      'stack',
      'cause_chain',
      'call_stack',
      'file',
      'attempt',
    ]);
    expect(context.context_data).toMatchObject({ file: 'a.ts', attempt: 2 });
  });

  test('keeps a caller context value behind a throwing getter as unreadable', () => {
    const context = capture('boom', {
      context: {
        get broken(): never {
          throw new Error('no value');
        },
      },
    });

    expect(context.context_data.broken).toBe('[Unreadable: no value]');
  });

  test('names the operation unknown when none is given', () => {
    expect(capture('boom').operation).toBe('unknown');
    expect(capture('boom', { operation: 'parse' }).operation).toBe('parse');
  });

  test('refuses a caller context that sets a key context_data reserves, recording nothing', () => {
    const errors = new ErrorPropagation();
    errors.captureCrossModuleError('a', 'b', new Error('kept'));

    const refusal = integrationErrorOf(() =>
      errors.captureCrossModuleError('a', 'b', new Error('x'), {
        context: { stack: 'mine', call_stack: [] },
      }),
    );

    expect(refusal).toMatchInlineSnapshot(`
     {
       "code": "INVALID_ARGUMENT",
       "message": "errors.captureCrossModuleError(source, target, error, options): \`options.context\` may not set 'stack', 'call_stack': context_data reserves stack, cause_chain, call_stack for what it records itself. Rename them, e.g. 'stack_at_source'.",
     }
    `);
    expect(errors.getErrorChain().map((context) => context.error_message)).toEqual(['kept']);
  });

  const badCaptureCalls: { label: string; call: (errors: ErrorPropagation) => unknown }[] = [
    { label: 'an empty source', call: (errors) => errors.captureCrossModuleError('', 'b', 'x') },
    { label: 'a blank target', call: (errors) => errors.captureCrossModuleError('a', '  ', 'x') },
    {
      label: 'a number as source',
      call: (errors) => errors.captureCrossModuleError(42 as unknown as string, 'b', 'x'),
    },
    {
      label: 'no target',
      call: (errors) => errors.captureCrossModuleError('a', undefined as unknown as string, 'x'),
    },
    {
      label: 'an empty operation',
      call: (errors) => errors.captureCrossModuleError('a', 'b', 'x', { operation: '' }),
    },
    {
      label: 'a number as operation',
      call: (errors) =>
        errors.captureCrossModuleError('a', 'b', 'x', { operation: 7 as unknown as string }),
    },
    {
      label: 'options that are a string',
      call: (errors) => errors.captureCrossModuleError('a', 'b', 'x', 'parse' as unknown as object),
    },
    {
      label: 'an unknown option',
      call: (errors) => errors.captureCrossModuleError('a', 'b', 'x', { op: 'parse' } as object),
    },
    {
      label: 'a context that is an array',
      call: (errors) =>
        errors.captureCrossModuleError('a', 'b', 'x', {
          context: ['a.ts'] as unknown as Record<string, unknown>,
        }),
    },
  ];

  test.each(badCaptureCalls)(
    'refuses $label with INVALID_ARGUMENT, recording nothing',
    ({ call }) => {
      const errors = new ErrorPropagation();
      const kept = errors.captureCrossModuleError('a', 'b', new Error('kept'));

      expect(integrationErrorOf(() => call(errors)).code).toBe('INVALID_ARGUMENT');
      expect(errors.getErrorChain()).toEqual([kept]);
    },
  );

  test('says, for each bad argument, what it received and what to pass', () => {
    const messages = badCaptureCalls.map(
      ({ call }) => integrationErrorOf(() => call(new ErrorPropagation())).message,
    );

    expect(messages).toMatchInlineSnapshot(`
     [
       "errors.captureCrossModuleError(source, target, error, options): \`source\` must be a non-empty string, but received string ''. Pass the module the error came from, such as 'chunker.parser'.",
       "errors.captureCrossModuleError(source, target, error, options): \`target\` must be a non-empty string, but received string '  '. Pass the module that received the error, such as 'cli.main'.",
       "errors.captureCrossModuleError(source, target, error, options): \`source\` must be a non-empty string, but received number 42. Pass the module the error came from, such as 'chunker.parser'.",
       "errors.captureCrossModuleError(source, target, error, options): \`target\` must be a non-empty string, but received undefined. Pass the module that received the error, such as 'cli.main'.",
       "errors.captureCrossModuleError(source, target, error, options): \`options.operation\` must be a non-empty string, but received string ''. Pass the operation that failed, such as 'parse', or leave it out.",
       "errors.captureCrossModuleError(source, target, error, options): \`options.operation\` must be a non-empty string, but received number 7. Pass the operation that failed, such as 'parse', or leave it out.",
       "errors.captureCrossModuleError(source, target, error, options): \`options\` must be an object or undefined, but received string 'parse'. Pass { operation, context } or leave it out.",
       "errors.captureCrossModuleError(source, target, error, options): \`options\` has an unknown key: 'op'. Pass only operation and context.",
       "errors.captureCrossModuleError(source, target, error, options): \`options.context\` must be an object or undefined, but received array [ 'a.ts' ]. Pass an object of facts to keep, such as { file: 'a.ts' }, or leave it out.",
     ]
    `);
  });
});

describe('verifyErrorContext', () => {
  function parserContext(): { errors: ErrorPropagation; context: ErrorContext } {
    const errors = new ErrorPropagation();
    const context = errors.captureCrossModuleError(
      'chunker.parser',
      'cli.main',
      new SyntaxError('unexpected token'),
      {
        operation: 'parse',
        context: { file: 'a.ts', position: { line: 3, column: 7 } },
      },
    );
    return { errors, context };
  }

  test('returns nothing when every expected key matches', () => {
    const { errors, context } = parserContext();

    expect(
      errors.verifyErrorContext(context, {
        source_module: 'chunker.parser',
        target_module: 'cli.main',
        operation: 'parse',
        original_error: context.original_error,
        error_type: 'SyntaxError',
        error_message: 'unexpected token',
        timestamp: 0,
        context_data: { file: 'a.ts', position: { line: 3, column: 7 } },
      }),
    ).toBeUndefined();
  });

  test.each([
    { label: 'expect.any(String)', expected: { source_module: expect.any(String) } },
    {
      label: 'expect.stringContaining',
      expected: { error_message: expect.stringContaining('token') },
    },
    { label: 'expect.stringMatching', expected: { error_type: expect.stringMatching(/^Syntax/) } },
    {
      label: 'expect.objectContaining',
      expected: { context_data: expect.objectContaining({ file: 'a.ts' }) },
    },
    {
      label: 'a matcher nested in context_data',
      expected: { context_data: { position: { line: expect.any(Number), column: 7 } } },
    },
    {
      label: 'a matcher nested in an array',
      expected: {
        context_data: { cause_chain: [], stack: expect.arrayContaining([expect.anything()]) },
      },
    },
    { label: 'expect.anything', expected: { original_error: expect.anything() } },
    {
      label: 'a matcher of its own',
      expected: { operation: { asymmetricMatch: (other: unknown) => other === 'parse' } },
    },
    { label: 'an equal error', expected: { original_error: new SyntaxError('unexpected token') } },
    { label: 'expect.any(Number) as timestamp', expected: { timestamp: expect.any(Number) } },
  ])('accepts $label', ({ expected }) => {
    const { errors, context } = parserContext();

    expect(() => errors.verifyErrorContext(context, expected)).not.toThrow();
  });

  test.each([
    { label: 'a different string', expected: { operation: 'load' } },
    { label: 'a failing matcher', expected: { error_message: expect.stringContaining('eof') } },
    {
      label: 'a failing nested matcher',
      expected: { context_data: { position: { line: expect.any(String) } } },
    },
    { label: 'a different error', expected: { original_error: new TypeError('unexpected token') } },
    { label: 'a context_data entry the context lacks', expected: { context_data: { retries: 0 } } },
    {
      label: 'an array of another length',
      expected: { context_data: { cause_chain: [expect.anything()] } },
    },
    {
      label: 'a matcher that throws',
      expected: {
        operation: {
          asymmetricMatch: (): never => {
            throw new Error('matcher broke');
          },
        },
      },
    },
    {
      label: 'an object where the context has a string',
      expected: { error_type: { name: 'SyntaxError' } },
    },
  ])('refuses $label with ERROR_CONTEXT_MISMATCH', ({ expected }) => {
    const { errors, context } = parserContext();

    expect(integrationErrorOf(() => errors.verifyErrorContext(context, expected)).code).toBe(
      'ERROR_CONTEXT_MISMATCH',
    );
  });

  test('lists every key that differs, with what was expected and what was received', () => {
    const { errors, context } = parserContext();

    const { message } = integrationErrorOf(() =>
      errors.verifyErrorContext(context, {
        source_module: 'chunker.lexer',
        target_module: 'cli.main',
        operation: expect.stringContaining('load'),
        original_error: new TypeError('unexpected token'),
        error_type: 'TypeError',
        context_data: { file: 'b.ts', position: { line: expect.any(String) } },
      }),
    );

    expect(message).toMatchInlineSnapshot(`
     "errors.verifyErrorContext(context, expected): 5 of 6 expected keys are missing or differ.

       source_module
         expected: 'chunker.lexer'
         received: 'chunker.parser'

       operation
         expected: StringContaining 'load'
         received: 'parse'

       original_error
         expected: [TypeError: unexpected token]
         received: [SyntaxError: unexpected token]

       error_type
         expected: 'TypeError'
         received: 'SyntaxError'

       context_data (compared like toMatchObject: entries not expected are fine)
         expected: { file: 'b.ts', position: { line: Any<String> } }
         received: { file: 'a.ts', position: { line: 3, column: 7 } }"
    `);
  });

  test('says which keys are missing, and when the timestamp is not a number', () => {
    const errors = new ErrorPropagation();
    const fromAnotherTool = { source_module: 'db', target_module: 'api', timestamp: 'yesterday' };

    const { message } = integrationErrorOf(() =>
      errors.verifyErrorContext(fromAnotherTool as unknown as ErrorContext, {
        source_module: 'db',
        operation: 'query',
        error_type: expect.any(String),
        timestamp: expect.any(Number),
        context_data: expect.objectContaining({ sql: 'select 1' }),
      }),
    );

    expect(message).toMatchInlineSnapshot(`
     "errors.verifyErrorContext(context, expected): 4 of 5 expected keys are missing or differ.

       operation
         expected: 'query'
         received: <missing>

       error_type
         expected: Any<String>
         received: <missing>

       timestamp
         expected: a finite number (timestamps are only checked for presence)
         received: 'yesterday'

       context_data (compared like toMatchObject: entries not expected are fine)
         expected: ObjectContaining { sql: 'select 1' }
         received: <missing>"
    `);
  });

  test('prints received values that have throwing getters without running them', () => {
    const errors = new ErrorPropagation();
    const context = errors.captureCrossModuleError('a', 'b', {
      get detail(): never {
        throw new Error('no detail');
      },
    });

    const { message } = integrationErrorOf(() =>
      errors.verifyErrorContext(context, { original_error: { detail: 1 } }),
    );

    expect(message).toMatchInlineSnapshot(`
     "errors.verifyErrorContext(context, expected): 1 of 1 expected key is missing or differs.

       original_error
         expected: { detail: 1 }
         received: { detail: [Getter] }"
    `);
  });

  test('carries the mismatches as data for tools', () => {
    const { errors, context } = parserContext();

    const error = thrownBy(() =>
      errors.verifyErrorContext(context, { operation: 'load', error_type: 'SyntaxError' }),
    );

    expect(error).toMatchObject({
      code: 'ERROR_CONTEXT_MISMATCH',
      details: {
        mismatches: [{ key: 'operation', missing: false, expected: 'load', received: 'parse' }],
      },
    });
  });

  test('verifies a context read back from JSON', () => {
    const { errors, context } = parserContext();
    const fromJson = JSON.parse(JSON.stringify(context)) as ErrorContext;

    expect(() =>
      errors.verifyErrorContext(fromJson, {
        source_module: 'chunker.parser',
        original_error: expect.objectContaining({
          name: 'SyntaxError',
          message: 'unexpected token',
        }),
        context_data: { file: 'a.ts' },
      }),
    ).not.toThrow();
  });

  test('refuses expected keys that an ErrorContext does not have', () => {
    const { errors, context } = parserContext();

    expect(
      integrationErrorOf(() =>
        errors.verifyErrorContext(context, { opration: 'parse', file: 'a.ts' } as Record<
          string,
          unknown
        >),
      ),
    ).toMatchInlineSnapshot(`
     {
       "code": "INVALID_ARGUMENT",
       "message": "errors.verifyErrorContext(context, expected): \`expected\` has 2 keys that an ErrorContext does not have: 'opration', 'file'. Use only source_module, target_module, operation, original_error, error_type, error_message, timestamp, context_data; put your own facts under context_data.",
     }
    `);
  });

  test.each([
    { label: 'a context that is not an object', context: 'parse failed', expected: {} },
    { label: 'an expected value that is not an object', context: {}, expected: 'parse' },
    { label: 'an expected value that is an array', context: {}, expected: ['operation'] },
  ])('refuses $label with INVALID_ARGUMENT', ({ context, expected }) => {
    const errors = new ErrorPropagation();

    expect(
      integrationErrorOf(() =>
        errors.verifyErrorContext(
          context as unknown as ErrorContext,
          expected as Record<string, unknown>,
        ),
      ).code,
    ).toBe('INVALID_ARGUMENT');
  });

  test('names what to pass when the context is not an object', () => {
    expect(
      integrationErrorOf(() =>
        new ErrorPropagation().verifyErrorContext(null as unknown as ErrorContext, {}),
      ).message,
    ).toMatchInlineSnapshot(
      `"errors.verifyErrorContext(context, expected): \`context\` must be an ErrorContext, but received null. Pass a context that errors.captureCrossModuleError() returned or errors.getErrorChain() lists."`,
    );
  });
});

describe('boundary', () => {
  test('returns what a function returns, recording nothing', () => {
    const errors = new ErrorPropagation();
    const result = { value: 3 };

    expect(errors.boundary('math', 'cli.main', () => result)).toBe(result);
    expect(errors.getErrorChain()).toEqual([]);
  });

  // Compared one key at a time: Jest's own equality would trip over the throwing proxies.
  test.each(thrownValues)('rethrows $label unchanged and records it', ({ make, type }) => {
    const errors = new ErrorPropagation();
    const thrown = make();

    const rethrown = thrownBy(() =>
      errors.boundary('chunker.parser', 'cli.main', () => {
        throw thrown;
      }),
    );

    expect(rethrown).toBe(thrown);
    const chain = errors.getErrorChain();
    expect(chain).toHaveLength(1);
    expect(chain[0]?.original_error).toBe(thrown);
    expect(chain[0]?.error_type).toBe(type);
    expect(chain[0]?.source_module).toBe('chunker.parser');
    expect(chain[0]?.target_module).toBe('cli.main');
  });

  test.each(thrownValues)(
    'rejects with $label unchanged and records it',
    async ({ make, type }) => {
      const errors = new ErrorPropagation();
      const thrown = make();

      const settled = errors.boundary('cache.store', 'cli.main', async () => {
        await Promise.resolve();
        throw thrown;
      });

      await expect(settled).rejects.toBe(thrown);
      const chain = errors.getErrorChain();
      expect(chain).toHaveLength(1);
      expect(chain[0]?.original_error).toBe(thrown);
      expect(chain[0]?.error_type).toBe(type);
    },
  );

  test('resolves with what an async function resolves with, recording nothing', async () => {
    const errors = new ErrorPropagation();
    const value = { rows: [] };

    await expect(errors.boundary('db', 'api', async () => value)).resolves.toBe(value);
    expect(errors.getErrorChain()).toEqual([]);
  });

  test('follows a thenable that is not a promise', async () => {
    const errors = new ErrorPropagation();
    const reason = new Error('thenable failed');
    const thenable = {
      then(_resolve: (value: unknown) => void, reject: (reason: unknown) => void) {
        reject(reason);
      },
    };

    await expect(errors.boundary('db', 'api', () => thenable)).rejects.toBe(reason);
    expect(errors.getErrorChain()[0]?.original_error).toBe(reason);
  });

  test('follows a promise of another realm, answering in that realm', async () => {
    const errors = new ErrorPropagation();
    const realm = vm.createContext({});
    const promise = vm.runInContext(
      'Promise.reject(new TypeError("from the vm"))',
      realm,
    ) as Promise<never>;

    const followed = errors.boundary('db', 'api', () => promise);

    expect(followed).toBeInstanceOf(vm.runInContext('Promise', realm) as PromiseConstructor);
    await expect(followed).rejects.toThrow('from the vm');
    expect(errors.getErrorChain()[0]?.error_type).toBe('TypeError');
  });

  test('captures an error that a worker thread sent back', async () => {
    const errors = new ErrorPropagation();
    const runWorker = () =>
      new Promise<never>((_resolve, reject) => {
        const worker = new Worker(
          `const { parentPort } = require('node:worker_threads');
           parentPort.postMessage(new RangeError('worker out of range', { cause: new TypeError('why') }));`,
          { eval: true },
        );
        worker.once('message', (error: unknown) => {
          reject(error);
          void worker.terminate();
        });
      });

    await expect(errors.boundary('pool.worker', 'cli.main', runWorker)).rejects.toThrow(
      'worker out of range',
    );
    expect(errors.getErrorChain()[0]).toMatchObject({
      operation: 'runWorker',
      error_type: 'RangeError',
      error_message: 'worker out of range',
      context_data: { cause_chain: [{ error_type: 'TypeError', error_message: 'why' }] },
    });
  });

  test.each([
    {
      label: 'the function name',
      fn: function loadConfig(): never {
        throw new Error('x');
      },
      operation: 'loadConfig',
    },
    {
      label: 'unknown for an anonymous function',
      fn: [
        (): never => {
          throw new Error('x');
        },
      ][0],
      operation: 'unknown',
    },
  ])('names the operation after $label', ({ fn, operation }) => {
    const errors = new ErrorPropagation();

    thrownBy(() => errors.boundary('a', 'b', fn as () => never));

    expect(errors.getErrorChain()[0]?.operation).toBe(operation);
  });

  test('takes the operation and context from its options', async () => {
    const errors = new ErrorPropagation();

    await expect(
      errors.boundary('cache.store', 'cli.main', () => Promise.reject(new Error('miss')), {
        operation: 'load',
        context: { key: 'user:1' },
      }),
    ).rejects.toThrow('miss');

    expect(errors.getErrorChain()[0]).toMatchObject({
      operation: 'load',
      context_data: { key: 'user:1' },
    });
  });

  test('starts the call stack of an async failure at the code that called boundary', async () => {
    const errors = new ErrorPropagation();

    await expect(
      errors.boundary('a', 'b', async () => {
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('late');
      }),
    ).rejects.toThrow('late');

    const context = errors.getErrorChain()[0] as ErrorContext;
    expect(frames(context, 'call_stack')[0]?.file).toMatch(
      /__tests__[\\/]ErrorPropagation\.test\.ts$/,
    );
  });

  test('records an error once per boundary it crosses, innermost first', () => {
    const errors = new ErrorPropagation();
    const error = new Error('deep');

    thrownBy(() =>
      errors.boundary('cli.main', 'cli.entry', () =>
        errors.boundary('cache.store', 'cli.main', () =>
          errors.boundary('db', 'cache.store', () => {
            throw error;
          }),
        ),
      ),
    );

    expect(
      errors.getErrorChain().map((context) => [context.source_module, context.target_module]),
    ).toEqual([
      ['db', 'cache.store'],
      ['cache.store', 'cli.main'],
      ['cli.main', 'cli.entry'],
    ]);
    expect(errors.getErrorChain().every((context) => context.original_error === error)).toBe(true);
  });

  test('keeps concurrent async failures in the order they failed', async () => {
    const errors = new ErrorPropagation();
    const failures = Array.from({ length: 20 }, (_, index) => {
      let fail!: () => void;
      const failed = new Promise<never>((_resolve, reject) => {
        fail = () => reject(new Error(`failure ${index}`));
      });
      return { index, fail, failed };
    });
    const running = failures.map(({ index, failed }) =>
      errors.boundary(`module.${index}`, 'cli.main', () => failed),
    );
    const failingOrder = [7, 3, 19, 0, 12, 5, 18, 1, 9, 14, 2, 16, 8, 11, 4, 17, 6, 13, 10, 15];

    for (const index of failingOrder) {
      failures[index]?.fail();
      await Promise.resolve();
    }
    await Promise.allSettled(running);

    const chain = errors.getErrorChain();
    expect(chain.map((context) => context.error_message)).toEqual(
      failingOrder.map((index) => `failure ${index}`),
    );
    const timestamps = chain.map((context) => context.timestamp);
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
  });

  test('refuses a fn that is not a function, with what to pass', () => {
    const errors = new ErrorPropagation();

    expect(
      integrationErrorOf(() => errors.boundary('a', 'b', 'loadConfig' as unknown as () => unknown)),
    ).toMatchInlineSnapshot(`
     {
       "code": "INVALID_ARGUMENT",
       "message": "errors.boundary(source, target, fn, options): \`fn\` must be a function, but received string 'loadConfig'. Pass the function to run across the boundary, such as () => parser.parse(text).",
     }
    `);
    expect(errors.getErrorChain()).toEqual([]);
  });

  test.each([
    { label: 'an empty source', source: '', target: 'b', options: undefined },
    { label: 'a number as target', source: 'a', target: 1, options: undefined },
    { label: 'an empty operation', source: 'a', target: 'b', options: { operation: '' } },
    { label: 'an unknown option', source: 'a', target: 'b', options: { timeout: 5 } },
  ])('refuses $label without calling fn', ({ source, target, options }) => {
    const errors = new ErrorPropagation();
    const fn = jest.fn();

    expect(
      integrationErrorOf(() => errors.boundary(source, target as string, fn, options)).code,
    ).toBe('INVALID_ARGUMENT');
    expect(fn).not.toHaveBeenCalled();
  });
});

describe('getErrorChain', () => {
  test('lists contexts in capture order, as a copy', () => {
    const errors = new ErrorPropagation();
    const first = errors.captureCrossModuleError('a', 'b', 'first');
    const second = errors.captureCrossModuleError('b', 'c', 'second');

    const chain = errors.getErrorChain();
    chain.pop();

    expect(errors.getErrorChain()).toEqual([first, second]);
    expect(errors.getErrorChain()[1]).toBe(second);
  });

  test('starts empty', () => {
    expect(new ErrorPropagation().getErrorChain()).toEqual([]);
  });
});

describe('brand', () => {
  test('marks an ErrorPropagation without adding an own key', () => {
    const errors = new ErrorPropagation();

    expect(brandOf(errors)).toBe('ErrorPropagation');
    expect(errors[BRAND]).toBe('ErrorPropagation');
    expect(Object.keys(errors)).toEqual([]);
  });
});

describe('ErrorPropagationMixin', () => {
  class BaseSuite {
    static suiteKind = 'integration';

    constructor(
      readonly name: string,
      readonly retries = 0,
    ) {}

    describeSuite(): string {
      return `${this.name} (${this.retries} retries)`;
    }
  }

  class ParserSuite extends ErrorPropagationMixin(BaseSuite) {
    parse(text: string): unknown {
      return this.boundary('chunker.parser', 'cli.main', () => JSON.parse(text), {
        operation: 'parse',
      });
    }
  }

  test('keeps the base class: its constructor, methods, statics and instanceof', () => {
    const suite = new ParserSuite('parser', 2);

    expect(suite.describeSuite()).toBe('parser (2 retries)');
    expect(ParserSuite.suiteKind).toBe('integration');
    expect(suite).toBeInstanceOf(BaseSuite);
  });

  test('keeps the types of the base constructor', () => {
    // Checked by the compiler: a call with the wrong arguments must not compile.
    // @ts-expect-error the base constructor wants a name
    const withWrongArguments = (): ParserSuite => new ParserSuite(42);

    expect(withWrongArguments).toBeInstanceOf(Function);
  });

  test('adds the four methods, each instance keeping its own chain', () => {
    const first = new ParserSuite('first');
    const second = new ParserSuite('second');

    expect(() => first.parse('{')).toThrow(SyntaxError);
    const context = first.captureCrossModuleError('cli.main', 'cli.entry', 'gave up');

    expect(first.getErrorChain().map((entry) => entry.error_type)).toEqual([
      'SyntaxError',
      'string',
    ]);
    expect(first.getErrorChain()[1]).toBe(context);
    expect(second.getErrorChain()).toEqual([]);
    expect(() =>
      first.verifyErrorContext(context, { operation: 'unknown', error_message: 'gave up' }),
    ).not.toThrow();
    expect(() => first.verifyErrorContext(context, { operation: 'parse' })).toThrow(
      expect.objectContaining({ code: 'ERROR_CONTEXT_MISMATCH' }),
    );
  });

  test('handles async functions like ErrorPropagation', async () => {
    const suite = new ParserSuite('async');
    const reason = new Error('late');

    await expect(suite.boundary('a', 'b', async () => Promise.reject(reason))).rejects.toBe(reason);
    await expect(suite.boundary('a', 'b', async () => 'done')).resolves.toBe('done');
    expect(suite.getErrorChain()).toEqual([expect.objectContaining({ original_error: reason })]);
  });

  test('starts call stacks at the code that called the mixed-in method', () => {
    const suite = new ParserSuite('stacks');

    const captured = suite.captureCrossModuleError('a', 'b', 'x');
    thrownBy(() => suite.parse('{'));

    for (const context of [captured, suite.getErrorChain()[1] as ErrorContext]) {
      expect(frames(context, 'call_stack')[0]?.file).toMatch(
        /__tests__[\\/]ErrorPropagation\.test\.ts$/,
      );
    }
  });

  test('carries the ErrorPropagation brand', () => {
    const suite = new ParserSuite('branded');

    expect(brandOf(suite)).toBe('ErrorPropagation');
    expect(Object.keys(suite)).toEqual(['name', 'retries']);
  });

  test('lets the base constructor already use the methods', () => {
    class EagerBase {
      constructor() {
        (this as unknown as ErrorPropagation).captureCrossModuleError(
          'setup',
          'suite',
          'too early',
        );
      }
    }
    const Eager = ErrorPropagationMixin(EagerBase);

    expect(new Eager().getErrorChain()).toEqual([
      expect.objectContaining({ error_message: 'too early' }),
    ]);
  });

  test('mixes into an abstract class', () => {
    abstract class AbstractSuite {
      abstract run(): string;
    }
    class Concrete extends ErrorPropagationMixin(AbstractSuite) {
      run(): string {
        return this.boundary('a', 'b', () => 'ran');
      }
    }

    expect(new Concrete().run()).toBe('ran');
  });

  test('refuses bad arguments as ErrorPropagation does', () => {
    const suite = new ParserSuite('bad');

    expect(integrationErrorOf(() => suite.boundary('', 'b', () => 1)).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(suite.getErrorChain()).toEqual([]);
  });
});

import { beforeEach, describe, expect, test } from '@jest/globals';
import vm from 'node:vm';
import { createIntegrationMatchers } from '../../matchers';
import type { ExpectedErrorContext } from '../../matchers';
import { ErrorPropagation } from '../../src/ErrorPropagation';
import type { IntegrationHandle } from '../../src/IntegrationHandle';
import type { ErrorContext } from '../../src/records';
import { failureOf } from './failureOf';
import { integrationHandleOf } from './integrationHandleOf';

let handle: IntegrationHandle | undefined;
expect.extend(createIntegrationMatchers({ currentHandle: () => handle }));

let errors: ErrorPropagation;
let parseError: TypeError;
let context: ErrorContext;

beforeEach(() => {
  errors = new ErrorPropagation();
  handle = integrationHandleOf({ errors });
  parseError = new TypeError('unexpected token }');
  context = errors.captureCrossModuleError('chunker.parser', 'chunker.loader', parseError, {
    operation: 'parse',
    context: { file: 'a.ts', line: 3 },
  });
});

/** A context with keys in a fixed order and no stack, so that pinned messages stay stable. */
function plainContext(overrides: Partial<ErrorContext> = {}): ErrorContext {
  return {
    source_module: 'chunker.parser',
    target_module: 'chunker.loader',
    operation: 'parse',
    original_error: parseError,
    error_type: 'TypeError',
    error_message: 'unexpected token }',
    timestamp: 1732400000123.25,
    context_data: { file: 'a.ts', line: 3, stack: [] },
    ...overrides,
  };
}

describe('toCarryErrorContext passes', () => {
  test.each<[string, ExpectedErrorContext]>([
    [
      'its modules and operation',
      { source_module: 'chunker.parser', target_module: 'chunker.loader', operation: 'parse' },
    ],
    ['its type and message', { error_type: 'TypeError', error_message: 'unexpected token }' }],
    [
      'asymmetric matchers',
      { error_message: expect.stringContaining('token'), source_module: expect.any(String) },
    ],
    ['the very error it carries', { original_error: new TypeError('unexpected token }') }],
    ['some of its context data', { context_data: { file: 'a.ts' } }],
    ['context data holding a matcher', { context_data: { line: expect.any(Number) } }],
    ['any timestamp, only checked for presence', { timestamp: 0 }],
    ['no keys at all', {}],
  ])('for a context with %s', (_, expected) => {
    expect(context).toCarryErrorContext(expected);
    expect(failureOf(() => expect(context).not.toCarryErrorContext(expected))).toContain(
      'Expected: not',
    );
  });

  test('for the error value itself, captured in the current test', () => {
    expect(parseError).toCarryErrorContext({ source_module: 'chunker.parser', operation: 'parse' });
  });

  test('when any of the contexts captured for an error matches', () => {
    errors.captureCrossModuleError('chunker.loader', 'cli.main', parseError, { operation: 'load' });
    expect(parseError).toCarryErrorContext({
      source_module: 'chunker.loader',
      target_module: 'cli.main',
    });
    expect(parseError).toCarryErrorContext({
      source_module: 'chunker.parser',
      target_module: 'chunker.loader',
    });
  });

  test.each([
    ['a string', 'disk full', 'string'],
    ['null', null, 'null'],
    [
      'an error from another realm',
      vm.runInNewContext('new RangeError("too deep")') as unknown,
      'RangeError',
    ],
  ])('for a thrown value that is %s', (_, thrown, errorType) => {
    errors.captureCrossModuleError('storage', 'cache.store', thrown, { operation: 'write' });
    expect(thrown).toCarryErrorContext({ error_type: errorType, operation: 'write' });
  });

  test('for a context that crossed JSON, recognised by its keys', () => {
    const parsed = JSON.parse(JSON.stringify(context)) as ErrorContext;
    expect(parsed).toCarryErrorContext({
      source_module: 'chunker.parser',
      context_data: { file: 'a.ts' },
    });
  });

  test('honouring custom equality testers', () => {
    const caseInsensitive = (a: unknown, b: unknown): boolean | undefined =>
      typeof a === 'string' && typeof b === 'string'
        ? a.toLowerCase() === b.toLowerCase()
        : undefined;
    expect.addEqualityTesters([caseInsensitive]);
    try {
      expect(context).toCarryErrorContext({ operation: 'PARSE' });
    } finally {
      expect.addEqualityTesters([]);
    }
  });
});

describe('toCarryErrorContext fails', () => {
  test('when a value differs, listing the keys and showing a diff', () => {
    expect(
      failureOf(() =>
        expect(plainContext()).toCarryErrorContext({
          target_module: 'cli.main',
          operation: 'parse',
        }),
      ),
    ).toMatchInlineSnapshot(`
     "expect(received).toCarryErrorContext(expected)

     Differing keys: target_module

     - Expected  - 1
     + Received  + 1

       Object {
         "operation": "parse",
     -   "target_module": "cli.main",
     +   "target_module": "chunker.loader",
       }"
    `);
  });

  test('when keys are missing or differ in context data', () => {
    const { error_message: _, ...withoutMessage } = plainContext();
    expect(
      failureOf(() =>
        expect(withoutMessage).toCarryErrorContext({
          error_message: expect.stringContaining('token'),
          context_data: { file: 'b.ts', line: 3 },
        }),
      ),
    ).toMatchInlineSnapshot(`
     "expect(received).toCarryErrorContext(expected)

     Missing keys:   error_message
     Differing keys: context_data

     - Expected  - 2
     + Received  + 1

       Object {
         "context_data": Object {
     -     "file": "b.ts",
     +     "file": "a.ts",
           "line": 3,
         },
     -   "error_message": StringContaining "token",
       }"
    `);
  });

  test('when the timestamp is not a number', () => {
    expect(
      failureOf(() =>
        expect(plainContext({ timestamp: Number.NaN })).toCarryErrorContext({
          timestamp: expect.any(Number),
        }),
      ),
    ).toContain('Differing keys: timestamp');
  });

  test('for an error whose only context differs, naming its route', () => {
    const message = failureOf(() =>
      expect(parseError).toCarryErrorContext({ target_module: 'cli.main' }),
    );
    expect(message).toMatchInlineSnapshot(`
     "expect(received).toCarryErrorContext(expected)

     Received error: [TypeError: unexpected token }]
     Its context:    "chunker.parser" → "chunker.loader" during "parse"

     Differing keys: target_module

     - Expected  - 1
     + Received  + 1

       Object {
     -   "target_module": "cli.main",
     +   "target_module": "chunker.loader",
       }"
    `);
  });

  test('for an error captured several times, showing each context', () => {
    errors.captureCrossModuleError('chunker.loader', 'cli.main', parseError, { operation: 'load' });
    expect(failureOf(() => expect(parseError).toCarryErrorContext({ operation: 'render' })))
      .toMatchInlineSnapshot(`
     "expect(received).toCarryErrorContext(expected)

     Received error: [TypeError: unexpected token }], captured 2 times

     Context 1 of 2: "chunker.parser" → "chunker.loader" during "parse"
     Differing keys: operation

     - Expected  - 1
     + Received  + 1

       Object {
     -   "operation": "render",
     +   "operation": "parse",
       }

     Context 2 of 2: "chunker.loader" → "cli.main" during "load"
     Differing keys: operation

     - Expected  - 1
     + Received  + 1

       Object {
     -   "operation": "render",
     +   "operation": "load",
       }"
    `);
  });

  test('for an error that was not captured in the current test', () => {
    expect(
      failureOf(() =>
        expect(new Error('never crossed')).toCarryErrorContext({ source_module: 'db' }),
      ),
    ).toMatchInlineSnapshot(`
     "expect(received).toCarryErrorContext(expected)

     Expected context: {"source_module": "db"}
     Received error:   [Error: never crossed], not captured by \`integration.errors\` in this test"
    `);
    expect(new Error('never crossed')).not.toCarryErrorContext({ source_module: 'db' });
  });

  test('with .not when the context carries the keys', () => {
    expect(
      failureOf(() =>
        expect(plainContext()).not.toCarryErrorContext({
          operation: 'parse',
          error_type: expect.any(String),
        }),
      ),
    ).toMatchInlineSnapshot(`
     "expect(received).not.toCarryErrorContext(expected)

     Expected: not {"error_type": Any<String>, "operation": "parse"}
     Received:     {"error_type": "TypeError", "operation": "parse"}"
    `);
  });

  test('with .not when the error carries the keys, naming the matching context', () => {
    expect(failureOf(() => expect(parseError).not.toCarryErrorContext({ operation: 'parse' })))
      .toMatchInlineSnapshot(`
     "expect(received).not.toCarryErrorContext(expected)

     Received error: [TypeError: unexpected token }]
     Its context:    "chunker.parser" → "chunker.loader" during "parse"

     Expected: not {"operation": "parse"}"
    `);
  });
});

describe('toCarryErrorContext with .not passes', () => {
  test.each<[string, ExpectedErrorContext]>([
    ['another source module', { source_module: 'cli.main' }],
    ['a message no matcher accepts', { error_message: expect.stringMatching(/^timeout/) }],
    ['other context data', { context_data: { file: 'b.ts' } }],
  ])('for a context with %s', (_, expected) => {
    expect(context).not.toCarryErrorContext(expected);
    expect(parseError).not.toCarryErrorContext(expected);
  });
});

describe('toCarryErrorContext used wrongly throws a matcher error', () => {
  test('for the integration handle as the receiver', () => {
    expect(failureOf(() => expect(handle).toCarryErrorContext({ operation: 'parse' })))
      .toMatchInlineSnapshot(`
     "expect(received).toCarryErrorContext(expected)

     Matcher error: received value must be an ErrorContext, or a value captured by \`integration.errors\` in the current test, not the \`integration\` handle

     Received has type:  object
     Received has value: {"allowLeaks": [Function allowLeaks], "config": {}, "errors": {}, "resources": {}}"
    `);
  });

  test.each([
    ['an ErrorPropagation', () => errors],
    ['a number never thrown', () => 42],
    ['undefined', () => undefined],
  ])('for a receiver that is %s', (_, received) => {
    expect(
      failureOf(() => expect(received()).toCarryErrorContext({ operation: 'parse' })),
    ).toContain(
      'Matcher error: received value must be an ErrorContext, or a value captured by `integration.errors` in the current test',
    );
  });

  test('for an error value when no integration handle is active', () => {
    handle = undefined;
    expect(failureOf(() => expect(parseError).toCarryErrorContext({ operation: 'parse' })))
      .toMatchInlineSnapshot(`
     "expect(received).toCarryErrorContext(expected)

     Matcher error: received value must be an ErrorContext when no \`integration\` handle is active to look an error up in (run the test under testEnvironment 'integration')

     Received has type:  object
     Received has value: [TypeError: unexpected token }]"
    `);
  });

  test('for expected keys that an ErrorContext does not have', () => {
    expect(
      failureOf(() =>
        expect(context).toCarryErrorContext({ source: 'chunker.parser' } as ExpectedErrorContext),
      ),
    ).toMatchInlineSnapshot(`
     "expect(received).toCarryErrorContext(expected)

     Matcher error: expected value must be an object with some of the ErrorContext keys: source_module, target_module, operation, original_error, error_type, error_message, timestamp, context_data

     Expected has type:  object
     Expected has value: {"source": "chunker.parser"}"
    `);
  });

  test.each([
    ['a string', 'chunker.parser'],
    ['null', null],
    ['an array', ['chunker.parser']],
  ])('for expected keys given as %s', (_, expected) => {
    expect(
      failureOf(() => expect(context).toCarryErrorContext(expected as ExpectedErrorContext)),
    ).toContain(
      'Matcher error: expected value must be an object with some of the ErrorContext keys',
    );
  });
});

describe('toCarryErrorContext as an asymmetric matcher', () => {
  test('matches an error inside another value', () => {
    expect({ reason: parseError, retried: false }).toEqual({
      reason: expect.toCarryErrorContext({ source_module: 'chunker.parser' }),
      retried: false,
    });
    expect([context]).toEqual([expect.not.toCarryErrorContext({ operation: 'render' })]);
  });
});

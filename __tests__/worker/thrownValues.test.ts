import { describe, expect, test } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import { ErrorPropagation } from '../../src/ErrorPropagation';
import { decodeThrown } from '../../src/worker/decodeThrown';
import { encodeThrown } from '../../src/worker/encodeThrown';

class ParseFailure extends Error {}

/** What a context says about a thrown value: the parts that must survive crossing. */
function described(thrown: unknown) {
  const context = new ErrorPropagation().captureCrossModuleError('worker', 'test', thrown);
  return {
    error_type: context.error_type,
    error_message: context.error_message,
    stack: context.context_data.stack,
    cause_chain: context.context_data.cause_chain,
  };
}

/** Encoded, written as JSON, read back and decoded, as between a worker and the environment. */
function crossed(thrown: unknown): unknown {
  return decodeThrown(JSON.parse(JSON.stringify(encodeThrown(thrown))));
}

const circular: Record<string, unknown> = { code: 'E_LOOP' };
circular.self = circular;

describe('a thrown value that crosses to the environment', () => {
  test.each([
    ['a TypeError', new TypeError('not a function')],
    ['an error of a class that never set its name', new ParseFailure('unexpected token')],
    [
      'an error with a cause chain',
      new Error('load failed', { cause: new RangeError('too big', { cause: 'disk full' }) }),
    ],
    ['an error from another realm', runInNewContext('new SyntaxError("from a vm")') as unknown],
    ['an error without a stack', Object.assign(new Error('bare'), { stack: undefined })],
    ['a thrown string', 'boom'],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a plain object', { code: 'E_IO', path: '/tmp/x' }],
  ])('keeps the type, message, stack and cause chain of %s', (_case, thrown) => {
    expect(described(crossed(thrown))).toEqual(described(thrown));
  });

  test('a circular object arrives as its JSON-safe copy, and its message says so', () => {
    expect(described(crossed(circular))).toMatchObject({
      error_type: 'Object',
      error_message: "{ code: 'E_LOOP', self: '[Circular]' }",
    });
  });

  test('an error becomes an error again, with the worker stack as it was', () => {
    const original = new TypeError('not a function');
    const revived = crossed(original) as Error;

    expect(revived).toBeInstanceOf(Error);
    expect([revived.name, revived.message, revived.stack]).toEqual([
      'TypeError',
      'not a function',
      original.stack,
    ]);
  });

  test('an error without a stack says what it was rather than where it was revived', () => {
    const revived = crossed(Object.assign(new Error('bare'), { stack: undefined })) as Error;

    expect(revived.stack).toBe('Error: bare');
  });

  test('encoding never throws, whatever the value holds', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        ownKeys() {
          throw new Error('trap');
        },
      },
    );

    expect(() => JSON.stringify(encodeThrown(hostile))).not.toThrow();
    expect(() => JSON.stringify(encodeThrown(10n))).not.toThrow();
  });
});

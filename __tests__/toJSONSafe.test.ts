import { describe, expect, test } from '@jest/globals';
import vm from 'node:vm';
import { isErrorLike } from '../src/isErrorLike';
import { serializeError, toJSONSafe } from '../src/toJSONSafe';

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

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { bottom: true };
  for (let level = 0; level < depth; level += 1) {
    value = { child: value };
  }
  return value;
}

/** Each level points twice at the one below: 2^levels paths through `levels + 1` objects. */
function sharedTwiceAtEveryLevel(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { bottom: true };
  for (let level = 0; level < levels; level += 1) {
    value = { left: value, right: value };
  }
  return value;
}

class ParseFailure extends Error {}

describe('toJSONSafe', () => {
  const circularObject: Record<string, unknown> = { name: 'loop' };
  circularObject.self = circularObject;
  const circularArray: unknown[] = [1];
  circularArray.push(circularArray);
  const shared = { id: 1 };

  test.each([
    { label: 'a string', value: 'text', copy: 'text' },
    { label: 'a boolean', value: false, copy: false },
    { label: 'null', value: null, copy: null },
    { label: 'undefined', value: undefined, copy: undefined },
    { label: 'a finite number', value: 1.5, copy: 1.5 },
    { label: 'NaN', value: Number.NaN, copy: 'NaN' },
    { label: 'Infinity', value: -Infinity, copy: '-Infinity' },
    { label: 'a BigInt', value: 10n, copy: '10n' },
    { label: 'a symbol', value: Symbol('kind'), copy: 'Symbol(kind)' },
    { label: 'a named function', value: function run() {}, copy: '[Function run]' },
    { label: 'an anonymous function', value: [() => {}][0], copy: '[Function anonymous]' },
    { label: 'a date', value: new Date(0), copy: '1970-01-01T00:00:00.000Z' },
    { label: 'an invalid date', value: new Date(Number.NaN), copy: null },
    {
      label: 'a Map',
      value: new Map<unknown, unknown>([
        ['a', 1],
        [2, 'b'],
      ]),
      copy: { a: 1, '2': 'b' },
    },
    { label: 'a Set', value: new Set([1, 2n]), copy: [1, '2n'] },
    {
      label: 'a Map from another realm',
      value: vm.runInNewContext('new Map([["a", 1]])'),
      copy: { a: 1 },
    },
    { label: 'a Set from another realm', value: vm.runInNewContext('new Set([1])'), copy: [1] },
    { label: 'a Buffer', value: Buffer.from('hi'), copy: { type: 'Buffer', data: [104, 105] } },
    {
      label: 'a circular object',
      value: circularObject,
      copy: { name: 'loop', self: '[Circular]' },
    },
    { label: 'a circular array', value: circularArray, copy: [1, '[Circular]'] },
    {
      label: 'an object shared without a cycle, in full each time',
      value: { first: shared, second: shared },
      copy: { first: { id: 1 }, second: { id: 1 } },
    },
    {
      label: 'a getter that throws',
      value: {
        kept: 1,
        get broken(): never {
          throw new Error('boom');
        },
      },
      copy: { kept: 1, broken: '[Unreadable: boom]' },
    },
    {
      label: 'a getter that throws something without a string form',
      value: {
        get broken(): never {
          throw Object.create(null);
        },
      },
      copy: { broken: '[Unreadable: [Object: null prototype] {}]' },
    },
    {
      label: 'a proxy whose every trap throws',
      value: new Proxy({}, throwingEverywhere()),
      copy: '[Unreadable: trap refused]',
    },
    {
      label: 'a proxy whose ownKeys throws something without a string form',
      value: new Proxy(
        {},
        {
          ownKeys() {
            throw Object.create(null);
          },
        },
      ),
      copy: '[Unreadable: [Object: null prototype] {}]',
    },
    {
      label: 'a toJSON that throws',
      value: {
        toJSON(): never {
          throw new Error('no JSON');
        },
      },
      copy: '[Unreadable: no JSON]',
    },
  ])('copies $label', ({ value, copy }) => {
    expect(toJSONSafe(value)).toEqual(copy);
    expect(() => JSON.stringify(toJSONSafe(value))).not.toThrow();
  });

  test('writes an error inside a value as {name, message, stack, cause}', () => {
    const error = new TypeError('bad', { cause: 'why' });

    expect(toJSONSafe({ error })).toEqual({
      error: { name: 'TypeError', message: 'bad', stack: error.stack, cause: 'why' },
    });
  });

  test('cuts values deeper than 32 levels', () => {
    const copy = JSON.stringify(toJSONSafe(nested(40)));

    expect(copy.match(/child/g)).toHaveLength(32);
    expect(copy).toContain('"child":"[MaxDepth]"');
  });

  test('stops after 50,000 objects rather than writing a shared graph out 2^30 times', () => {
    const copy = JSON.stringify(toJSONSafe(sharedTwiceAtEveryLevel(30)));

    expect(copy).toContain('"[Truncated]"');
    expect(copy.match(/"bottom"/g)?.length).toBeLessThan(50_000);
  });

  test('starts each call with a fresh object budget', () => {
    toJSONSafe(sharedTwiceAtEveryLevel(30));

    expect(toJSONSafe({ small: { value: 1 } })).toEqual({ small: { value: 1 } });
  });

  test('writes an object that contains itself through its own toJSON as circular', () => {
    class Box {
      content: unknown = null;

      toJSON(): unknown {
        return { content: toJSONSafe(this.content) };
      }
    }
    const box = new Box();
    box.content = { box };

    expect(toJSONSafe(box)).toEqual({ content: { box: '[Circular]' } });
    // JSON.stringify calls toJSON itself, from outside: the cycle closes one level later.
    expect(JSON.parse(JSON.stringify(box))).toEqual({
      content: { box: { content: '[Circular]' } },
    });
  });

  test('leaves no state behind after a value that could not be read', () => {
    toJSONSafe(new Proxy({}, throwingEverywhere()));
    const value = { a: 1 };

    expect(toJSONSafe([value, value])).toEqual([{ a: 1 }, { a: 1 }]);
  });
});

describe('serializeError', () => {
  function causeCycle(): Error {
    const outer = new Error('outer');
    outer.cause = new RangeError('inner', { cause: outer });
    return outer;
  }

  function withThrowingStack(): Error {
    const error = new Error('no stack');
    Object.defineProperty(error, 'stack', {
      get() {
        throw new Error('stack refused');
      },
    });
    return error;
  }

  function withUnprintableName(): Error {
    const error = new Error('odd name');
    (error as { name: unknown }).name = {
      toString(): never {
        throw new Error('no string');
      },
    };
    return error;
  }

  test.each([
    {
      label: 'a TypeError',
      make: () => new TypeError('bad input'),
      serialized: {
        name: 'TypeError',
        message: 'bad input',
        stack: expect.any(String),
        cause: null,
      },
    },
    {
      label: 'an error subclass, by its class name',
      make: () => new ParseFailure('unexpected token'),
      serialized: {
        name: 'ParseFailure',
        message: 'unexpected token',
        stack: expect.any(String),
        cause: null,
      },
    },
    {
      label: 'an error with an error as cause',
      make: () => new Error('load failed', { cause: new SyntaxError('bad JSON') }),
      serialized: {
        name: 'Error',
        message: 'load failed',
        stack: expect.any(String),
        cause: { name: 'SyntaxError', message: 'bad JSON', stack: expect.any(String), cause: null },
      },
    },
    {
      label: 'an error with a cause cycle',
      make: causeCycle,
      serialized: {
        name: 'Error',
        message: 'outer',
        stack: expect.any(String),
        cause: {
          name: 'RangeError',
          message: 'inner',
          stack: expect.any(String),
          cause: '[Circular]',
        },
      },
    },
    {
      label: 'an error with an undefined cause',
      make: () => new Error('x', { cause: undefined }),
      serialized: { name: 'Error', message: 'x', stack: expect.any(String), cause: null },
    },
    {
      label: 'an error whose stack getter throws',
      make: withThrowingStack,
      serialized: {
        name: 'Error',
        message: 'no stack',
        stack: '[Unreadable: stack refused]',
        cause: null,
      },
    },
    {
      label: 'an error whose name cannot be turned into a string',
      make: withUnprintableName,
      serialized: { name: 'Error', message: 'odd name', stack: expect.any(String), cause: null },
    },
    {
      label: 'an error from another realm',
      make: () => vm.runInNewContext('new RangeError("from the vm", { cause: 7 })'),
      serialized: {
        name: 'RangeError',
        message: 'from the vm',
        stack: expect.any(String),
        cause: 7,
      },
    },
    {
      label: 'an error sent as plain data',
      make: () => ({ name: 'ValidationError', message: 'bad field' }),
      serialized: { name: 'ValidationError', message: 'bad field', stack: null, cause: null },
    },
    {
      label: 'a serialised error read back from JSON',
      make: () => JSON.parse(JSON.stringify(serializeError('boom'))),
      serialized: { name: 'string', message: 'boom', stack: null, cause: null },
    },
    {
      label: 'a thrown string',
      make: () => 'boom',
      serialized: { name: 'string', message: 'boom', stack: null, cause: null },
    },
    {
      label: 'null',
      make: () => null,
      serialized: { name: 'null', message: 'null', stack: null, cause: null },
    },
    {
      label: 'undefined',
      make: () => undefined,
      serialized: { name: 'undefined', message: 'undefined', stack: null, cause: null },
    },
    {
      label: 'a number',
      make: () => 42,
      serialized: { name: 'number', message: '42', stack: null, cause: null },
    },
    {
      label: 'a plain object',
      make: () => ({ code: 'E_IO' }),
      serialized: { name: 'Object', message: "{ code: 'E_IO' }", stack: null, cause: null },
    },
    {
      label: 'a proxy whose every trap throws',
      make: () => new Proxy({}, throwingEverywhere()),
      serialized: { name: 'Object', message: '{}', stack: null, cause: null },
    },
  ])('serialises $label', ({ make, serialized }) => {
    const json = JSON.parse(JSON.stringify(serializeError(make()))) as Record<string, unknown>;

    expect(Object.keys(json)).toEqual(['name', 'message', 'stack', 'cause']);
    expect(json).toEqual(serialized);
  });

  test('keeps the stack text as it was', () => {
    const error = new Error('x');

    expect(serializeError(error).stack).toBe(error.stack);
  });
});

describe('isErrorLike', () => {
  test.each([
    { label: 'a native error', value: new Error('x'), errorLike: true },
    {
      label: 'an error from another realm',
      value: vm.runInNewContext('new TypeError("x")'),
      errorLike: true,
    },
    {
      label: 'plain data with a name and message',
      value: { name: 'E', message: 'm' },
      errorLike: true,
    },
    {
      label: 'plain data with a stack',
      value: { name: 'E', message: 'm', stack: 'E: m' },
      errorLike: true,
    },
    {
      label: 'plain data with a null stack, as serializeError writes',
      value: { name: 'E', message: 'm', stack: null },
      errorLike: true,
    },
    {
      label: 'plain data with a numeric stack',
      value: { name: 'E', message: 'm', stack: 1 },
      errorLike: false,
    },
    { label: 'an object with only a message', value: { message: 'm' }, errorLike: false },
    { label: 'a string', value: 'E: m', errorLike: false },
    {
      label: 'a proxy whose every trap throws',
      value: new Proxy({}, throwingEverywhere()),
      errorLike: false,
    },
  ])('says whether $label is an error', ({ value, errorLike }) => {
    expect(isErrorLike(value)).toBe(errorLike);
  });
});

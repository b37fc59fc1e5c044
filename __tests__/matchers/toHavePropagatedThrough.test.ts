import { beforeEach, describe, expect, test } from '@jest/globals';
import vm from 'node:vm';
import { createIntegrationMatchers } from '../../matchers';
import { ConfigChangeObserver } from '../../src/ConfigChangeObserver';
import { ErrorPropagation } from '../../src/ErrorPropagation';
import { failureOf } from './failureOf';
import { integrationHandleOf } from './integrationHandleOf';

expect.extend(createIntegrationMatchers());

let errors: ErrorPropagation;
let tokenError: SyntaxError;

/** parser -> loader -> cli.main, the loader wrapping the parser's error in its own. */
function propagateParseFailure(): void {
  tokenError = new SyntaxError('unexpected token }');
  errors.captureCrossModuleError('chunker.parser', 'chunker.loader', tokenError, {
    operation: 'parse',
  });
  const loadError = new Error('cannot load a.ts', { cause: tokenError });
  errors.captureCrossModuleError('chunker.loader', 'cli.main', loadError, { operation: 'load' });
}

beforeEach(() => {
  errors = new ErrorPropagation();
});

describe('toHavePropagatedThrough passes', () => {
  beforeEach(propagateParseFailure);

  test.each([
    ['its whole path', ['chunker.parser', 'chunker.loader', 'cli.main']],
    ['its two ends, skipping the middle', ['chunker.parser', 'cli.main']],
    ['the module it started in', ['chunker.parser']],
    ['the module it ended in', ['cli.main']],
  ])('for an error wrapped on its way, given %s', (_, modules) => {
    expect(errors).toHavePropagatedThrough(modules);
    expect(integrationHandleOf({ errors })).toHavePropagatedThrough(modules);
    expect(failureOf(() => expect(errors).not.toHavePropagatedThrough(modules))).toContain(
      'Expected path: not',
    );
  });

  test('for the same value rethrown across several boundaries', () => {
    const thrown = 'disk full';
    errors.captureCrossModuleError('storage', 'cache.store', thrown);
    errors.captureCrossModuleError('cache.store', 'cli.main', thrown);
    expect(errors).toHavePropagatedThrough(['storage', 'cache.store', 'cli.main']);
  });

  test('for an error from another realm, grouped by identity', () => {
    const crossRealm = vm.runInNewContext('new RangeError("too deep")') as unknown;
    errors.captureCrossModuleError('worker', 'scheduler', crossRealm);
    errors.captureCrossModuleError('scheduler', 'cli.main', crossRealm);
    expect(errors).toHavePropagatedThrough(['worker', 'cli.main']);
  });

  test('counting a module once when an error stays in it', () => {
    errors.captureCrossModuleError('db', 'db', tokenError);
    expect(errors).toHavePropagatedThrough(['chunker.parser', 'chunker.loader', 'cli.main']);
  });
});

describe('toHavePropagatedThrough with .not passes', () => {
  beforeEach(propagateParseFailure);

  test.each([
    ['in another order', ['cli.main', 'chunker.parser']],
    ['through a module it never reached', ['chunker.parser', 'cache.store']],
    ['through modules of two different errors', ['chunker.parser', 'db']],
  ])('for a path %s', (_, modules) => {
    errors.captureCrossModuleError('db', 'cache.store', new Error('connection reset'));
    expect(errors).not.toHavePropagatedThrough(modules);
    expect(failureOf(() => expect(errors).toHavePropagatedThrough(modules))).toContain(
      'Expected path:',
    );
  });

  test('for unrelated errors that merely share a string cause', () => {
    errors.captureCrossModuleError(
      'db',
      'cache.store',
      new Error('read failed', { cause: 'timeout' }),
    );
    errors.captureCrossModuleError(
      'cache.store',
      'api',
      new Error('write failed', { cause: 'timeout' }),
    );
    expect(errors).not.toHavePropagatedThrough(['db', 'cache.store', 'api']);
  });
});

describe('toHavePropagatedThrough fails', () => {
  test('when no error was captured', () => {
    expect(failureOf(() => expect(errors).toHavePropagatedThrough(['chunker.parser'])))
      .toMatchInlineSnapshot(`
     "expect(received).toHavePropagatedThrough(expected)

     Expected path: "chunker.parser"
     Received: no error was captured"
    `);
  });

  test('printing the path of the one captured error', () => {
    propagateParseFailure();
    expect(
      failureOf(() => expect(errors).toHavePropagatedThrough(['chunker.parser', 'cache.store'])),
    ).toMatchInlineSnapshot(`
     "expect(received).toHavePropagatedThrough(expected)

     Expected path: "chunker.parser" → "cache.store"
     Received path: "chunker.parser" → "chunker.loader" → "cli.main"  ([SyntaxError: unexpected token }])"
    `);
  });

  test('printing the path of every captured error', () => {
    propagateParseFailure();
    errors.captureCrossModuleError('db', 'cache.store', 'connection reset');
    expect(failureOf(() => expect(errors).toHavePropagatedThrough(['cli.main', 'chunker.parser'])))
      .toMatchInlineSnapshot(`
     "expect(received).toHavePropagatedThrough(expected)

     Expected path: "cli.main" → "chunker.parser"
     Received paths of 2 errors:
       "chunker.parser" → "chunker.loader" → "cli.main"  ([SyntaxError: unexpected token }])
       "db" → "cache.store"  ("connection reset")"
    `);
  });

  test('with .not, printing the errors that went that way', () => {
    propagateParseFailure();
    expect(
      failureOf(() => expect(errors).not.toHavePropagatedThrough(['chunker.parser', 'cli.main'])),
    ).toMatchInlineSnapshot(`
     "expect(received).not.toHavePropagatedThrough(expected)

     Expected path: not "chunker.parser" → "cli.main"
     Received path:     "chunker.parser" → "chunker.loader" → "cli.main"  ([SyntaxError: unexpected token }])"
    `);
  });
});

describe('toHavePropagatedThrough used wrongly throws a matcher error', () => {
  test('for a receiver that is not ours, naming it', () => {
    expect(
      failureOf(() => expect(new ConfigChangeObserver()).toHavePropagatedThrough(['cli.main'])),
    ).toMatchInlineSnapshot(`
     "expect(received).toHavePropagatedThrough(expected)

     Matcher error: received value must be \`integration\` or an ErrorPropagation, not a ConfigChangeObserver

     Received has type:  object
     Received has value: {}"
    `);
  });

  test.each([
    ['a string', 'chunker.parser'],
    ['an empty array', []],
    ['an empty module name', ['chunker.parser', '']],
    ['a non-string module', ['chunker.parser', 7]],
  ])('for modules given as %s', (_, modules) => {
    expect(failureOf(() => expect(errors).toHavePropagatedThrough(modules as string[]))).toContain(
      'Matcher error: expected value must be a non-empty array of module names',
    );
  });

  test('naming the modules it got', () => {
    expect(failureOf(() => expect(errors).toHavePropagatedThrough([]))).toMatchInlineSnapshot(`
     "expect(received).toHavePropagatedThrough(expected)

     Matcher error: expected value must be a non-empty array of module names

     Expected has type:  array
     Expected has value: []"
    `);
  });
});

describe('toHavePropagatedThrough as an asymmetric matcher', () => {
  test('matches a propagation log inside another value', () => {
    propagateParseFailure();
    expect({ errors }).toEqual({
      errors: expect.toHavePropagatedThrough(['chunker.parser', 'cli.main']),
    });
    expect({ errors }).toEqual({ errors: expect.not.toHavePropagatedThrough(['db']) });
  });
});

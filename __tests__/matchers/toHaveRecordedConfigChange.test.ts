import { beforeEach, describe, expect, test } from '@jest/globals';
import { createIntegrationMatchers } from '../../matchers';
import type { ExpectedConfigChange } from '../../matchers';
import { ConfigChangeObserver } from '../../src/ConfigChangeObserver';
import { ResourceTracker } from '../../src/ResourceTracker';
import { asyncFailureOf, failureOf } from './failureOf';
import { integrationHandleOf } from './integrationHandleOf';

expect.extend(createIntegrationMatchers());

let config: ConfigChangeObserver;

beforeEach(() => {
  config = new ConfigChangeObserver({
    configMap: { parser: ['chunker.parser', 'cli.main'], 'env.CACHE_DIR': 'cache.store' },
    unmappedConfig: 'none',
  });
  config.onConfigChange('parser.timeout_ms', 100, 250);
  config.onConfigChange('env.CACHE_DIR', undefined, '/tmp/cache');
});

describe('toHaveRecordedConfigChange passes', () => {
  test.each<[string, string, ExpectedConfigChange | undefined]>([
    ['any change at the path', 'parser.timeout_ms', undefined],
    ['the old value', 'parser.timeout_ms', { from: 100 }],
    ['the old and new values', 'parser.timeout_ms', { from: 100, to: 250 }],
    ['an asymmetric matcher for the new value', 'parser.timeout_ms', { to: expect.any(Number) }],
    ['some of the affected modules', 'parser.timeout_ms', { affecting: ['cli.main'] }],
    [
      'all of the affected modules',
      'parser.timeout_ms',
      { affecting: ['cli.main', 'chunker.parser'] },
    ],
    ['an added key, from: undefined', 'env.CACHE_DIR', { from: undefined, to: '/tmp/cache' }],
    ['nothing in particular, {}', 'env.CACHE_DIR', {}],
  ])('for a recorded change matching %s', (_, path, expected) => {
    expect(config).toHaveRecordedConfigChange(path, expected);
    expect(integrationHandleOf({ config })).toHaveRecordedConfigChange(path, expected);
    expect(
      failureOf(() => expect(config).not.toHaveRecordedConfigChange(path, expected)),
    ).toContain('Expected: no change at');
  });

  test('when any of several changes at the path matches', () => {
    config.onConfigChange('parser.timeout_ms', 250, 500);
    expect(config).toHaveRecordedConfigChange('parser.timeout_ms', { from: 250, to: 500 });
  });

  test('comparing object values by equality, not identity', () => {
    config.onConfigChange('parser.limits', { depth: 3 }, { depth: 4, width: [1, 2] });
    expect(config).toHaveRecordedConfigChange('parser.limits', { to: { depth: 4, width: [1, 2] } });
  });
});

describe('toHaveRecordedConfigChange fails', () => {
  test('when no change was recorded at all', () => {
    expect(
      failureOf(() =>
        expect(new ConfigChangeObserver()).toHaveRecordedConfigChange('parser.timeout_ms'),
      ),
    ).toMatchInlineSnapshot(`
     "expect(received).toHaveRecordedConfigChange(path)

     Expected: a change at "parser.timeout_ms"
     Received: no configuration change was recorded"
    `);
  });

  test('when no change was recorded at the path, naming the paths that changed', () => {
    expect(failureOf(() => expect(config).toHaveRecordedConfigChange('parser.retries')))
      .toMatchInlineSnapshot(`
     "expect(received).toHaveRecordedConfigChange(path)

     Expected: a change at "parser.retries"
     Received: none; changes were recorded at "parser.timeout_ms", "env.CACHE_DIR""
    `);
  });

  test('when the path is only a prefix of a changed path', () => {
    expect(failureOf(() => expect(config).toHaveRecordedConfigChange('parser'))).toContain(
      'Received: none; changes were recorded at "parser.timeout_ms", "env.CACHE_DIR"',
    );
  });

  test('when the one change at the path has another value, with a diff', () => {
    expect(
      failureOf(() =>
        expect(config).toHaveRecordedConfigChange('parser.timeout_ms', { from: 100, to: 300 }),
      ),
    ).toMatchInlineSnapshot(`
     "expect(received).toHaveRecordedConfigChange(path, expected)

     Expected: a change at "parser.timeout_ms" matching {"from": 100, "to": 300}
     Received: 100 → 250, affecting ["chunker.parser", "cli.main"]

     - Expected  - 1
     + Received  + 1

       Object {
         "from": 100,
     -   "to": 300,
     +   "to": 250,
       }"
    `);
  });

  test('when the change does not affect an expected module', () => {
    expect(
      failureOf(() =>
        expect(integrationHandleOf({ config })).toHaveRecordedConfigChange('parser.timeout_ms', {
          affecting: ['chunker.parser', 'cache.store'],
        }),
      ),
    ).toMatchInlineSnapshot(`
     "expect(received).toHaveRecordedConfigChange(path, expected)

     Expected: a change at "parser.timeout_ms" matching {"affecting": ["chunker.parser", "cache.store"]}
     Received: 100 → 250, affecting ["chunker.parser", "cli.main"]

     - Expected  - 1
     + Received  + 1

       Object {
         "affecting": Array [
           "chunker.parser",
     -     "cache.store",
     +     "cli.main",
         ],
       }"
    `);
  });

  test('when none of several changes at the path matches, listing each', () => {
    config.onConfigChange('parser.timeout_ms', 250, 500);
    expect(
      failureOf(() => expect(config).toHaveRecordedConfigChange('parser.timeout_ms', { to: 1000 })),
    ).toMatchInlineSnapshot(`
     "expect(received).toHaveRecordedConfigChange(path, expected)

     Expected: a change at "parser.timeout_ms" matching {"to": 1000}
     Received: 2 changes at this path, none matching
       100 → 250, affecting ["chunker.parser", "cli.main"]
       250 → 500, affecting ["chunker.parser", "cli.main"]"
    `);
  });

  test('with .not when a change at the path was recorded', () => {
    expect(
      failureOf(() =>
        expect(config).not.toHaveRecordedConfigChange('parser.timeout_ms', { to: 250 }),
      ),
    ).toMatchInlineSnapshot(`
     "expect(received).not.toHaveRecordedConfigChange(path, expected)

     Expected: no change at "parser.timeout_ms" matching {"to": 250}
     Received: 100 → 250, affecting ["chunker.parser", "cli.main"]"
    `);
  });

  test('with .not, listing every matching change', () => {
    config.onConfigChange('parser.timeout_ms', 250, 500);
    expect(failureOf(() => expect(config).not.toHaveRecordedConfigChange('parser.timeout_ms')))
      .toMatchInlineSnapshot(`
     "expect(received).not.toHaveRecordedConfigChange(path)

     Expected: no change at "parser.timeout_ms"
     Received: 100 → 250, affecting ["chunker.parser", "cli.main"]
               250 → 500, affecting ["chunker.parser", "cli.main"]"
    `);
  });
});

describe('toHaveRecordedConfigChange with .not passes', () => {
  test.each<[string, string, ExpectedConfigChange | undefined]>([
    ['no change at the path', 'parser.retries', undefined],
    ['another old value', 'parser.timeout_ms', { from: 99 }],
    ['another new value', 'parser.timeout_ms', { to: '250' }],
    ['a module it does not affect', 'parser.timeout_ms', { affecting: ['cache.store'] }],
    ['a key that was not added', 'parser.timeout_ms', { from: undefined }],
  ])('for %s', (_, path, expected) => {
    expect(config).not.toHaveRecordedConfigChange(path, expected);
    expect(failureOf(() => expect(config).toHaveRecordedConfigChange(path, expected))).toContain(
      'Expected: a change at',
    );
  });
});

describe('toHaveRecordedConfigChange used wrongly throws a matcher error', () => {
  test.each([
    ['a plain object', {}],
    ['a ResourceTracker', new ResourceTracker()],
    ['undefined', undefined],
  ])('for a receiver that is %s', (_, received) => {
    expect(
      failureOf(() => expect(received).toHaveRecordedConfigChange('parser.timeout_ms')),
    ).toContain('Matcher error: received value must be `integration` or a ConfigChangeObserver');
  });

  test('naming the receiver it got', () => {
    expect(failureOf(() => expect({ config }).toHaveRecordedConfigChange('parser.timeout_ms')))
      .toMatchInlineSnapshot(`
     "expect(received).toHaveRecordedConfigChange(path)

     Matcher error: received value must be \`integration\` or a ConfigChangeObserver

     Received has type:  object
     Received has value: {"config": {}}"
    `);
  });

  test('for an empty path', () => {
    expect(failureOf(() => expect(config).toHaveRecordedConfigChange(''))).toMatchInlineSnapshot(`
     "expect(received).toHaveRecordedConfigChange(path)

     Matcher error: expected path must be a non-empty config path

     Expected has type:  string
     Expected has value: """
    `);
  });

  test('for a path that is not a string', () => {
    expect(
      failureOf(() => expect(config).toHaveRecordedConfigChange(['parser'] as unknown as string)),
    ).toMatchInlineSnapshot(`
     "expect(received).toHaveRecordedConfigChange(path)

     Matcher error: expected path must be a non-empty config path

     Expected has type:  array
     Expected has value: ["parser"]"
    `);
  });

  test.each([
    ['an unknown key', { form: 100 }],
    ['`affecting` as a string', { affecting: 'cli.main' }],
    ['`affecting` with an empty name', { affecting: [''] }],
    ['an array', [100, 250]],
    ['null', null],
  ])('for options with %s', (_, expected) => {
    expect(
      failureOf(() =>
        expect(config).toHaveRecordedConfigChange(
          'parser.timeout_ms',
          expected as ExpectedConfigChange,
        ),
      ),
    ).toContain('Matcher error: expected value must be undefined or an object with only');
  });

  test('naming the options it got', () => {
    expect(
      failureOf(() =>
        expect(config).toHaveRecordedConfigChange('parser.timeout_ms', {
          form: 100,
        } as ExpectedConfigChange),
      ),
    ).toMatchInlineSnapshot(`
     "expect(received).toHaveRecordedConfigChange(path, expected)

     Matcher error: expected value must be undefined or an object with only \`from\`, \`to\` and \`affecting\` (an array of module names)

     Expected has type:  object
     Expected has value: {"form": 100}"
    `);
  });
});

describe('toHaveRecordedConfigChange as an asymmetric matcher', () => {
  test('matches an observer inside another value', () => {
    expect({ name: 'parser', config }).toEqual({
      name: 'parser',
      config: expect.toHaveRecordedConfigChange('parser.timeout_ms', { to: 250 }),
    });
    expect({ config }).toEqual(
      expect.objectContaining({ config: expect.not.toHaveRecordedConfigChange('parser.retries') }),
    );
  });

  test('does not match an observer without the change', () => {
    expect({ config }).not.toEqual({ config: expect.toHaveRecordedConfigChange('parser.retries') });
  });
});

describe('toHaveRecordedConfigChange after .resolves', () => {
  test('names the modifier in its message', async () => {
    const message = await asyncFailureOf(() =>
      expect(Promise.resolve(config)).resolves.toHaveRecordedConfigChange('parser.retries'),
    );
    expect(message.split('\n')[0]).toBe(
      'expect(received).resolves.toHaveRecordedConfigChange(path)',
    );
  });
});

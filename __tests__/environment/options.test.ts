import { describe, expect, test } from '@jest/globals';
import {
  defaultOptions,
  readDocblockOptions,
  resolveOptions,
  validateOptions,
} from '../../environment/options';
import type { OptionsSource } from '../../environment/options';
import { IntegrationError } from '../../src/IntegrationError';

function refusal(options: unknown, source: OptionsSource = 'testEnvironmentOptions.integration') {
  try {
    validateOptions(options, source);
  } catch (error) {
    if (IntegrationError.is(error)) {
      return { code: error.code, message: error.message };
    }
    throw error;
  }
  throw new Error('expected the options to be refused');
}

describe('resolveOptions', () => {
  test('gives the documented defaults when nothing is configured', () => {
    expect(resolveOptions(undefined)).toEqual({
      leaks: 'fail',
      autoTrack: true,
      modules: {},
      configMap: {},
      unmappedConfig: 'all',
      ignore: [],
      closeLeaked: true,
    });
  });

  test("layers the file's options over the project's, merging maps key by key", () => {
    const resolved = resolveOptions(
      {
        leaks: 'warn',
        configMap: { 'parser.*': 'chunker.parser', 'cache.*': 'cache' },
        modules: { 'src/a/**': 'a' },
      },
      { leaks: 'off', configMap: { 'cache.*': 'cache.store' }, closeLeaked: false },
    );

    expect(resolved).toMatchObject({
      leaks: 'off',
      closeLeaked: false,
      configMap: { 'parser.*': 'chunker.parser', 'cache.*': 'cache.store' },
      modules: { 'src/a/**': 'a' },
    });
  });

  test('never shares the defaults between calls', () => {
    resolveOptions({ configMap: { a: 'b' } });

    expect(defaultOptions().configMap).toEqual({});
    expect(resolveOptions(undefined).configMap).toEqual({});
  });

  test.each([
    ['every leaks mode', { leaks: 'warn' }],
    ['autoTrack as a list of kinds', { autoTrack: ['timer', 'tcp-server'] }],
    ['autoTrack with an unref policy', { autoTrack: { kinds: ['timer'], unref: 'report' } }],
    [
      'ignore rules of every form',
      { ignore: ['timer', { module: 'vendor.*' }, { stack: /pg-pool/ }] },
    ],
    ['configMap values as one module or many', { configMap: { a: 'x', b: ['x', 'y'] } }],
    ['null, as no options', null],
  ])('accepts %s', (_case, options) => {
    expect(() => resolveOptions(options)).not.toThrow();
  });
});

describe('validateOptions refuses, naming the option, the value and what is accepted,', () => {
  test.each([
    ['a non-object', 'warn'],
    ['an unknown option, suggesting the closest', { leak: 'warn' }],
    ['an unknown option unlike any', { colour: true }],
    ['an unknown leaks mode', { leaks: 'sometimes' }],
    ['a non-boolean closeLeaked', { closeLeaked: 'yes' }],
    ['an unknown unmappedConfig', { unmappedConfig: 'some' }],
    ['modules that are not an object', { modules: ['src/**'] }],
    ['a module name that is not a string', { modules: { 'src/**': 42 } }],
    ['a configMap value that is not a module list', { configMap: { 'parser.*': [1] } }],
    ['ignore that is not an array', { ignore: 'timer' }],
    ['an ignore rule with an unknown key', { ignore: [{ owner: 'cache' }] }],
    ['an empty ignore rule', { ignore: [{}] }],
    ['an ignore pattern that is not a string', { ignore: [{ type: 7 }] }],
    ['an unknown autoTrack kind', { autoTrack: ['timer', 'telepathy'] }],
  ])('%s', (_case, options) => {
    expect(refusal(options)).toMatchSnapshot();
  });

  test('and names the docblock when the bad value came from there', () => {
    expect(refusal({ autoTrack: 'yes' }, '@jest-environment-options').message).toMatch(
      /^@jest-environment-options: `autoTrack` must be/,
    );
    expect(refusal({ leaks: 1 }, '@jest-environment-options').message).toMatchInlineSnapshot(
      `"@jest-environment-options: option \`leaks\` must be 'fail', 'warn' or 'off', but received number 1."`,
    );
  });
});

describe('readDocblockOptions', () => {
  test.each([
    [
      'the integration key of the JSON',
      { 'jest-environment-options': '{"integration":{"leaks":"off"}}' },
      { leaks: 'off' },
    ],
    ['nothing without the pragma', {}, undefined],
    [
      'nothing without an integration key',
      { 'jest-environment-options': '{"url":"x"}' },
      undefined,
    ],
    ['nothing for JSON that is not an object', { 'jest-environment-options': '[1]' }, undefined],
    ['nothing for a repeated pragma', { 'jest-environment-options': ['{}', '{}'] }, undefined],
    ['nothing without pragmas at all', undefined, undefined],
  ])('reads %s', (_case, pragmas, expected) => {
    expect(readDocblockOptions(pragmas)).toEqual(expected);
  });
});

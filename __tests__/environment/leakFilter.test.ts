import { describe, expect, test } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import { compileIgnoreRules, compileLeakFilter } from '../../environment/leakFilter';
import { IntegrationError } from '../../src/IntegrationError';
import type { ResourceRecord } from '../../src/records';

function record(type: string, owner: string, id: string, stack?: string): ResourceRecord {
  return {
    resource_id: id,
    resource_type: type,
    owner_module: owner,
    created_at: 1,
    state: 'active',
    metadata: stack === undefined ? {} : { stack },
  };
}

const timer = record('timer', 'metrics.flush', 'timer:1');
const server = record('tcp-server', 'api.server', 'server:127.0.0.1:8080');
const deepModule = record('socket', 'cache.store.lru', 'socket:1');

describe('compileLeakFilter', () => {
  test.each([
    ['no filter allows every leak', undefined, [timer, server], []],
    ['a type', { type: 'timer' }, [timer], [server]],
    ['a type glob', { type: 'tcp-*' }, [server], [timer]],
    ['a module and its submodules by name', { module: 'cache' }, [deepModule], [timer]],
    ['a module glob one level down', { module: 'cache.*' }, [], [deepModule]],
    ['a module glob at any depth', { module: 'cache.**' }, [deepModule], [server]],
    ['an id glob across dots and colons', { id: 'server:*' }, [server], [timer]],
    ['a RegExp', { module: /^api\./ }, [server], [timer]],
    [
      'a RegExp from another realm',
      { type: runInNewContext('/^timer$/') as RegExp },
      [timer],
      [server],
    ],
    ['every given field', { type: 'timer', module: 'api.*' }, [], [timer, server]],
    [
      'a predicate',
      (candidate: ResourceRecord) => candidate.resource_id.endsWith(':1'),
      [timer],
      [server],
    ],
  ])('allows by %s', (_case, filter, allowed, refused) => {
    const allows = compileLeakFilter(filter);

    for (const candidate of allowed) {
      expect(allows(candidate)).toBe(true);
    }
    for (const candidate of refused) {
      expect(allows(candidate)).toBe(false);
    }
  });

  test('counts only a predicate that returns true as allowing', () => {
    expect(compileLeakFilter(() => 'yes')(timer)).toBe(false);
  });

  test.each([
    ['a number', 42],
    ['an array', ['timer']],
    ['an unknown key', { owner: 'cache' }],
    ['an empty pattern', { type: '' }],
    ['a pattern that is neither string nor RegExp', { id: 7 }],
  ])('refuses %s with a message that says what to pass', (_case, filter) => {
    let refusal: unknown;
    try {
      compileLeakFilter(filter);
    } catch (error) {
      refusal = error;
    }

    expect(IntegrationError.is(refusal) && refusal.code).toBe('INVALID_ARGUMENT');
    expect((refusal as Error).message).toMatchSnapshot();
  });
});

describe('compileIgnoreRules', () => {
  const fromPg = record(
    'socket',
    'db',
    'socket:2',
    'Error\n    at connect (/repo/node_modules/pg/lib/client.js:1:1)',
  );

  test.each([
    ['a bare type', ['timer'], [timer], [server, fromPg]],
    ['a module glob', [{ module: 'api.**' }], [server], [timer]],
    ['a stack substring', [{ stack: 'node_modules/pg/' }], [fromPg], [timer]],
    ['a stack RegExp', [{ stack: /pg\/lib/ }], [fromPg], [server]],
    ['all fields of one rule', [{ type: 'socket', module: 'db' }], [fromPg], [deepModule]],
    ['any rule', ['timer', { type: 'tcp-server' }], [timer, server], [fromPg]],
    ['nothing when there are no rules', [], [], [timer, server, fromPg]],
  ])('ignores by %s', (_case, rules, ignored, reported) => {
    const isIgnored = compileIgnoreRules(rules);

    for (const candidate of ignored) {
      expect(isIgnored(candidate)).toBe(true);
    }
    for (const candidate of reported) {
      expect(isIgnored(candidate)).toBe(false);
    }
  });

  test('reads creation stacks from where it is told', () => {
    const isIgnored = compileIgnoreRules(
      [{ stack: 'vendor/sdk' }],
      () => 'at /repo/vendor/sdk/a.js:1:1',
    );

    expect(isIgnored(timer)).toBe(true);
  });
});

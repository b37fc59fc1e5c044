import { afterEach, describe, expect, test } from '@jest/globals';
import { integration } from '../../entry/globals';
import { IntegrationLifecycle } from '../../environment/IntegrationLifecycle';
import { resolveOptions } from '../../environment/options';
import { BRAND, STATE_KEY, brandOf } from '../../src/brand';
import { IntegrationError } from '../../src/IntegrationError';

const realm = globalThis as { [STATE_KEY]?: unknown };

function publishedLifecycle(): IntegrationLifecycle {
  const lifecycle = new IntegrationLifecycle({
    options: resolveOptions(undefined),
    rootDir: __dirname,
    testPath: 'globals.test.ts',
    realmProcess: undefined,
    warn: () => {},
  });
  realm[STATE_KEY] = lifecycle.handle;
  return lifecycle;
}

afterEach(() => {
  delete realm[STATE_KEY];
});

describe('integration from jest-environment-integration/globals', () => {
  test('is branded, so the matchers accept it', () => {
    expect(brandOf(integration)).toBe('IntegrationHandle');
    expect(Object.isFrozen(integration)).toBe(true);
  });

  test('reads the handle the environment published at the time of each access', () => {
    const first = publishedLifecycle();
    const firstScope = first.start('test', 'first');
    expect(integration.resources).toBe(firstScope.resources);

    const second = publishedLifecycle();
    const secondScope = second.start('test', 'second');
    expect(integration.resources).toBe(secondScope.resources);
    expect(integration.config).toBe(secondScope.config);
    expect(integration.errors).toBe(secondScope.errors);
  });

  test('passes allowLeaks on to the current scope', () => {
    const scope = publishedLifecycle().start('test', 'allows');

    integration.allowLeaks({ type: 'timer' });

    expect(scope.allowed).toHaveLength(1);
  });

  test.each([
    ['nothing was published', undefined],
    ['what was published is not a handle', { resources: {} }],
    ['what was published has another brand', { [BRAND]: 'ResourceTracker' }],
  ])('explains how to set the environment up when %s', (_case, published) => {
    realm[STATE_KEY] = published;
    let refusal: unknown;
    try {
      void integration.resources;
    } catch (error) {
      refusal = error;
    }

    expect(IntegrationError.is(refusal) && refusal.code).toBe('INVALID_STATE');
    expect((refusal as Error).message).toMatchInlineSnapshot(
      `"integration.resources: this test does not run in jest-environment-integration, so there is no per-test state to read. Set \`testEnvironment: 'integration'\` in the Jest config (or \`@jest-environment integration\` in this file's docblock); with another environment, wrap it with withIntegration(Environment)."`,
    );
  });

  test('names the member that was used in the explanation', () => {
    expect(() => integration.allowLeaks()).toThrow(
      /^integration\.allowLeaks\(filter\): this test does not run/,
    );
  });
});

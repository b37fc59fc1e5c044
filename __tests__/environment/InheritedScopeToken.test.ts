import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { InheritedScopeToken } from '../../environment/InheritedScopeToken';
import { SCOPE_ENV_KEY } from '../../src/worker/workerProtocol';

/** A stand-in for Jest's `process`: `env` a plain, writable property, as Node makes it. */
function fakeProcess(env: Record<string, string> = { PATH: '/usr/bin' }): { env: unknown } {
  return { env };
}

const envOf = (owner: { env: unknown }): Record<string, string | undefined> =>
  owner.env as Record<string, string | undefined>;

describe('InheritedScopeToken', () => {
  test('shows the token to everything that reads or copies process.env, without writing it', () => {
    const real: Record<string, string> = { PATH: '/usr/bin' };
    const owner = fakeProcess(real);
    const inherited = InheritedScopeToken.install(owner);

    inherited.point('1.7', { real: false });

    expect(envOf(owner)[SCOPE_ENV_KEY]).toBe('1.7');
    expect(SCOPE_ENV_KEY in envOf(owner)).toBe(true);
    expect(Object.keys(envOf(owner))).toEqual(['PATH', SCOPE_ENV_KEY]);
    expect({ ...envOf(owner) }).toEqual({ PATH: '/usr/bin', [SCOPE_ENV_KEY]: '1.7' });
    expect(real).toEqual({ PATH: '/usr/bin' });
  });

  test('a child started with that env inherits the token', () => {
    const owner = fakeProcess({ ...(process.env as Record<string, string>) });
    const inherited = InheritedScopeToken.install(owner);
    inherited.point('3.14', { real: false });

    const seen = execFileSync(
      process.execPath,
      ['-e', `process.stdout.write(process.env.${SCOPE_ENV_KEY} ?? 'none')`],
      { env: owner.env as NodeJS.ProcessEnv, encoding: 'utf8' },
    );

    expect(seen).toBe('3.14');
  });

  test('writes the real variable too when asked, for what copies the real env (threads)', () => {
    const real: Record<string, string> = {};
    const owner = fakeProcess(real);
    const inherited = InheritedScopeToken.install(owner);

    inherited.point('1.1', { real: true });
    inherited.point('1.2', { real: false });

    expect(real[SCOPE_ENV_KEY]).toBe('1.1');
    expect(envOf(owner)[SCOPE_ENV_KEY]).toBe('1.2');
  });

  test('a token given as a function is asked for only when the variable is read', () => {
    const real: Record<string, string> = { PATH: '/usr/bin' };
    const owner = fakeProcess(real);
    const inherited = InheritedScopeToken.install(owner);
    const asked: string[] = [];
    let innermost = '7.1';

    inherited.point(() => (asked.push(innermost), innermost), { real: false });
    const unrelated = envOf(owner)['PATH'];
    innermost = '7.2';

    expect(unrelated).toBe('/usr/bin');
    expect(asked).toEqual([]);
    expect(envOf(owner)[SCOPE_ENV_KEY]).toBe('7.2');
    expect({ ...envOf(owner) }).toEqual({ PATH: '/usr/bin', [SCOPE_ENV_KEY]: '7.2' });
    expect(asked.length).toBeGreaterThan(0);
    expect(real).toEqual({ PATH: '/usr/bin' });
  });

  test('a function without a token, or one that throws, shows the real variable', () => {
    const real: Record<string, string> = { [SCOPE_ENV_KEY]: 'outer' };
    const owner = fakeProcess(real);
    const inherited = InheritedScopeToken.install(owner);

    inherited.point(() => undefined, { real: false });
    const withoutToken = { value: envOf(owner)[SCOPE_ENV_KEY], keys: Object.keys(envOf(owner)) };
    inherited.point(
      () => {
        throw new Error('no scope');
      },
      { real: false },
    );

    expect(withoutToken).toEqual({ value: 'outer', keys: [SCOPE_ENV_KEY] });
    expect(envOf(owner)[SCOPE_ENV_KEY]).toBe('outer');
  });

  test('a function is asked at once when its token is written for real', () => {
    const real: Record<string, string> = {};
    const owner = fakeProcess(real);
    const inherited = InheritedScopeToken.install(owner);

    inherited.point(() => '8.1', { real: true });

    expect(real[SCOPE_ENV_KEY]).toBe('8.1');
  });

  test('restore puts back what a snapshot found, shown and real', () => {
    const real: Record<string, string> = { [SCOPE_ENV_KEY]: 'outer' };
    const owner = fakeProcess(real);
    const inherited = InheritedScopeToken.install(owner);
    const before = inherited.snapshot();

    inherited.point('2.1', { real: true });
    inherited.point('2.2', { real: false });
    inherited.restore(before);

    expect(before).toEqual({ shown: undefined, real: 'outer' });
    expect(real[SCOPE_ENV_KEY]).toBe('outer');
    expect(envOf(owner)[SCOPE_ENV_KEY]).toBe('outer');
  });

  test('two copies of the package in one process share one view', () => {
    const owner = fakeProcess();
    const first = InheritedScopeToken.install(owner);
    const view = owner.env;
    const second = InheritedScopeToken.install(owner);

    first.point('9.1', { real: false });
    second.point('9.2', { real: false });
    first.restore({ shown: undefined, real: undefined });

    expect(owner.env).toBe(view);
    expect(envOf(owner)[SCOPE_ENV_KEY]).toBeUndefined();
  });

  test('every other variable reads and writes through; a write of the token shows until the next point', () => {
    const real: Record<string, string> = { HOME: '/root' };
    const owner = fakeProcess(real);
    const inherited = InheritedScopeToken.install(owner);
    inherited.point('1.3', { real: false });

    envOf(owner)['MODE'] = 'fast';
    delete envOf(owner)['HOME'];
    envOf(owner)[SCOPE_ENV_KEY] = 'set by the test';

    expect(real).toEqual({ MODE: 'fast', [SCOPE_ENV_KEY]: 'set by the test' });
    expect(envOf(owner)[SCOPE_ENV_KEY]).toBe('set by the test');
    inherited.point('1.4', { real: false });
    expect(envOf(owner)[SCOPE_ENV_KEY]).toBe('1.4');
  });

  test('an env replaced by someone else gets the token written for real', () => {
    const owner = fakeProcess();
    const inherited = InheritedScopeToken.install(owner);
    const replacement: Record<string, string> = {};
    owner.env = replacement;

    inherited.point('4.2', { real: false });

    expect(replacement[SCOPE_ENV_KEY]).toBe('4.2');
  });

  test('an env defined by an accessor (a test realm, a spy) is left in place and written for real', () => {
    const real: Record<string, string> = {};
    const owner = {} as { env: unknown };
    Object.defineProperty(owner, 'env', { get: () => real, configurable: true });
    const inherited = InheritedScopeToken.install(owner);

    inherited.point('5.1', { real: false });

    expect(owner.env).toBe(real);
    expect(real[SCOPE_ENV_KEY]).toBe('5.1');
  });

  test('an owner without an env object is no error', () => {
    const inherited = InheritedScopeToken.install({ env: undefined });

    expect(() => inherited.point('6.1', { real: true })).not.toThrow();
    expect(() => inherited.restore(inherited.snapshot())).not.toThrow();
  });
});

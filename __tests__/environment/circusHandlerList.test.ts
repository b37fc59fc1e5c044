import { describe, expect, test } from '@jest/globals';
import { findEnvironmentHandler, joinNextHandler } from '../../environment/circusHandlerList';
import type { CircusHandler } from '../../environment/circusHandlerList';
import type { CircusEvent, CircusState } from '../../environment/circusEvents';

const EVENT_HANDLERS = Symbol.for('EVENT_HANDLERS');

/** Circus's own dispatch loop: every handler, in list order, each awaited. */
async function dispatch(realmGlobal: Record<symbol, unknown>, name: string): Promise<void> {
  const state: CircusState = { unhandledErrors: [] };
  for (const handler of realmGlobal[EVENT_HANDLERS] as CircusHandler[]) {
    await handler({ name }, state);
  }
}

/**
 * A realm whose circus registered `before`, then the environment's handler (bound, as
 * circus binds it), then `after`; every call is logged as `handler:event`.
 */
function realmWithHandlers(environmentResult: (event: CircusEvent) => Promise<void> | undefined) {
  const calls: string[] = [];
  const logging = (label: string): CircusHandler => {
    return (event) => {
      calls.push(`${label}:${event.name}`);
    };
  };
  const environment = {
    handleTestEvent(event: CircusEvent): Promise<void> | undefined {
      calls.push(`environment:${event.name}`);
      return environmentResult(event);
    },
  };
  const bound = environment.handleTestEvent.bind(environment) as CircusHandler;
  const handlers: unknown[] = [logging('circus'), bound];
  const realmGlobal: Record<symbol, unknown> = { [EVENT_HANDLERS]: handlers };
  return { calls, handlers, realmGlobal, bound, logging };
}

describe('findEnvironmentHandler', () => {
  test("finds circus's entry for the environment's handler, registered last", () => {
    const { realmGlobal, bound } = realmWithHandlers(() => undefined);

    expect(findEnvironmentHandler(realmGlobal)).toBe(bound);
  });

  test.each([
    ['no realm', undefined],
    ['no handler list (Jest 29)', {}],
    ['a list that is not an array', { [EVENT_HANDLERS]: { length: 1 } }],
    ['an empty list', { [EVENT_HANDLERS]: [] }],
    ['a last entry that is not the bound handleTestEvent', { [EVENT_HANDLERS]: [() => {}] }],
    ['a last entry that is not a function', { [EVENT_HANDLERS]: ['bound handleTestEvent'] }],
  ])('finds nothing in %s', (_label, realmGlobal) => {
    expect(findEnvironmentHandler(realmGlobal)).toBeUndefined();
  });
});

describe('joinNextHandler', () => {
  test('keeps every handler seeing every event, in order, with one entry fewer', async () => {
    const { calls, handlers, realmGlobal, bound, logging } = realmWithHandlers((event) =>
      event.name === 'run_start' ? joinFromHere() : undefined,
    );
    handlers.push(logging('snapshot'), logging('reporter'));
    // What the environment does at run_start: join, then run the taken-over handler itself.
    function joinFromHere(): undefined {
      const next = joinNextHandler(realmGlobal, bound);
      next?.({ name: 'run_start' }, { unhandledErrors: [] });
      return undefined;
    }

    await dispatch(realmGlobal, 'setup');
    await dispatch(realmGlobal, 'run_start');
    await dispatch(realmGlobal, 'test_done');

    expect(calls).toEqual([
      ...['circus', 'environment', 'snapshot', 'reporter'].map((name) => `${name}:setup`),
      ...['circus', 'environment', 'snapshot', 'reporter'].map((name) => `${name}:run_start`),
      ...['circus', 'environment', 'snapshot', 'reporter'].map((name) => `${name}:test_done`),
    ]);
    expect(handlers).toHaveLength(3);
    expect(handlers).not.toContain(bound);
  });

  test('runs the handler taken over only once the environment promise settles', async () => {
    let settle = (): void => {};
    const pending = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const { calls, handlers, realmGlobal, bound, logging } = realmWithHandlers((event) =>
      event.name === 'test_done' ? pending : undefined,
    );
    handlers.push(logging('snapshot'));
    joinNextHandler(realmGlobal, bound);

    const dispatched = dispatch(realmGlobal, 'test_done');
    await Promise.resolve();
    expect(calls).toEqual(['circus:test_done', 'environment:test_done']);

    settle();
    await dispatched;
    expect(calls).toEqual(['circus:test_done', 'environment:test_done', 'snapshot:test_done']);
  });

  test('does not run the handler taken over when the environment rejects, as circus would not', async () => {
    const failure = new Error('verdict failed');
    const { calls, handlers, realmGlobal, bound, logging } = realmWithHandlers(() =>
      Promise.reject(failure),
    );
    handlers.push(logging('snapshot'));
    joinNextHandler(realmGlobal, bound);

    await expect(dispatch(realmGlobal, 'test_done')).rejects.toBe(failure);
    expect(calls).toEqual(['circus:test_done', 'environment:test_done']);
  });

  test.each([
    [
      'no handler list (Jest 29)',
      () => ({ realmGlobal: {}, handler: (() => {}) as CircusHandler }),
    ],
    [
      'a handler that is not in the list',
      () => ({
        realmGlobal: { [EVENT_HANDLERS]: [() => {}] },
        handler: (() => {}) as CircusHandler,
      }),
    ],
  ])('changes nothing with %s', (_label, make) => {
    const { realmGlobal, handler } = make();
    const before = [...((realmGlobal as Record<symbol, unknown[]>)[EVENT_HANDLERS] ?? [])];

    expect(joinNextHandler(realmGlobal, handler)).toBeUndefined();
    expect((realmGlobal as Record<symbol, unknown[]>)[EVENT_HANDLERS] ?? []).toEqual(before);
  });

  test('changes nothing when the environment handler is the last one', () => {
    const { handlers, realmGlobal, bound } = realmWithHandlers(() => undefined);

    expect(joinNextHandler(realmGlobal, bound)).toBeUndefined();
    expect(handlers).toHaveLength(2);
    expect(handlers[1]).toBe(bound);
  });
});

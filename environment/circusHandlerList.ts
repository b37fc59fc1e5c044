import type { CircusEvent, CircusState } from './circusEvents';

/**
 * Where Jest 30's circus keeps its event handlers, on the test realm's global, so that two
 * copies of circus in one realm share them. Jest 29 keeps them where nothing else can reach.
 */
const EVENT_HANDLERS = Symbol.for('EVENT_HANDLERS');

/** What circus registers for `environment.handleTestEvent`: the method bound to the environment. */
const BOUND_ENVIRONMENT_HANDLER = 'bound handleTestEvent';

export type CircusHandler = (event: CircusEvent, state: CircusState) => unknown;

function handlersOf(realmGlobal: object | undefined): unknown[] | undefined {
  const handlers = (realmGlobal as Record<symbol, unknown> | undefined)?.[EVENT_HANDLERS];
  return Array.isArray(handlers) ? handlers : undefined;
}

/**
 * The entry circus made for the environment's handler, looked up during the `setup` event:
 * circus registers the environment's handler last, just before it dispatches `setup`.
 * `undefined` where circus keeps its handlers out of reach (Jest 29) or the entry is not
 * recognisably the environment's.
 */
export function findEnvironmentHandler(realmGlobal: object | undefined): CircusHandler | undefined {
  const last = handlersOf(realmGlobal)?.at(-1);
  return typeof last === 'function' && last.name === BOUND_ENVIRONMENT_HANDLER
    ? (last as CircusHandler)
    : undefined;
}

/**
 * Circus awaits each of its handlers in turn for every event, and while async hooks are on
 * (Jest 30 leaves one `AsyncLocalStorage` per test file enabled) each await makes a promise
 * that visits all of them: a few microseconds, for every event of every test. The
 * environment's handler is synchronous for nearly every event, so it takes over the handler
 * registered after it: one entry calls both, in the same order, and circus awaits one
 * handler fewer.
 *
 * Call it from the environment's own handler, once every handler is registered (`run_start`).
 * It leaves the list as circus's loop expects it (the entries after the pair keep their
 * places relative to the loop), and returns the handler it took over, which the caller runs
 * for the event under way; `undefined` when it changed nothing.
 *
 * `environmentHandler` must return `undefined`, or a promise, from then on.
 */
export function joinNextHandler(
  realmGlobal: object | undefined,
  environmentHandler: CircusHandler,
): CircusHandler | undefined {
  const handlers = handlersOf(realmGlobal);
  const index = handlers?.indexOf(environmentHandler) ?? -1;
  const next = handlers?.[index + 1];
  if (handlers === undefined || index < 0 || typeof next !== 'function') {
    return undefined;
  }
  const nextHandler = next as CircusHandler;
  function environmentHandlerThenNext(event: CircusEvent, state: CircusState): unknown {
    const result = environmentHandler(event, state) as Promise<unknown> | undefined;
    return result === undefined
      ? nextHandler(event, state)
      : result.then(() => nextHandler(event, state));
  }
  // Circus is iterating the list, at `index`: the joined entry takes the pair's place and
  // the loop goes on with the entry after the pair.
  handlers.splice(index, 2, environmentHandlerThenNext);
  return nextHandler;
}

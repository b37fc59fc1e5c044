import type { AutoTrackKind } from './AutoTrackKind';
import { beginTracking, runAttributed, whileCreating } from './beginTracking';
import type { Installation } from './Installation';
import { allInstallations } from './Installation';
import { mimicFunction } from './mimicFunction';
import { trackedHandleOf } from './TrackedHandle';

type AnyFunction = (...args: unknown[]) => unknown;

/** The six timer functions of a global object or of `node:timers`. */
export interface TimerFunctions {
  setTimeout: AnyFunction;
  setInterval: AnyFunction;
  setImmediate: AnyFunction;
  clearTimeout: AnyFunction;
  clearInterval: AnyFunction;
  clearImmediate: AnyFunction;
}

export const TIMER_FUNCTION_NAMES: readonly (keyof TimerFunctions)[] = [
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'clearInterval',
  'clearImmediate',
];

/**
 * Wrappers around `originals` that track the timers created while a scope is active.
 * `installationOf` says whose settings apply: the realm's own installation for a test
 * realm's globals, the latest installation for `node:timers`.
 */
export function createTimerWrappers(
  originals: TimerFunctions,
  installationOf: () => Installation | undefined,
): TimerFunctions {
  const createSetter = (
    kind: AutoTrackKind,
    original: AnyFunction,
    clear: AnyFunction,
  ): AnyFunction => {
    const releasesWhenFired = kind !== 'interval';
    const wrapper = function (this: unknown, ...args: unknown[]) {
      const callback = args[0];
      const pending =
        typeof callback === 'function' ? beginTracking(kind, wrapper, installationOf()) : undefined;
      if (pending === undefined) {
        return Reflect.apply(original, this, args);
      }
      let tracked: { release(): void } | undefined;
      const attribution = pending.attribution;
      args[0] = function (this: unknown, ...callbackArgs: unknown[]) {
        if (releasesWhenFired) {
          tracked?.release();
        }
        return runAttributed(attribution, callback as AnyFunction, this, callbackArgs);
      };
      const timer = whileCreating(() => Reflect.apply(original, this, args));
      if (typeof timer === 'object' && timer !== null) {
        const delay = (timer as { _idleTimeout?: unknown })._idleTimeout;
        tracked = pending.complete(timer, {
          metadata: typeof delay === 'number' ? { delay_ms: delay } : {},
          close: (handle) => clear(handle),
        });
      }
      return timer;
    };
    return mimicFunction(wrapper, original);
  };

  const createClearer = (original: AnyFunction): AnyFunction => {
    const wrapper = function (this: unknown, ...args: unknown[]) {
      const timer = args[0];
      const result = Reflect.apply(original, this, args);
      if (typeof timer === 'object' && timer !== null) {
        trackedHandleOf(timer)?.release();
      } else if (typeof timer === 'number' || typeof timer === 'string') {
        // `clearTimeout(+timeout)`: Node finds the timer by its id; find which one it was.
        for (const installation of allInstallations()) {
          installation.releaseClearedTimers();
        }
      }
      return result;
    };
    return mimicFunction(wrapper, original);
  };

  return {
    setTimeout: createSetter('timer', originals.setTimeout, originals.clearTimeout),
    setInterval: createSetter('interval', originals.setInterval, originals.clearInterval),
    setImmediate: createSetter('immediate', originals.setImmediate, originals.clearImmediate),
    clearTimeout: createClearer(originals.clearTimeout),
    clearInterval: createClearer(originals.clearInterval),
    clearImmediate: createClearer(originals.clearImmediate),
  };
}

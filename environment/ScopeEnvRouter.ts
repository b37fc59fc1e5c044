import type { ConfigChangeObserver } from '../src/ConfigChangeObserver';
import { observedEnvTarget, readRoutedEnv, replaceRoutedEnv } from '../src/ConfigChangeObserver';
import { unwrapObserved } from '../src/unwrapObserved';

/** Where the router sends `process.env`. */
export interface EnvRoute {
  /**
   * The observer of the innermost scope that records env changes (made and routed on first
   * use), or `undefined` when none does.
   */
  recorder(): ConfigChangeObserver | undefined;
  /** Called with the env object beneath the recording proxy before each read. */
  beforeRead(env: unknown): void;
}

/**
 * One accessor for `process.env` on the test realm's `process`, for the whole test file,
 * that hands every read and assignment to the innermost scope that records env changes
 * (its observer was routed with `routeEnv`). One accessor per file, rather than one per
 * scope put on and taken off again, costs a test nothing until it reads `process.env`.
 *
 * @example
 * const router = ScopeEnvRouter.install(realmProcess, { recorder, beforeRead });
 * // ... the file's tests run; process.env in a test is that test's recording proxy ...
 * router?.uninstall();
 */
export class ScopeEnvRouter {
  readonly #owner: { env: unknown };
  readonly #previous: PropertyDescriptor | undefined;
  readonly #route: EnvRoute;
  readonly #get = (): unknown => {
    const observer = this.#route.recorder();
    if (observer === undefined) {
      this.#route.beforeRead(this.#unscoped);
      return this.#unscoped;
    }
    this.#route.beforeRead(observedEnvTarget(observer));
    return readRoutedEnv(observer);
  };
  readonly #set = (next: unknown): void => {
    const observer = this.#route.recorder();
    if (observer === undefined) {
      this.#unscoped = unwrapObserved(next);
    } else {
      replaceRoutedEnv(observer, next);
    }
  };
  /** What `process.env` is while no scope records it: before the first, after the last. */
  #unscoped: unknown;
  #installed = false;
  readonly #entered: EnteredScope[] = [];

  /**
   * Puts the accessor on `owner`. `undefined` when `owner.env` is not an object or cannot be
   * redefined, where each scope's observer must put its own (`observeEnv`).
   */
  static install(owner: { env: unknown }, route: EnvRoute): ScopeEnvRouter | undefined {
    try {
      const current = unwrapObserved(owner.env);
      if (typeof current !== 'object' || current === null) {
        return undefined;
      }
      const router = new ScopeEnvRouter(owner, current, route);
      return router.#install() ? router : undefined;
    } catch {
      return undefined;
    }
  }

  private constructor(owner: { env: unknown }, current: object, route: EnvRoute) {
    this.#owner = owner;
    this.#previous = Reflect.getOwnPropertyDescriptor(owner, 'env');
    this.#unscoped = current;
    this.#route = route;
  }

  /** What a scope sees as `process.env` when no scope around it has changed it. */
  get unscopedEnv(): unknown {
    return this.#unscoped;
  }

  /**
   * Remembers how `process.env` is defined as a scope starts (the accessor, unless code
   * around it put its own, such as a spy in a `beforeAll`), for `leave` to compare.
   */
  enter(scope: object): void {
    this.#entered.push({ scope, descriptor: Reflect.getOwnPropertyDescriptor(this.#owner, 'env') });
  }

  /**
   * Puts `process.env` back as it was defined when the scope started, if the scope
   * redefined it, so that the change does not outlive the scope.
   */
  leave(scope: object): void {
    // Written for the common case, run after every test: the scope is the last entered.
    const entered = this.#entered;
    let index = entered.length - 1;
    while (index >= 0 && (entered[index] as EnteredScope).scope !== scope) {
      index -= 1;
    }
    if (index === -1) {
      return;
    }
    const descriptor = (entered[index] as EnteredScope).descriptor;
    if (index === entered.length - 1) {
      entered.pop();
    } else {
      entered.splice(index, 1);
    }
    if (
      !this.#installed ||
      sameDefinition(Reflect.getOwnPropertyDescriptor(this.#owner, 'env'), descriptor)
    ) {
      return;
    }
    try {
      if (descriptor === undefined) {
        Reflect.deleteProperty(this.#owner, 'env');
      } else {
        Reflect.defineProperty(this.#owner, 'env', descriptor);
      }
    } catch {
      // A `process` that no longer lets `env` be redefined keeps what the scope left.
    }
  }

  #install(): boolean {
    try {
      this.#installed = Reflect.defineProperty(this.#owner, 'env', {
        configurable: true,
        enumerable: this.#previous?.enumerable ?? true,
        get: this.#get,
        set: this.#set,
      });
    } catch {
      this.#installed = false;
    }
    return this.#installed;
  }

  /** Gives `process` the `env` property it had before. */
  uninstall(): void {
    if (!this.#installed) {
      return;
    }
    this.#installed = false;
    this.#entered.length = 0;
    try {
      if (this.#previous === undefined) {
        Reflect.deleteProperty(this.#owner, 'env');
      } else {
        Reflect.defineProperty(this.#owner, 'env', this.#previous);
      }
    } catch {
      // The realm is being torn down: a `process` that cannot take its env back is left as is.
    }
  }
}

interface EnteredScope {
  readonly scope: object;
  readonly descriptor: PropertyDescriptor | undefined;
}

function sameDefinition(
  a: PropertyDescriptor | undefined,
  b: PropertyDescriptor | undefined,
): boolean {
  return a === undefined || b === undefined
    ? a === b
    : a.get === b.get && a.set === b.set && a.value === b.value;
}

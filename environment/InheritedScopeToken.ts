import { SCOPE_ENV_KEY } from '../src/worker/workerProtocol';

/**
 * A scope token, or where to ask for it: a hub names a test only when something looks (see
 * `InheritedScopeToken.point`). `undefined`, from either, stands for no token.
 */
export type TokenSource = string | (() => string | undefined) | undefined;

/** The view and the token it shows, shared by every copy of this package in a process. */
interface SharedView {
  /** What `process.env` was replaced with. */
  readonly view: object;
  /** The env it shows. */
  readonly real: Record<string, string | undefined>;
  /** The token the view shows as `SCOPE_ENV_KEY`; no token shows the real variable. */
  token: TokenSource;
}

/** What a hub found as it started, and puts back as it closes (see `snapshot`). */
export interface InheritedTokenSnapshot {
  readonly shown: TokenSource;
  readonly real: string | undefined;
}

const SHARED_VIEW = Symbol.for('jest-environment-integration.inheritedScopeToken');

/**
 * The scope token that a child process started without an `env` inherits from Jest's own
 * `process.env`, telling the worker channel which scope started it.
 *
 * Writing a variable into the real environment costs several microseconds (the C library
 * copies every new value and keeps it for the life of the process), and the token changes
 * with every test. So `process.env` of Jest's process is replaced, once per process, by a
 * view of itself that shows the token as one more variable: `child_process` builds a
 * child's environment by enumerating `process.env`, and so does any copy of it
 * (`{ ...process.env }`). Every other variable reads and writes through to the real one.
 *
 * A worker thread started without an `env` copies the real environment instead, so the
 * real variable is written too where that is cheap enough: for the file and `describe`
 * scopes (`point(token, { real: true })`). The worker channel names such a thread's test
 * from Node's announcement of it (see `WorkerHub`).
 *
 * Where `process.env` cannot be replaced, every token is written for real.
 *
 * @example
 * const inherited = InheritedScopeToken.install(process);
 * inherited.point('1.2', { real: true }); // a describe block starts
 * inherited.point(() => tokenOfInnermostScope(), { real: false }); // a test starts: asked when read
 */
export class InheritedScopeToken {
  readonly #owner: { env: unknown };
  readonly #shared: SharedView | undefined;

  private constructor(owner: { env: unknown }, shared: SharedView | undefined) {
    this.#owner = owner;
    this.#shared = shared;
  }

  /** Replaces `owner.env` by the view, unless it is the view already. Never throws. */
  static install(owner: { env: unknown }): InheritedScopeToken {
    return new InheritedScopeToken(owner, sharedViewOf(owner));
  }

  /** The token the view shows and the real variable, for `restore`. */
  snapshot(): InheritedTokenSnapshot {
    return { shown: this.#liveView()?.token, real: this.#realEnv()?.[SCOPE_ENV_KEY] };
  }

  /**
   * Children started from now on inherit `token`. A function is asked only when the view is
   * read for the token (as a child starts), or when the token is written for real: here,
   * when `real`, and for every scope where there is no view.
   */
  point(token: TokenSource, { real }: { real: boolean }): void {
    const shared = this.#liveView();
    if (shared !== undefined) {
      shared.token = token;
    }
    if (real || shared === undefined) {
      this.#writeReal(tokenFrom(token));
    }
  }

  /** Puts back what a `snapshot` found: a function among it is put back, not asked. */
  restore(snapshot: InheritedTokenSnapshot): void {
    const shared = this.#liveView();
    if (shared !== undefined) {
      shared.token = snapshot.shown;
    }
    this.#writeReal(snapshot.real);
  }

  /** The view, while it is still what `process.env` is. */
  #liveView(): SharedView | undefined {
    const shared = this.#shared;
    return shared !== undefined && this.#owner.env === shared.view ? shared : undefined;
  }

  /** The real env: beneath the view, or `process.env` itself where there is no view. */
  #realEnv(): Record<string, string | undefined> | undefined {
    const shared = this.#liveView();
    if (shared !== undefined) {
      return shared.real;
    }
    const env = this.#owner.env;
    return typeof env === 'object' && env !== null
      ? (env as Record<string, string | undefined>)
      : undefined;
  }

  #writeReal(value: string | undefined): void {
    const env = this.#realEnv();
    try {
      if (env === undefined) {
        return;
      } else if (value === undefined) {
        delete env[SCOPE_ENV_KEY];
      } else {
        env[SCOPE_ENV_KEY] = value;
      }
    } catch {
      // An env that refuses the variable: children only lack the token.
    }
  }
}

/** The process's view, made and put in place on first use; `undefined` where it cannot be. */
function sharedViewOf(owner: { env: unknown }): SharedView | undefined {
  const holder = owner as { [SHARED_VIEW]?: SharedView };
  const existing = holder[SHARED_VIEW];
  if (existing !== undefined && owner.env === existing.view) {
    return existing;
  }
  // Only a plain `env` is replaced: an accessor (a test realm's, or a spy) would take the
  // view for a change of its own.
  const descriptor = Reflect.getOwnPropertyDescriptor(owner, 'env');
  const real: unknown = descriptor?.value;
  if (descriptor?.writable !== true || typeof real !== 'object' || real === null) {
    return undefined;
  }
  const shared: { -readonly [key in keyof SharedView]: SharedView[key] } = {
    view: real,
    real: real as Record<string, string | undefined>,
    token: undefined,
  };
  shared.view = new Proxy(real, viewHandler(shared));
  try {
    owner.env = shared.view;
    if (owner.env !== shared.view) {
      return undefined;
    }
    Object.defineProperty(owner, SHARED_VIEW, { value: shared, configurable: true });
  } catch {
    return undefined;
  }
  return shared;
}

/** The token a source stands for now; a function that throws stands for none. */
function tokenFrom(source: TokenSource): string | undefined {
  if (typeof source !== 'function') {
    return source;
  }
  try {
    return source();
  } catch {
    return undefined;
  }
}

/**
 * Shows the token of `shared.token` as `SCOPE_ENV_KEY` while there is one; everything else,
 * and every write (a write of the variable itself too, which then shows until the next
 * scope starts), goes to the real env.
 */
function viewHandler(shared: SharedView): ProxyHandler<object> {
  const shown = (key: string | symbol): string | undefined =>
    key === SCOPE_ENV_KEY ? tokenFrom(shared.token) : undefined;
  return {
    get: (target, key) => shown(key) ?? Reflect.get(target, key),
    has: (target, key) => shown(key) !== undefined || Reflect.has(target, key),
    ownKeys: (target) => {
      const keys = Reflect.ownKeys(target);
      if (tokenFrom(shared.token) !== undefined && !keys.includes(SCOPE_ENV_KEY)) {
        keys.push(SCOPE_ENV_KEY);
      }
      return keys;
    },
    getOwnPropertyDescriptor: (target, key) => {
      const token = shown(key);
      return token === undefined
        ? Reflect.getOwnPropertyDescriptor(target, key)
        : { value: token, writable: true, enumerable: true, configurable: true };
    },
    set: (target, key, value) => {
      if (key === SCOPE_ENV_KEY) {
        shared.token = undefined;
      }
      return Reflect.set(target, key, value);
    },
    deleteProperty: (target, key) => {
      if (key === SCOPE_ENV_KEY) {
        shared.token = undefined;
      }
      return Reflect.deleteProperty(target, key);
    },
    defineProperty: (target, key, descriptor) => {
      if (key === SCOPE_ENV_KEY) {
        shared.token = undefined;
      }
      return Reflect.defineProperty(target, key, descriptor);
    },
  };
}

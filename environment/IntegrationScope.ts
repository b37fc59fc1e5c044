import type { ConfigChangeObserver } from '../src/ConfigChangeObserver';
import { now } from '../src/clock';
import { ErrorPropagation } from '../src/ErrorPropagation';
import type { ResourceTracker } from '../src/ResourceTracker';
import type { RecordPredicate } from './leakFilter';
import type { LeakScope } from './leakReport';

/** How a scope makes its tracker and its config observer, the first time either is used. */
export interface ScopeStateMakers {
  tracker(scope: IntegrationScope): ResourceTracker;
  observer(scope: IntegrationScope): ConfigChangeObserver;
}

/**
 * The state of one scope of a test file: the file itself, a `describe` block (what its
 * `beforeAll` hooks open), or a test (what it and its `beforeEach`/`afterEach` hooks open).
 * `integration` points at the innermost running one.
 *
 * Each part is made the first time it is used: most tests track nothing by hand, observe no
 * configuration and capture no error, and a scope that made nothing has nothing to judge or
 * undo (the `made*` methods tell, without making anything).
 */
export class IntegrationScope {
  readonly kind: LeakScope;
  /** Whether `process.env` is recorded into this scope's observer (see `IntegrationLifecycle`). */
  readonly observesEnv: boolean;
  /** When it started, in ms since the epoch (`src/clock`). */
  readonly startedAt: number;
  readonly #makers: ScopeStateMakers;
  #name: string | (() => string);
  #resources: ResourceTracker | undefined;
  #config: ConfigChangeObserver | undefined;
  #errors: ErrorPropagation | undefined;
  #allowed: RecordPredicate[] | undefined;

  /** `name` may be a function, asked the first time the name is read. */
  constructor(
    kind: LeakScope,
    name: string | (() => string),
    observesEnv: boolean,
    makers: ScopeStateMakers,
  ) {
    this.kind = kind;
    this.#name = name;
    this.observesEnv = observesEnv;
    this.startedAt = now();
    this.#makers = makers;
  }

  /** The test's full name (`describe › test`), the describe block's path, or the file path. */
  get name(): string {
    if (typeof this.#name === 'function') {
      this.#name = this.#name();
    }
    return this.#name;
  }

  get resources(): ResourceTracker {
    this.#resources ??= this.#makers.tracker(this);
    return this.#resources;
  }

  get config(): ConfigChangeObserver {
    this.#config ??= this.#makers.observer(this);
    return this.#config;
  }

  get errors(): ErrorPropagation {
    this.#errors ??= new ErrorPropagation();
    return this.#errors;
  }

  /** What `integration.allowLeaks(...)` allowed in this scope. */
  get allowed(): RecordPredicate[] {
    this.#allowed ??= [];
    return this.#allowed;
  }

  madeResources(): ResourceTracker | undefined {
    return this.#resources;
  }

  madeConfig(): ConfigChangeObserver | undefined {
    return this.#config;
  }

  madeErrors(): ErrorPropagation | undefined {
    return this.#errors;
  }

  madeAllowed(): readonly RecordPredicate[] | undefined {
    return this.#allowed;
  }
}

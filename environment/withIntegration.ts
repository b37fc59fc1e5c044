import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import vm from 'node:vm';
import type { EnvironmentContext, JestEnvironment, JestEnvironmentConfig } from '@jest/environment';
import type { AutoTracking } from '../src/autoTrack/installAutoTracking';
import type * as AutoTrackingModule from '../src/autoTrack/installAutoTracking';
import { resolveAutoTrackOption } from '../src/autoTrack/resolveAutoTrackOption';
import { STATE_KEY } from '../src/brand';
import { createModuleNamer } from '../src/moduleNameForFile';
import { describeValue } from '../src/describeValue';
import { isErrorLike } from '../src/isErrorLike';
import type {
  CircusDescribeBlock,
  CircusEvent,
  CircusExpect,
  CircusState,
  CircusTestEntry,
} from './circusEvents';
import { fullNameOf } from './circusEvents';
import { findEnvironmentHandler, joinNextHandler } from './circusHandlerList';
import type { CircusHandler } from './circusHandlerList';
import { IntegrationLifecycle } from './IntegrationLifecycle';
import { createLazyIntegrationMatchers } from './lazyIntegrationMatchers';
import type { IntegrationScope } from './IntegrationScope';
import { readDocblockOptions, resolveOptions } from './options';
import { RecordsWriter } from './RecordsWriter';
import { WorkerHub } from './WorkerHub';

/** Any Jest environment class, such as `jest-environment-node`'s or `jest-environment-jsdom`'s. */
export type EnvironmentConstructor = new (
  config: JestEnvironmentConfig,
  context: EnvironmentContext,
) => JestEnvironment;

/** What `withIntegration` adds to an environment instance. */
export interface IntegrationEnvironmentMembers {
  /** The file's scopes and verdicts; `integration` in test code reads its current scope. */
  readonly integrationLifecycle: IntegrationLifecycle;
  /** Jest circus's event hook: scopes start and finish, verdicts are made, matchers registered. */
  handleTestEvent(event: CircusEvent, state: CircusState): void | Promise<void>;
}

/**
 * The class `withIntegration(Base)` returns: `Base`'s static members and constructor, with
 * instances that are `Base`'s plus {@link IntegrationEnvironmentMembers}.
 */
export type IntegrationEnvironmentClass<Base extends EnvironmentConstructor> = Omit<
  Base,
  'prototype'
> & {
  new (
    config: JestEnvironmentConfig,
    context: EnvironmentContext,
  ): InstanceType<Base> & IntegrationEnvironmentMembers;
  prototype: InstanceType<Base> & IntegrationEnvironmentMembers;
};

/** The instance members the mixin relies on (not `handleTestEvent`, which it replaces). */
interface EnvironmentInstance {
  global: JestEnvironment['global'];
  setup(): Promise<void>;
  teardown(): Promise<void>;
  getVmContext?(): vm.Context | null;
}

type EnvironmentBase = new (
  config: JestEnvironmentConfig,
  context: EnvironmentContext,
) => EnvironmentInstance;

/** Makes a settled promise of the realm it runs in; compiled once, run once per test file. */
let settledPromiseScript: vm.Script | undefined;

/** Marks a class that `withIntegration` made, in any copy of the package. */
const WITH_INTEGRATION = Symbol.for('jest-environment-integration.withIntegration');

/**
 * Adds this package's per-test state, leak verdicts, config isolation and matchers to any
 * Jest environment class, such as `jest-environment-jsdom`'s.
 *
 * @example
 * // jsdom-integration-environment.js, then `testEnvironment: './jsdom-integration-environment.js'`
 * const { TestEnvironment } = require('jest-environment-jsdom');
 * const { withIntegration } = require('jest-environment-integration');
 * module.exports = withIntegration(TestEnvironment);
 */
export function withIntegration<Base extends EnvironmentConstructor>(
  Base: Base,
): IntegrationEnvironmentClass<Base> {
  // Wrapping twice would give a file two handles and two verdicts per test.
  if ((Base as { [WITH_INTEGRATION]?: unknown })[WITH_INTEGRATION] === true) {
    return Base as unknown as IntegrationEnvironmentClass<Base>;
  }
  // A class of known constructor, rather than TypeScript's `any[]` mixin pattern: the public
  // type above keeps `Base`'s own instance type.
  const Extendable = Base as unknown as EnvironmentBase;

  class WithIntegration extends Extendable implements IntegrationEnvironmentMembers {
    readonly integrationLifecycle: IntegrationLifecycle;
    readonly #scopesByEntry = new WeakMap<object, IntegrationScope>();
    /**
     * The running test's entry and scope, outside `#scopesByEntry`: tests run one at a time
     * unless they are `test.concurrent`, and a weak map costs every test a few look-ups. A
     * test that starts while another is still open (a concurrent one) goes to the map.
     */
    #runningTest: CircusTestEntry | undefined;
    #runningTestScope: IntegrationScope | undefined;
    readonly #testPath: string;
    readonly #baseHandler: CircusHandler | undefined;
    /** Hands the file's records to the reporter; `undefined` when no reporter listens. */
    readonly #recordsWriter: RecordsWriter | undefined;
    /** Opens the channel that worker threads and child processes report through. */
    readonly #openWorkerHub: () => WorkerHub | undefined;
    #workerHub: WorkerHub | undefined;
    readonly #rootDir: string;
    #autoTracking: AutoTracking | undefined;
    #settled: Promise<void> | undefined;
    /** The entry circus registered for `handleTestEvent` (see `joinNextHandler`). */
    #circusEntry: CircusHandler | undefined;
    /** This handler calls the one circus registered after it, which circus no longer calls. */
    #joinedNextHandler = false;
    #started = false;

    constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
      super(config, context);
      this.#baseHandler = takeBaseHandler(this, Base);
      const { projectConfig } = config;
      const rootDir = projectConfig.rootDir;
      this.#rootDir = rootDir;
      const testPath = context?.testPath ?? '';
      const environmentOptions = projectConfig.testEnvironmentOptions as
        Record<string, unknown> | undefined;
      const fileOptions = readDocblockOptions(context?.docblockPragmas);
      // Jest replaces the project's `integration` object with the docblock's (it merges
      // `testEnvironmentOptions` one level deep only), so when they are the same the
      // project's own options are gone and the docblock's are reported as the file's.
      let projectOptions = environmentOptions?.['integration'];
      if (fileOptions !== undefined && isDeepStrictEqual(projectOptions, fileOptions)) {
        projectOptions = undefined;
      }
      const realmProcess = (this.global as { process?: { env: NodeJS.ProcessEnv } } | undefined)
        ?.process;
      const testConsole = context?.console;
      this.#testPath = path.relative(rootDir, testPath) || testPath;
      this.integrationLifecycle = new IntegrationLifecycle({
        options: resolveOptions(projectOptions, fileOptions),
        rootDir,
        testPath: this.#testPath,
        realmProcess:
          realmProcess !== undefined && typeof realmProcess.env === 'object'
            ? realmProcess
            : undefined,
        warn: (message) => {
          if (testConsole !== undefined && typeof testConsole.warn === 'function') {
            testConsole.warn(message);
          } else {
            process.stderr.write(`${message}\n`);
          }
        },
      });
      const lifecycle = this.integrationLifecycle;
      this.#openWorkerHub = () =>
        WorkerHub.start({
          lifecycle,
          rootDir,
          testPath: this.#testPath,
        });
      this.#recordsWriter = RecordsWriter.attach(this.integrationLifecycle, {
        testPath,
        projectId: String((projectConfig as { id?: unknown }).id ?? ''),
        rootDir,
      });
      this.#publishHandle();
    }

    override async setup(): Promise<void> {
      await super.setup();
      // The file scope holds what the test file opens at load time and in top-level
      // beforeAll hooks; it exists before the file's code runs.
      if (!this.#started) {
        this.#started = true;
        this.#workerHub = this.#openWorkerHub();
        this.integrationLifecycle.start('file', this.#testPath);
      }
      this.#publishHandle();
    }

    override async teardown(): Promise<void> {
      try {
        this.#autoTracking?.uninstall();
        this.#autoTracking = undefined;
        await this.#workerHub?.close();
        this.#recordsWriter?.write();
        this.integrationLifecycle.dispose();
      } finally {
        await super.teardown();
      }
    }

    /**
     * Done at once unless a scope finishes with something left to settle. Circus awaits each
     * handler, and in Jest 30 every promise made in a worker costs more with each test file
     * it has run (each file's circus adds an `AsyncLocalStorage` that every new promise
     * visits). So no promise is made for most events. Once every handler is registered, this
     * one takes over the handler after it (`joinNextHandler`), and circus awaits one handler
     * fewer. Until then, or where circus's handlers cannot be reached (Jest 29), a synchronous
     * answer is the realm's own settled promise, which an `await` in the realm takes as it
     * is, where awaiting `undefined` (or another realm's promise) makes a new one.
     */
    handleTestEvent(event: CircusEvent, state: CircusState): void | Promise<void> {
      const result = this.#handleWithBase(event, state);
      if (this.#joinedNextHandler) {
        return result;
      }
      if (event.name === 'setup') {
        this.#circusEntry = findEnvironmentHandler(this.global);
      } else if (event.name === 'run_start' && this.#circusEntry !== undefined) {
        const next = joinNextHandler(this.global, this.#circusEntry);
        if (next !== undefined) {
          this.#joinedNextHandler = true;
          // Circus goes on after the pair: the handler taken over runs for this event here.
          return result === undefined
            ? (next(event, state) as void | Promise<void>)
            : result.then(() => next(event, state) as void | Promise<void>);
        }
      }
      return result ?? this.#settledInRealm();
    }

    /** The base environment's handler, if any, then ours: `undefined` when both are done. */
    #handleWithBase(event: CircusEvent, state: CircusState): Promise<void> | undefined {
      let baseResult: unknown;
      try {
        baseResult = this.#baseHandler?.call(this, event, state);
      } catch (error) {
        // The base's failure is Jest's to report; our bookkeeping still happens first.
        const handled = this.#handleCircusEvent(event, state);
        if (handled === undefined) {
          throw error;
        }
        return handled.then((): void => {
          throw error;
        });
      }
      if (isThenable(baseResult)) {
        return Promise.resolve(baseResult).then(
          () => this.#handleCircusEvent(event, state),
          async (error: unknown) => {
            await this.#handleCircusEvent(event, state);
            throw error;
          },
        );
      }
      return this.#handleCircusEvent(event, state);
    }

    /** A settled promise of the test realm, the same every time; `undefined` without a realm. */
    #settledInRealm(): Promise<void> | undefined {
      if (this.#settled === undefined) {
        try {
          const context = this.getVmContext?.();
          if (context === null || context === undefined) {
            return undefined;
          }
          settledPromiseScript ??= new vm.Script('(async () => {})()');
          this.#settled = settledPromiseScript.runInContext(context) as Promise<void>;
        } catch {
          // A realm that runs no code of ours: `undefined` does the same, a little slower.
          return undefined;
        }
      }
      return this.#settled;
    }

    /** Never throws nor rejects: what goes wrong is reported against the test or the file. */
    #handleCircusEvent(event: CircusEvent, state: CircusState): Promise<void> | undefined {
      // A throw from here would fail the whole file in Jest's own code; everything that
      // goes wrong is reported against the test (or the file) instead.
      try {
        switch (event.name) {
          case 'setup': {
            this.#registerMatchers(event, state);
            this.#startAutoTracking();
            return undefined;
          }
          case 'run_describe_start': {
            const block = event.describeBlock;
            if (block?.parent !== undefined) {
              this.#scopesByEntry.set(
                block,
                this.integrationLifecycle.start('describe', fullNameOf(block)),
              );
            }
            return undefined;
          }
          case 'test_start': {
            const test = event.test;
            if (test !== undefined) {
              const scope = this.integrationLifecycle.start('test', () => fullNameOf(test));
              if (this.#runningTest === undefined) {
                this.#runningTest = test;
                this.#runningTestScope = scope;
              } else {
                this.#scopesByEntry.set(test, scope);
              }
            }
            return undefined;
          }
          case 'test_skip':
          case 'test_todo': {
            const scope = this.#takeScope(event.test);
            if (scope !== undefined) {
              this.integrationLifecycle.discard(scope);
            }
            return undefined;
          }
          case 'test_done': {
            const test = event.test;
            const scope = this.#takeScope(test);
            return scope === undefined || test === undefined
              ? undefined
              : this.#finishInto(scope, test.errors, event, state);
          }
          case 'run_describe_finish': {
            const block = event.describeBlock;
            const scope = block?.parent === undefined ? this.#fileScope() : this.#takeScope(block);
            return scope === undefined
              ? undefined
              : this.#finishInto(scope, state.unhandledErrors, event, state);
          }
          default:
            return undefined;
        }
      } catch (error) {
        reportInternalError(event, state, error);
        return undefined;
      }
    }

    /** Finishes a scope and adds its errors to `destination`, without a promise if it can. */
    #finishInto(
      scope: IntegrationScope,
      destination: unknown[],
      event: CircusEvent,
      state: CircusState,
    ): Promise<void> | undefined {
      const errors = this.integrationLifecycle.finish(scope);
      if (Array.isArray(errors)) {
        deliverErrors(errors, destination, event, state);
        return undefined;
      }
      return errors.then(
        (settled) => deliverErrors(settled, destination, event, state),
        (error: unknown) => reportInternalError(event, state, error),
      );
    }

    #takeScope(
      entry: CircusTestEntry | CircusDescribeBlock | undefined,
    ): IntegrationScope | undefined {
      if (entry === undefined) {
        return undefined;
      }
      if (entry === this.#runningTest) {
        const scope = this.#runningTestScope;
        this.#runningTest = undefined;
        this.#runningTestScope = undefined;
        return scope;
      }
      const scope = this.#scopesByEntry.get(entry);
      this.#scopesByEntry.delete(entry);
      return scope;
    }

    #fileScope(): IntegrationScope | undefined {
      return this.integrationLifecycle.scopes().find((scope) => scope.kind === 'file');
    }

    #registerMatchers(event: CircusEvent, state: CircusState): void {
      const expect =
        event.runtimeGlobals?.expect ??
        (this.global as { expect?: CircusExpect } | undefined)?.expect;
      if (expect === undefined || typeof expect.extend !== 'function') {
        state.unhandledErrors.push(
          new Error(
            "jest-environment-integration could not register its matchers: Jest's `setup` event carried no `expect`. Register them yourself in setupFilesAfterEnv with `require('jest-environment-integration/matchers')`.",
          ),
        );
        return;
      }
      try {
        const lifecycle = this.integrationLifecycle;
        expect.extend(createLazyIntegrationMatchers({ currentHandle: () => lifecycle.handle }));
      } catch (error) {
        state.unhandledErrors.push(
          new Error(
            `jest-environment-integration could not register its matchers: ${describeError(error)}. Register them yourself in setupFilesAfterEnv with \`require('jest-environment-integration/matchers')\`.`,
            { cause: error },
          ),
        );
      }
    }

    /**
     * Tracks the real handles the test file creates from now on. At circus's `setup` event
     * circus has loaded already and holds the realm's original timer functions, so its own
     * test-timeout timers never reach the wrappers.
     */
    #startAutoTracking(): void {
      const lifecycle = this.integrationLifecycle;
      const { kinds, unref } = resolveAutoTrackOption(lifecycle.options.autoTrack);
      if (this.#autoTracking !== undefined || kinds.size === 0 || this.global === undefined) {
        return;
      }
      const autoTracking = loadAutoTracking().installAutoTracking({
        realmGlobal: this.global,
        kinds,
        unref,
        currentTracker: () => lifecycle.innermost()?.resources,
        moduleForFile: createModuleNamer({
          rootDir: this.#rootDir,
          modules: lifecycle.options.modules,
        }),
      });
      this.#autoTracking = autoTracking;
      lifecycle.addScopeListener({
        beforeLeakCheck: () => autoTracking.sweep(),
        isIgnored: (record) => autoTracking.isIgnored(record),
        objectAdopted: (object) => autoTracking.handOver(object),
        beforeRead: (records) => {
          if (records === 'resources') {
            autoTracking.sweep();
          }
        },
      });
    }

    #publishHandle(): void {
      const global = this.global as unknown as Record<string | symbol, unknown> | undefined;
      if (global === undefined) {
        return;
      }
      // `integration` also replaces the raw options object Jest copied onto the global
      // (jest-environment-node copies every `testEnvironmentOptions` key there).
      global[STATE_KEY] = this.integrationLifecycle.handle;
      global['integration'] = this.integrationLifecycle.handle;
    }
  }
  Object.defineProperty(WithIntegration, WITH_INTEGRATION, { value: true });
  return WithIntegration as unknown as IntegrationEnvironmentClass<Base>;
}

/**
 * The base environment's own circus handler, if it has one, for ours to call first: a
 * prototype method, or a property its constructor set (which would otherwise hide ours).
 */
function takeBaseHandler(
  instance: object,
  Base: EnvironmentConstructor,
): CircusHandler | undefined {
  const own = Object.getOwnPropertyDescriptor(instance, 'handleTestEvent');
  if (own !== undefined && typeof own.value === 'function') {
    delete (instance as { handleTestEvent?: unknown }).handleTestEvent;
    return own.value as CircusHandler;
  }
  const inherited = (Base.prototype as { handleTestEvent?: unknown }).handleTestEvent;
  return typeof inherited === 'function' ? (inherited as CircusHandler) : undefined;
}

/**
 * Automatic tracking, loaded when a file first needs it: it loads Node's networking, process
 * and worker modules in order to wrap them, which costs every Jest worker tens of
 * milliseconds that a project with `autoTrack: false` would pay for nothing.
 */
function loadAutoTracking(): typeof AutoTrackingModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy
  return require('../src/autoTrack/installAutoTracking') as typeof AutoTrackingModule;
}

/** Adds a finished scope's errors to where circus reports them (a test's, or the file's). */
function deliverErrors(
  errors: readonly Error[],
  destination: unknown[],
  event: CircusEvent,
  state: CircusState,
): void {
  if (errors.length === 0) {
    return;
  }
  try {
    destination.push(...errors);
  } catch (error) {
    reportInternalError(event, state, error);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function reportInternalError(event: CircusEvent, state: CircusState, error: unknown): void {
  const report = new Error(
    `jest-environment-integration failed while handling Jest's \`${event.name}\` event: ${describeError(error)}. This is a bug in jest-environment-integration; please report it with this message.`,
    { cause: error },
  );
  const destinations = [event.test?.errors, state.unhandledErrors];
  for (const errors of destinations) {
    try {
      if (Array.isArray(errors)) {
        errors.push(report);
        return;
      }
    } catch {
      // Try the next place: the report must reach the user somehow.
    }
  }
  process.stderr.write(`${report.message}\n`);
}

function describeError(error: unknown): string {
  return isErrorLike(error)
    ? `${error.name}: ${error.message}`
    : `a thrown ${describeValue(error)}`;
}

import { describeValue } from '../describeValue';
import { IntegrationError } from '../IntegrationError';
import { AUTO_TRACK_KINDS, isAutoTrackKind } from './AutoTrackKind';
import type { AutoTrackKind } from './AutoTrackKind';
import type { AutoTrackTarget } from './AutoTrackTarget';
import { createTimerWrappers, TIMER_FUNCTION_NAMES } from './createTimerWrappers';
import type { TimerFunctions } from './createTimerWrappers';
import { isUserFileByDefault } from './findCreationOrigin';
import {
  installCorePatches,
  originalMessageChannel,
  trackingMessageChannel,
  uninstallCorePatches,
} from './installCorePatches';
import { Installation, registerInstallation, unregisterInstallation } from './Installation';
import { trackedHandleOf } from './TrackedHandle';
import type { UnrefPolicy } from './resolveAutoTrackOption';

/**
 * How the environment installs auto-tracking for one test file.
 *
 * @example
 * const autoTracking = installAutoTracking({
 *   ...resolveAutoTrackOption(options.autoTrack),
 *   realmGlobal: this.global,
 *   currentTracker: () => this.currentScope?.resources,
 *   moduleForFile: (file) => moduleNameForFile(file, options.modules, rootDir),
 * });
 */
export interface AutoTrackingOptions {
  /**
   * The test realm's global object: its `setTimeout`, `setInterval`, `setImmediate`, their
   * `clear*` functions and `MessageChannel` are wrapped until `uninstall()`.
   */
  realmGlobal?: object;
  /** The kinds to track; every kind when left out. */
  kinds?: Iterable<AutoTrackKind>;
  /** Whether unref'd handles still open are reported (`isIgnored`); `'ignore'` when left out. */
  unref?: UnrefPolicy;
  /**
   * The tracker of the scope that is running now (test, `describe` block, file), or
   * `undefined` between scopes: handles created then are Jest's or Node's, never tracked.
   */
  currentTracker: () => AutoTrackTarget | undefined;
  /** `owner_module` for a file of the user's code (the `modules` option). */
  moduleForFile: (file: string) => string;
  /**
   * Whether a file is the user's code: the first such frame of a creation stack names the
   * owner. Default: an absolute path outside `node_modules` and outside this package.
   */
  isUserFile?: (file: string) => boolean;
  /**
   * How many frames a creation stack keeps at most (default 20): more costs more per handle.
   * Ten are captured first; more only when those ten hold none of the user's code.
   */
  stackTraceLimit?: number;
}

/**
 * Auto-tracking installed for one environment.
 *
 * @example
 * // after the test's afterEach hooks, in each retry of the settle wait:
 * autoTracking.sweep();
 * const leaks = tracker.verifyCleanup().filter((record) => !autoTracking.isIgnored(record));
 * // at teardown:
 * autoTracking.uninstall();
 */
export interface AutoTracking {
  readonly kinds: ReadonlySet<AutoTrackKind>;
  /**
   * Re-reads every tracked handle still open and releases the records of those that are
   * closed although no close event was seen yet (`timeout.close()`, a socket destroyed a
   * moment ago, a server whose `listen` failed). Cheap: call it before each look at leaks.
   */
  sweep(): void;
  /**
   * Whether a leaked record must not be reported: an auto-tracked handle that is still open
   * but unref'd, under `unref: 'ignore'`. Other records (the user's own) are never ignored.
   */
  isIgnored(record: { readonly resource_id: string }): boolean;
  /**
   * The test adopted `object` itself (`resources.adopt`): if this installation tracks it,
   * its record ends here, and the adopted record speaks for the handle from now on.
   */
  handOver(object: object): void;
  /**
   * Live details of an auto-tracked handle still open, for a leak report (records are
   * frozen at creation): `ref` (false once unref'd), and where known `address` (a server's
   * or UDP socket's, e.g. `'127.0.0.1:40123'`), `remote_address` (a socket's peer), `pid`,
   * `thread_id`. `undefined` for any other record.
   */
  describe(record: { readonly resource_id: string }): Record<string, unknown> | undefined;
  /**
   * Puts the realm's globals back; the last installation in the process also takes the
   * core module wrappers off. Handles tracked already keep releasing their records. Safe to
   * call twice.
   */
  uninstall(): void;
}

const CALL = 'installAutoTracking(options)';
const DEFAULT_STACK_TRACE_LIMIT = 20;

function assertFunction(value: unknown, name: string, hint: string): void {
  if (typeof value !== 'function') {
    throw new IntegrationError(
      'INVALID_ARGUMENT',
      `${CALL}: \`${name}\` must be a function, but received ${describeValue(value)}. Pass ${hint}.`,
      { argument: name, received: value },
    );
  }
}

function resolveKinds(kinds: unknown): ReadonlySet<AutoTrackKind> {
  if (kinds === undefined) {
    return new Set(AUTO_TRACK_KINDS);
  }
  const list: unknown[] =
    typeof kinds === 'object' && kinds !== null && Symbol.iterator in kinds
      ? [...(kinds as Iterable<unknown>)]
      : [];
  const unknownKinds = list.filter((kind) => !isAutoTrackKind(kind));
  if (list.length === 0 && typeof kinds !== 'object') {
    unknownKinds.push(kinds);
  }
  if (unknownKinds.length > 0 || typeof kinds !== 'object' || kinds === null) {
    throw new IntegrationError(
      'INVALID_ARGUMENT',
      `${CALL}: \`kinds\` must list kinds from ${AUTO_TRACK_KINDS.map((kind) => `'${kind}'`).join(', ')}, but received ${describeValue(kinds)}. Pass the \`kinds\` of resolveAutoTrackOption(option).`,
      { argument: 'kinds', received: kinds },
    );
  }
  return new Set(list as AutoTrackKind[]);
}

interface GlobalPatch {
  restore(): void;
}

function patchGlobal(realmGlobal: object, key: string, value: unknown): GlobalPatch | undefined {
  const previous = Reflect.getOwnPropertyDescriptor(realmGlobal, key);
  if (previous !== undefined && previous.configurable === false) {
    return undefined;
  }
  const defined = Reflect.defineProperty(realmGlobal, key, {
    value,
    writable: true,
    configurable: true,
    enumerable: previous?.enumerable ?? false,
  });
  if (!defined) {
    return undefined;
  }
  return {
    restore() {
      if (Reflect.get(realmGlobal, key) !== value) {
        return;
      }
      if (previous === undefined) {
        Reflect.deleteProperty(realmGlobal, key);
      } else {
        Reflect.defineProperty(realmGlobal, key, previous);
      }
    },
  };
}

function patchRealm(realmGlobal: object, installation: Installation): GlobalPatch[] {
  const patches: (GlobalPatch | undefined)[] = [];
  const originals: Partial<TimerFunctions> = {};
  for (const name of TIMER_FUNCTION_NAMES) {
    const value: unknown = Reflect.get(realmGlobal, name);
    if (typeof value === 'function') {
      originals[name] = value as TimerFunctions[typeof name];
    }
  }
  if (TIMER_FUNCTION_NAMES.every((name) => originals[name] !== undefined)) {
    const wrappers = createTimerWrappers(originals as TimerFunctions, () =>
      installation.installed ? installation : undefined,
    );
    for (const name of TIMER_FUNCTION_NAMES) {
      patches.push(patchGlobal(realmGlobal, name, wrappers[name]));
    }
  }
  // Only Node's own class: a realm with its own `MessageChannel` (jsdom) keeps it.
  if (
    trackingMessageChannel !== undefined &&
    Reflect.get(realmGlobal, 'MessageChannel') === originalMessageChannel()
  ) {
    patches.push(patchGlobal(realmGlobal, 'MessageChannel', trackingMessageChannel));
  }
  return patches.filter((patch): patch is GlobalPatch => patch !== undefined);
}

/**
 * Tracks the real Node handles that code creates while a scope is active, in that scope's
 * tracker: each becomes a record of its kind, owned by the module of the first creation
 * frame in the user's code, with its creation stack, released when the handle closes, and
 * closable by `closeLeaked`.
 *
 * No `async_hooks`, no promise hooks: the creation points themselves are wrapped (the test
 * realm's timer globals per environment, Node's core modules once per process), and each
 * wrapper calls straight through unless a scope is active and its kind is tracked.
 * Handles created by Jest (circus's test timeout) or by this package are never tracked.
 *
 * @example
 * const autoTracking = installAutoTracking({
 *   realmGlobal: environment.global,
 *   currentTracker: () => scope?.resources,
 *   moduleForFile: (file) => moduleNameForFile(file),
 * });
 */
export function installAutoTracking(options: AutoTrackingOptions): AutoTracking {
  if (typeof options !== 'object' || options === null) {
    throw new IntegrationError(
      'INVALID_ARGUMENT',
      `${CALL}: \`options\` must be an object, but received ${describeValue(options)}. Pass { currentTracker, moduleForFile, realmGlobal? }.`,
      { argument: 'options', received: options },
    );
  }
  assertFunction(
    options.currentTracker,
    'currentTracker',
    "a function returning the running scope's ResourceTracker",
  );
  assertFunction(
    options.moduleForFile,
    'moduleForFile',
    'a function mapping a file path to a module name',
  );
  if (options.isUserFile !== undefined) {
    assertFunction(
      options.isUserFile,
      'isUserFile',
      "a function telling whether a file is the user's code",
    );
  }
  const { realmGlobal, unref = 'ignore', stackTraceLimit = DEFAULT_STACK_TRACE_LIMIT } = options;
  if (realmGlobal !== undefined && (typeof realmGlobal !== 'object' || realmGlobal === null)) {
    throw new IntegrationError(
      'INVALID_ARGUMENT',
      `${CALL}: \`realmGlobal\` must be an object, but received ${describeValue(realmGlobal)}. Pass the test environment's \`global\`.`,
      { argument: 'realmGlobal', received: realmGlobal },
    );
  }
  if (unref !== 'ignore' && unref !== 'report') {
    throw new IntegrationError(
      'INVALID_ARGUMENT',
      `${CALL}: \`unref\` must be 'ignore' or 'report', but received ${describeValue(unref)}. Pass the \`unref\` of resolveAutoTrackOption(option).`,
      { argument: 'unref', received: unref },
    );
  }
  if (!Number.isInteger(stackTraceLimit) || stackTraceLimit < 1) {
    throw new IntegrationError(
      'INVALID_ARGUMENT',
      `${CALL}: \`stackTraceLimit\` must be a positive integer, but received ${describeValue(stackTraceLimit)}. Pass e.g. 20.`,
      { argument: 'stackTraceLimit', received: stackTraceLimit },
    );
  }
  const kinds = resolveKinds(options.kinds);

  const installation = new Installation({
    kinds,
    unref,
    currentTracker: options.currentTracker,
    moduleForFile: options.moduleForFile,
    isUserFile: options.isUserFile ?? isUserFileByDefault,
    stackTraceLimit,
  });
  registerInstallation(installation);
  installCorePatches();
  const realmPatches = realmGlobal === undefined ? [] : patchRealm(realmGlobal, installation);

  return {
    kinds,
    sweep: () => installation.sweep(),
    isIgnored: (record) => installation.isIgnored(record),
    handOver: (object) => {
      const tracked = trackedHandleOf(object);
      if (tracked !== undefined && tracked.attribution.installation === installation) {
        tracked.release();
      }
    },
    describe: (record) => installation.describe(record),
    uninstall() {
      if (!installation.installed) {
        return;
      }
      installation.installed = false;
      for (const patch of realmPatches.reverse()) {
        patch.restore();
      }
      if (unregisterInstallation(installation) === 0) {
        uninstallCorePatches();
      }
    },
  };
}

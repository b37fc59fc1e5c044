import type { AutoTrackKind } from './AutoTrackKind';
import type { AutoTrackTarget } from './AutoTrackTarget';
import { createFileClassifier } from './findCreationOrigin';
import type { ClassifiedFile, CreationOrigin } from './findCreationOrigin';
import { describeHandle, hasRefOf, isHandleClosed } from './handleState';
import type { UnrefPolicy } from './resolveAutoTrackOption';
import type { TrackedHandle } from './TrackedHandle';

/** Who a handle is attributed to: the tracker of the scope that created it. */
export interface Attribution {
  readonly installation: Installation;
  readonly tracker: AutoTrackTarget;
}

/** One environment's auto-tracking settings, as `installAutoTracking` received them. */
export interface InstallationSettings {
  readonly kinds: ReadonlySet<AutoTrackKind>;
  readonly unref: UnrefPolicy;
  readonly currentTracker: () => AutoTrackTarget | undefined;
  readonly moduleForFile: (file: string) => string;
  readonly isUserFile: (file: string) => boolean;
  readonly stackTraceLimit: number;
}

/** The state of one `installAutoTracking` call: its settings and the handles it tracks. */
export class Installation {
  installed = true;
  /** Tracked handles not yet released, by resource id. */
  readonly open = new Map<string, TrackedHandle>();
  readonly #modules = new Map<string, string>();
  #lastAttribution: Attribution | undefined;
  /** Where each file of a creation stack belongs, remembered per file. */
  readonly classifyFile: (reported: string) => ClassifiedFile | undefined;

  constructor(readonly settings: InstallationSettings) {
    this.classifyFile = createFileClassifier(settings.isUserFile);
  }

  /** The cheap test every wrapper makes first. */
  tracks(kind: AutoTrackKind): boolean {
    return this.installed && this.settings.kinds.has(kind);
  }

  currentTracker(): AutoTrackTarget | undefined {
    try {
      return this.settings.currentTracker();
    } catch {
      return undefined;
    }
  }

  /**
   * The attribution to the current tracker, or `undefined` when no scope is active. The
   * same object for as long as the tracker stays current: a test creates its handles in
   * one tracker, and each handle keeps its attribution for its whole life.
   */
  currentAttribution(): Attribution | undefined {
    const tracker = this.currentTracker();
    if (tracker === undefined) {
      return undefined;
    }
    if (this.#lastAttribution?.tracker !== tracker) {
      this.#lastAttribution = { installation: this, tracker };
    }
    return this.#lastAttribution;
  }

  /** `owner_module` for a handle: the user's file through the `modules` mapping, else the npm package, else `'unknown'`. */
  ownerModuleOf(origin: CreationOrigin): string {
    const file = origin.userFile;
    if (file === undefined) {
      return origin.packageName ?? 'unknown';
    }
    let module = this.#modules.get(file);
    if (module === undefined) {
      try {
        module = this.settings.moduleForFile(file);
      } catch {
        module = undefined;
      }
      module = typeof module === 'string' && module.trim() !== '' ? module : 'unknown';
      this.#modules.set(file, module);
    }
    return module;
  }

  sweep(): void {
    for (const tracked of [...this.open.values()]) {
      const handle = tracked.deref();
      if (handle !== undefined && !tracked.opening && isHandleClosed(tracked.kind, handle)) {
        tracked.release();
      }
    }
  }

  isIgnored(record: { readonly resource_id: string }): boolean {
    if (this.settings.unref !== 'ignore') {
      return false;
    }
    const handle = this.open.get(record.resource_id)?.deref();
    return handle !== undefined && !hasRefOf(handle);
  }

  describe(record: { readonly resource_id: string }): Record<string, unknown> | undefined {
    const tracked = this.open.get(record.resource_id);
    const handle = tracked?.deref();
    if (tracked === undefined || handle === undefined) {
      return undefined;
    }
    return { ...describeHandle(tracked.kind, handle), ref: hasRefOf(handle) };
  }

  /** After `clearTimeout(id)` with a number (`+timeout`): release the timers it cleared. */
  releaseClearedTimers(): void {
    for (const tracked of [...this.open.values()]) {
      if (tracked.kind === 'timer' || tracked.kind === 'interval' || tracked.kind === 'immediate') {
        const handle = tracked.deref();
        if (handle !== undefined && isHandleClosed(tracked.kind, handle)) {
          tracked.release();
        }
      }
    }
  }
}

const installations: Installation[] = [];

/** The installation core-module wrappers report to: the latest one still installed. */
export function currentInstallation(): Installation | undefined {
  return installations[installations.length - 1];
}

export function registerInstallation(installation: Installation): void {
  installations.push(installation);
}

/** Returns how many installations remain. */
export function unregisterInstallation(installation: Installation): number {
  const index = installations.indexOf(installation);
  if (index !== -1) {
    installations.splice(index, 1);
  }
  return installations.length;
}

export function allInstallations(): readonly Installation[] {
  return installations;
}

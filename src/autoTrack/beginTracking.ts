import { TRACK_TRUSTED } from '../ResourceTracker';
import type { AutoTrackKind } from './AutoTrackKind';
import { CreationStack, captureCallSites } from './CreationStack';
import { findCreationOrigin } from './findCreationOrigin';
import type { CreationOrigin } from './findCreationOrigin';
import { currentInstallation } from './Installation';
import type { Attribution, Installation } from './Installation';
import { TrackedHandle } from './TrackedHandle';

/** How to finish tracking a handle once it exists. */
export interface HandleDetails {
  /** Kind-specific metadata known at creation (`delay_ms`, `path`, `command`, ...). */
  readonly metadata?: Record<string, unknown>;
  /** Really closes the handle: what `closeLeaked` calls. */
  readonly close: (handle: object) => unknown;
  /** Events after which the handle is closed (`close`, `exit`, `stop`). */
  readonly releaseOn?: readonly string[];
}

/**
 * Frames captured first. Capturing costs about a microsecond and a half a frame, and most
 * handles are created a frame or two below the user's code: only when these frames hold
 * none of it is the stack captured again, to `stackTraceLimit` frames.
 */
const FIRST_LOOK_FRAMES = 10;

let running: Attribution | undefined;
let busy = false;
let creating = 0;
let sequence = 0;

/**
 * Calls the creation point a tracking wrapper wraps. While it runs, wrappers below it
 * (another installation's, another copy of this package's) call straight through, so a
 * handle is recorded once.
 */
export function whileCreating<T>(create: () => T): T {
  creating += 1;
  try {
    return create();
  } finally {
    creating -= 1;
  }
}

/**
 * Runs a callback of a tracked handle (a timer's) in the scope that created the handle, so
 * that what it creates belongs to that scope even when it runs after the scope ended.
 */
export function runAttributed(
  attribution: Attribution,
  callback: (...args: unknown[]) => unknown,
  thisArg: unknown,
  args: ArrayLike<unknown>,
): unknown {
  const previous = running;
  running = attribution;
  try {
    return Reflect.apply(callback, thisArg, args);
  } finally {
    running = previous;
  }
}

/** The scope a new handle of `kind` belongs to, or `undefined` when it is not to be tracked. */
export function resolveAttribution(
  kind: AutoTrackKind,
  installation: Installation | undefined,
): Attribution | undefined {
  if (busy || creating > 0) {
    // Our own bookkeeping (a tracker observer) creating handles, or a handle another
    // wrapper above this one is tracking already.
    return undefined;
  }
  if (running !== undefined) {
    return running.installation.tracks(kind) ? running : undefined;
  }
  if (installation === undefined || !installation.tracks(kind)) {
    return undefined;
  }
  return installation.currentAttribution();
}

/**
 * A handle about to be created in a scope: its creation stack is captured, and `complete`
 * records it once it exists.
 */
export class PendingTracking {
  constructor(
    readonly kind: AutoTrackKind,
    readonly attribution: Attribution,
    readonly creationStack: CreationStack,
    readonly ownerModule: string,
  ) {}

  /** Records the handle in the scope's tracker. Never throws; `undefined` if the tracker refused it. */
  complete(handle: object, details: HandleDetails): TrackedHandle | undefined {
    return trackHandle(
      this.kind,
      this.attribution,
      handle,
      this.creationStack,
      this.ownerModule,
      details,
    );
  }
}

/**
 * The first step of every wrapper: is a scope active, is this kind tracked, and was the
 * handle created by the code under test rather than by Jest? Returns `undefined` (call
 * straight through) otherwise. `below` is the wrapper itself: its frame and everything
 * above it stay out of the creation stack.
 */
export function beginTracking(
  kind: AutoTrackKind,
  below: (...args: never[]) => unknown,
  installation: Installation | undefined = currentInstallation(),
): PendingTracking | undefined {
  const attribution = resolveAttribution(kind, installation);
  if (attribution === undefined) {
    return undefined;
  }
  busy = true;
  try {
    const { stackTraceLimit } = attribution.installation.settings;
    const classifyFile = attribution.installation.classifyFile;
    let callSites = captureCallSites(below, Math.min(FIRST_LOOK_FRAMES, stackTraceLimit));
    let origin: CreationOrigin = findCreationOrigin(callSites, classifyFile);
    if (
      origin.userFrameIndex === -1 &&
      !origin.byTooling &&
      callSites.length < stackTraceLimit &&
      callSites.length === FIRST_LOOK_FRAMES
    ) {
      // Created deep inside a library: look further down for the user's frame that called it.
      callSites = captureCallSites(below, stackTraceLimit);
      origin = findCreationOrigin(callSites, classifyFile);
    }
    if (origin.byTooling) {
      return undefined;
    }
    const stack = new CreationStack(
      origin.userFrameIndex > 0 ? callSites.slice(origin.userFrameIndex) : callSites,
      kind,
    );
    return new PendingTracking(
      kind,
      attribution,
      stack,
      attribution.installation.ownerModuleOf(origin),
    );
  } catch {
    return undefined;
  } finally {
    busy = false;
  }
}

/**
 * Records a handle whose creation stack and owner are known already (a connection a
 * tracked server accepted inherits the server's). Never throws.
 */
export function trackHandle(
  kind: AutoTrackKind,
  attribution: Attribution,
  handle: object,
  creationStack: CreationStack,
  ownerModule: string,
  details: HandleDetails,
): TrackedHandle | undefined {
  if (busy || isAdoptedBy(attribution.tracker, handle)) {
    return undefined;
  }
  busy = true;
  try {
    sequence += 1;
    const id = `${kind}#${sequence}`;
    const tracked = new TrackedHandle(
      id,
      kind,
      attribution,
      creationStack,
      ownerModule,
      handle,
      details.close,
    );
    const tracker = attribution.tracker;
    const metadata = { ...details.metadata, creation_stack: creationStack, auto_tracked: true };
    const close = (): unknown => tracked.closeForTracker();
    if (tracker[TRACK_TRUSTED] === undefined) {
      tracker.trackResource(ownerModule, kind, id, metadata, { close });
    } else {
      tracker[TRACK_TRUSTED](ownerModule, kind, id, metadata, close);
    }
    tracked.watch(handle);
    const emitter = handle as { once?: (event: string, listener: () => void) => unknown };
    if (typeof emitter.once === 'function') {
      const release = (): void => tracked.release();
      for (const event of details.releaseOn ?? []) {
        emitter.once(event, release);
      }
    }
    return tracked;
  } catch {
    // The tracker refused the record (torn down, or an observer threw): leave the handle be.
    return undefined;
  } finally {
    busy = false;
  }
}

/** A handle the test adopted already has its record: tracking it again would count it twice. */
function isAdoptedBy(tracker: Attribution['tracker'], handle: object): boolean {
  try {
    return tracker.isAdopted?.(handle) === true;
  } catch {
    return false;
  }
}

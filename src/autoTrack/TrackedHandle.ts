import { RELEASE_TRUSTED } from '../ResourceTracker';
import type { AutoTrackKind } from './AutoTrackKind';
import type { CreationStack } from './CreationStack';
import type { Attribution } from './Installation';

const trackedHandles = new WeakMap<object, TrackedHandle>();

/** The open tracked entry of a real handle, if it has one. */
export function trackedHandleOf(handle: object): TrackedHandle | undefined {
  return trackedHandles.get(handle);
}

/**
 * Kinds Node itself holds on to until they fire or are cleared (its timer lists, its
 * immediate queue), which is when they are released: holding them strongly keeps none
 * alive any longer, and saves the collector a weak reference for each of the many a
 * test suite makes.
 */
const HELD_BY_NODE_UNTIL_RELEASED: ReadonlySet<AutoTrackKind> = new Set<AutoTrackKind>([
  'timer',
  'interval',
  'immediate',
]);

/**
 * The link between one real handle and its record. It holds the handle weakly: Node
 * keeps an open handle alive by itself, and a handle nobody can reach any more (a file
 * handle dropped without `close`) must stay collectable. Timers are the exception (see
 * `HELD_BY_NODE_UNTIL_RELEASED`).
 */
export class TrackedHandle {
  /** The handle itself, or a weak reference to it (`#weak`). */
  readonly #handle: object;
  readonly #weak: boolean;
  readonly #close: (handle: object) => unknown;
  #open = true;
  /**
   * Still being opened (a server waiting for its address lookup before it listens): a
   * sweep must not take the missing inner handle for a closed one.
   */
  opening = false;

  constructor(
    readonly id: string,
    readonly kind: AutoTrackKind,
    readonly attribution: Attribution,
    readonly creationStack: CreationStack,
    readonly ownerModule: string,
    handle: object,
    close: (handle: object) => unknown,
  ) {
    this.#weak = !HELD_BY_NODE_UNTIL_RELEASED.has(kind);
    this.#handle = this.#weak ? new WeakRef(handle) : handle;
    this.#close = close;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  deref(): object | undefined {
    return this.#weak ? (this.#handle as WeakRef<object>).deref() : this.#handle;
  }

  /** Starts watching: after the tracker accepted the record. */
  watch(handle: object): void {
    trackedHandles.set(handle, this);
    this.attribution.installation.open.set(this.id, this);
  }

  /** The handle closed (or fired): mark its record released. Safe to call twice. */
  release(): void {
    if (!this.#forget()) {
      return;
    }
    const tracker = this.attribution.tracker;
    try {
      if (tracker[RELEASE_TRUSTED] === undefined) {
        tracker.releaseResource(this.id);
      } else {
        tracker[RELEASE_TRUSTED](this.id);
      }
    } catch {
      // Released already through the tracker (`releaseResource` by hand, `closeLeaked`).
    }
  }

  /** `closeLeaked`: close the real handle; the tracker marks the record released itself. */
  closeForTracker(): unknown {
    this.#forget();
    const handle = this.deref();
    return handle === undefined ? undefined : this.#close(handle);
  }

  #forget(): boolean {
    if (!this.#open) {
      return false;
    }
    this.#open = false;
    this.attribution.installation.open.delete(this.id);
    const handle = this.deref();
    if (handle !== undefined && trackedHandles.get(handle) === this) {
      trackedHandles.delete(handle);
    }
    return true;
  }
}

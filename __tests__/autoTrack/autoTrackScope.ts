import { basename } from 'node:path';
import timers from 'node:timers';
import { afterEach, beforeEach } from '@jest/globals';
import { installAutoTracking } from '../../src/autoTrack';
import type { AutoTracking, AutoTrackingOptions, AutoTrackTarget } from '../../src/autoTrack';
import type { ResourceRecord } from '../../src/records';

// Captured before any installation: waiting in a test must not create tracked timers.
const realSetTimeout = globalThis.setTimeout;

/** The functions as they were before any installation. */
export const originals = {
  setTimeout: globalThis.setTimeout,
  timersSetTimeout: timers.setTimeout,
};

/** Waits `ms` with a timer nobody tracks. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}

/** Polls `condition` (a tick, then every 5 ms, up to 2 s), as the environment's settle wait does. */
export async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await sleep(0);
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`Condition not met within ${timeoutMs} ms: ${condition.toString()}`);
    }
    await sleep(5);
  }
}

/**
 * A stand-in for `ResourceTracker` with the part auto-tracking uses and the look-ups these
 * tests read, so that they test auto-tracking alone.
 */
export class RecordingTracker implements AutoTrackTarget {
  readonly #records: ResourceRecord[] = [];
  readonly #closers = new Map<ResourceRecord, () => unknown>();
  /** Objects the test adopted itself, as `ResourceTracker.adopt` would report them. */
  readonly adopted = new WeakSet<object>();

  isAdopted(object: object): boolean {
    return this.adopted.has(object);
  }

  trackResource(
    module: string,
    type: string,
    id: string,
    metadata: Record<string, unknown> = {},
    options: { close?: () => unknown } = {},
  ): ResourceRecord {
    if (this.#active(id) !== undefined) {
      throw new Error(`duplicate id ${id}`);
    }
    const record: ResourceRecord = {
      resource_id: id,
      resource_type: type,
      owner_module: module,
      created_at: Date.now(),
      state: 'active',
      metadata: { ...metadata },
    };
    this.#records.push(record);
    if (options.close !== undefined) {
      this.#closers.set(record, options.close);
    }
    return record;
  }

  releaseResource(id: string): ResourceRecord {
    const record = this.#active(id);
    if (record === undefined) {
      throw new Error(`no active record ${id}`);
    }
    record.state = 'released';
    record.released_at = Date.now();
    return record;
  }

  /** The active records. */
  verifyCleanup(): ResourceRecord[] {
    return this.#records.filter((record) => record.state === 'active');
  }

  /** Every record, in the order they were tracked. */
  getAllResources(filter: { type?: string; state?: string } = {}): ResourceRecord[] {
    return this.#records.filter(
      (record) =>
        (filter.type === undefined || record.resource_type === filter.type) &&
        (filter.state === undefined || record.state === filter.state),
    );
  }

  /** Closes and releases every active record that has a closer, as `ResourceTracker` does. */
  async closeLeaked(): Promise<ResourceRecord[]> {
    const closed: ResourceRecord[] = [];
    for (const record of this.verifyCleanup()) {
      const close = this.#closers.get(record);
      if (close === undefined) {
        continue;
      }
      try {
        await close();
      } catch (error) {
        record.metadata.close_error = String(error);
      }
      record.metadata.closed_by = 'environment';
      this.releaseResource(record.resource_id);
      closed.push(record);
    }
    return closed;
  }

  #active(id: string): ResourceRecord | undefined {
    return this.#records.find((record) => record.resource_id === id && record.state === 'active');
  }
}

/** The owner module the tests' mapping gives a file: `autoTrack.<file name without extensions>`. */
export function moduleOfTestFile(file: string): string {
  return `autoTrack.${basename(file).replace(/\..*$/, '')}`;
}

export interface AutoTrackScope {
  /** The installation of the running test. */
  readonly autoTracking: AutoTracking;
  /** Starts a fresh scope (as the environment does for a test) and returns its tracker. */
  enter(): RecordingTracker;
  /** No scope is active any more (between tests). */
  exit(): void;
  /** The records of one tracker of this test, as plain data (`metadata` left out). */
  records(
    tracker: RecordingTracker,
    filter?: { type?: string },
  ): Pick<ResourceRecord, 'resource_type' | 'owner_module' | 'state'>[];
  /** Settles, then expects every record of every tracker entered in this test to be released. */
  expectAllReleased(): Promise<void>;
}

/**
 * Installs auto-tracking around each test of the file, with the test realm's global as the
 * realm (as the environment does), and closes whatever a test left open afterwards.
 */
export function useAutoTrackScope(options: Partial<AutoTrackingOptions> = {}): AutoTrackScope {
  let current: RecordingTracker | undefined;
  let trackers: RecordingTracker[] = [];
  let autoTracking: AutoTracking | undefined;

  beforeEach(() => {
    autoTracking = installAutoTracking({
      realmGlobal: globalThis,
      currentTracker: () => current,
      moduleForFile: moduleOfTestFile,
      ...options,
    });
  });

  afterEach(async () => {
    current = undefined;
    for (const tracker of trackers) {
      await tracker.closeLeaked();
    }
    trackers = [];
    autoTracking?.uninstall();
  });

  const scope: AutoTrackScope = {
    get autoTracking(): AutoTracking {
      if (autoTracking === undefined) {
        throw new Error('useAutoTrackScope: read `autoTracking` inside a test');
      }
      return autoTracking;
    },
    enter() {
      current = new RecordingTracker();
      trackers.push(current);
      return current;
    },
    exit() {
      current = undefined;
    },
    records(tracker, filter) {
      return tracker
        .getAllResources(filter)
        .map(({ resource_type, owner_module, state }) => ({ resource_type, owner_module, state }));
    },
    async expectAllReleased() {
      const open = (): Readonly<ResourceRecord>[] => {
        scope.autoTracking.sweep();
        return trackers.flatMap((tracker) => tracker.verifyCleanup());
      };
      try {
        await until(() => open().length === 0);
      } catch {
        throw new Error(
          `Still open: ${open()
            .map((record) => `${record.resource_id} (${record.resource_type})`)
            .join(', ')}`,
        );
      }
    },
  };
  return scope;
}

/** One more installation, with its own always-active tracker, for tests of options. */
export function installWithTracker(options: Partial<AutoTrackingOptions> = {}): {
  tracker: RecordingTracker;
  autoTracking: AutoTracking;
} {
  const tracker = new RecordingTracker();
  const autoTracking = installAutoTracking({
    realmGlobal: globalThis,
    currentTracker: () => tracker,
    moduleForFile: moduleOfTestFile,
    ...options,
  });
  return { tracker, autoTracking };
}

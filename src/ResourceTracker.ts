import { assertNonEmptyString } from './assertArgument';
import { BRAND } from './brand';
import { now } from './clock';
import { describeValue } from './describeValue';
import { IntegrationError } from './IntegrationError';
import { isErrorLike } from './isErrorLike';
import type { ResourceRecord, ResourceState } from './records';
import type { SerializedError } from './toJSONSafe';
import { serializeError, toJSONSafe } from './toJSONSafe';

/**
 * Observers the environment and the reporter use to follow a tracker. An observer that
 * throws never breaks tracking: the error is reported once per tracker as a process warning.
 *
 * @example
 * const resources = new ResourceTracker({
 *   onTrack: (record) => timeline.opened(record),
 *   onRelease: (record) => timeline.closed(record),
 * });
 */
export interface ResourceTrackerOptions {
  /** Called with the new active record after every `trackResource` and `adopt`. */
  onTrack?: (record: Readonly<ResourceRecord>) => void;
  /** Called with the released record after every release (by any means). */
  onRelease?: (record: Readonly<ResourceRecord>) => void;
  /**
   * Called after `adopt` with the object and its new record, so that whoever tracked the
   * same object on its own (automatic tracking of Node handles) can hand it over: one
   * real resource, one record.
   */
  onAdopt?: (object: object, record: Readonly<ResourceRecord>) => void;
  /**
   * Called before every look-up (`verifyCleanup`, `getResourceState`, `getAllResources`), to
   * bring records up to date first: automatic tracking releases the records of handles that
   * closed a moment ago but whose `close` event is still to come.
   */
  beforeRead?: () => void;
}

/**
 * How `trackResource` may close a resource that a test leaks.
 *
 * @example
 * resources.trackResource('api', 'tcp-server', 'server:8080', { port: 8080 }, {
 *   close: () => new Promise((resolve) => server.close(resolve)),
 * });
 */
export interface TrackResourceOptions {
  /** Closes the resource; may return a promise, which `closeLeaked` awaits. */
  close?: () => unknown;
}

/**
 * How `adopt` recognises that an object was released. A string is short for `{ release }`.
 *
 * @example
 * resources.adopt('jobs', 'queue', queue, { id: 'queue:mail', release: ['drain', 'stop'] });
 * resources.adopt('jobs', 'child-process', child, { event: 'exit' });
 */
export interface AdoptOptions {
  /** The record's id; by default `${type}:${n}`, unique among the tracker's active ids. */
  id?: string;
  /** The method(s) whose call releases the record; by default the first of close, destroy, terminate, end, kill. */
  release?: string | string[];
  /** The event that releases the record when the object emits it; by default `'close'`. */
  event?: string;
}

/**
 * What `closeLeaked` accepts.
 *
 * @example
 * await resources.closeLeaked({ timeout: 1000 });
 */
export interface CloseLeakedOptions {
  /** How long to wait for closers that return promises, in ms (default 5000). */
  timeout?: number;
  /**
   * Which active records to close (default: every one that has a closer). The environment
   * closes only what it reported, never what a test allowed or the `ignore` option excuses.
   */
  filter?: (record: Readonly<ResourceRecord>) => boolean;
}

/** Filters of `getAllResources`: every given field must match. */
export interface ResourceFilter {
  module?: string;
  type?: string;
  state?: ResourceState;
}

const RELEASE_METHODS = ['close', 'destroy', 'terminate', 'end', 'kill'] as const;
const LOOKED_FOR = 'close(), destroy(), terminate(), end() or kill()';
const DEFAULT_CLOSE_TIMEOUT_MS = 5000;
const EMPTY_METADATA: Readonly<Record<string, unknown>> = Object.freeze({});

const TRACK_CALL = 'resources.trackResource(module, type, id, metadata?, options?)';
const RELEASE_CALL = 'resources.releaseResource(id)';
const VERIFY_CALL = 'resources.verifyCleanup(module?)';
/**
 * @internal `trackResource` for a caller whose arguments are right by construction
 * (automatic tracking, thousands of times a run): their types are not checked again, and
 * no record is handed back. A duplicate id is refused as by `trackResource`.
 */
export const TRACK_TRUSTED = Symbol('jest-environment-integration.trackTrusted');
/** @internal `releaseResource` for the same callers: no record is handed back. */
export const RELEASE_TRUSTED = Symbol('jest-environment-integration.releaseTrusted');

const STATE_CALL = 'resources.getResourceState(id)';
const ALL_CALL = 'resources.getAllResources(filter?)';
const ADOPT_CALL = 'resources.adopt(module, type, object, how?)';
const CLOSE_CALL = 'resources.closeLeaked(options?)';
const CONSTRUCTOR_CALL = 'new ResourceTracker(options?)';
const MODULE_HINT = "a module name such as 'cache.store'";
const TYPE_HINT = "a resource type such as 'tcp-server'";
const ID_HINT = "an id unique among active resources, such as 'server:8080'";

/**
 * A record as the tracker hands it out: a fresh copy of the resource's state at the time
 * of the call, with exactly the DESIGN keys. Mutating it changes nothing in the tracker.
 */
class ResourceRecordSnapshot implements ResourceRecord {
  declare resource_id: string;
  declare resource_type: string;
  declare owner_module: string;
  declare created_at: number;
  declare state: ResourceState;
  declare metadata: Record<string, unknown>;
  declare released_at?: number;

  constructor(
    id: string,
    type: string,
    module: string,
    createdAt: number,
    metadata: Readonly<Record<string, unknown>>,
    releasedAt: number | undefined,
  ) {
    // Assigned in the DESIGN's key order, so keys and JSON read alike in every language.
    this.resource_id = id;
    this.resource_type = type;
    this.owner_module = module;
    this.created_at = createdAt;
    if (releasedAt === undefined) {
      this.state = 'active';
      this.metadata = metadata;
    } else {
      this.state = 'released';
      this.metadata = metadata;
      this.released_at = releasedAt;
    }
  }

  /** A JSON-safe copy: `JSON.stringify(record)` never throws, whatever the metadata holds. */
  toJSON(): Record<string, unknown> {
    return toJSONSafe({ ...this }) as Record<string, unknown>;
  }
}

/**
 * The tracker's own record of an active resource. It never leaves the tracker, so its
 * fields can be trusted without copying or freezing. Entries are linked into their module's
 * and their type's lists directly: a `Set` per index would cost four hash operations per
 * track+release pair, about a fifth of the time budget.
 */
class ActiveResource {
  previousInModule: ActiveResource | undefined = undefined;
  nextInModule: ActiveResource | undefined = undefined;
  previousInType: ActiveResource | undefined = undefined;
  nextInType: ActiveResource | undefined = undefined;

  constructor(
    readonly id: string,
    readonly createdAt: number,
    readonly metadata: Readonly<Record<string, unknown>>,
    readonly moduleBucket: IndexBucket,
    readonly typeBucket: IndexBucket,
    readonly close: (() => unknown) | undefined,
  ) {}

  get module(): string {
    return this.moduleBucket.name;
  }

  get type(): string {
    return this.typeBucket.name;
  }

  snapshot(): ResourceRecordSnapshot {
    return new ResourceRecordSnapshot(
      this.id,
      this.type,
      this.module,
      this.createdAt,
      this.metadata,
      undefined,
    );
  }

  /** Its record once released at `releasedAt`, with `metadata` as it was released. */
  releasedSnapshot(
    metadata: Readonly<Record<string, unknown>>,
    releasedAt: number,
  ): ResourceRecordSnapshot {
    return new ResourceRecordSnapshot(
      this.id,
      this.type,
      this.module,
      this.createdAt,
      metadata,
      releasedAt,
    );
  }

  /** Appends this entry to its module's and its type's active lists. */
  link(): void {
    const modules = this.moduleBucket;
    this.previousInModule = modules.last;
    if (modules.last === undefined) {
      modules.first = this;
    } else {
      modules.last.nextInModule = this;
    }
    modules.last = this;
    modules.size += 1;

    const types = this.typeBucket;
    this.previousInType = types.last;
    if (types.last === undefined) {
      types.first = this;
    } else {
      types.last.nextInType = this;
    }
    types.last = this;
    types.size += 1;
  }

  /** Takes this entry out of both lists, and lets go of its neighbours. */
  unlink(): void {
    const modules = this.moduleBucket;
    const { previousInModule, nextInModule } = this;
    if (previousInModule === undefined) {
      modules.first = nextInModule;
    } else {
      previousInModule.nextInModule = nextInModule;
    }
    if (nextInModule === undefined) {
      modules.last = previousInModule;
    } else {
      nextInModule.previousInModule = previousInModule;
    }
    modules.size -= 1;

    const types = this.typeBucket;
    const { previousInType, nextInType } = this;
    if (previousInType === undefined) {
      types.first = nextInType;
    } else {
      previousInType.nextInType = nextInType;
    }
    if (nextInType === undefined) {
      types.last = previousInType;
    } else {
      nextInType.previousInType = previousInType;
    }
    types.size -= 1;

    this.previousInModule = this.nextInModule = this.previousInType = this.nextInType = undefined;
  }
}

/**
 * The records of one module, or of one type: its active entries in tracking order (linked
 * through `ActiveResource`), and the positions of its released records in the history.
 */
class IndexBucket {
  first: ActiveResource | undefined = undefined;
  last: ActiveResource | undefined = undefined;
  size = 0;
  /** Filled lazily by `#indexReleased`, in release order. */
  readonly releasedPositions: number[] = [];

  constructor(
    readonly name: string,
    readonly number: number,
  ) {}
}

const CHUNK_BITS = 12;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;
/**
 * The first chunk starts this small: a tracker per test releases a timer or two.
 */
const FIRST_CHUNK_CAPACITY = 4;
/**
 * Chunks up to this many records keep their columns in plain arrays: making typed arrays
 * costs microseconds each in a busy Jest worker, more than a small chunk ever saves.
 */
const PLAIN_CHUNK_CAPACITY = 64;

type NumberColumn = Uint32Array | Float64Array | number[];

/** A slice of the history: CHUNK_SIZE records (the first chunk starts small and grows). */
class HistoryChunk {
  readonly ids: string[];
  /** Two per record: the number of its module's bucket, then of its type's. */
  readonly names: Uint32Array | number[];
  /** Two per record: `created_at`, then `released_at`. */
  readonly times: Float64Array | number[];
  /** One per record, only once a record of this chunk has metadata. */
  metadata: Array<Readonly<Record<string, unknown>>> | undefined = undefined;

  constructor(capacity: number) {
    this.ids = new Array<string>(capacity).fill('');
    if (capacity <= PLAIN_CHUNK_CAPACITY) {
      this.names = new Array<number>(capacity * 2).fill(0);
      this.times = new Array<number>(capacity * 2).fill(0);
    } else {
      this.names = new Uint32Array(capacity * 2);
      this.times = new Float64Array(capacity * 2);
    }
  }

  grown(): HistoryChunk {
    const capacity = this.ids.length;
    const grown = new HistoryChunk(capacity * 2);
    for (let offset = 0; offset < capacity; offset++) {
      grown.ids[offset] = this.ids[offset]!;
    }
    copyColumn(this.names, grown.names);
    copyColumn(this.times, grown.times);
    if (this.metadata !== undefined) {
      grown.metadata = [
        ...this.metadata,
        ...new Array<Readonly<Record<string, unknown>>>(capacity).fill(EMPTY_METADATA),
      ];
    }
    return grown;
  }
}

function copyColumn(from: NumberColumn, to: NumberColumn): void {
  for (let index = 0; index < from.length; index++) {
    to[index] = from[index]!;
  }
}

/**
 * Every released record, in release order, as columns in fixed-size chunks: 32 bytes a
 * record plus its id (and a pointer for metadata, once any record has some), where objects
 * would take about 150. Chunks never move once full, so appending costs no copying.
 */
class ReleasedHistory {
  length = 0;
  readonly chunks: HistoryChunk[] = [];

  append(
    id: string,
    moduleNumber: number,
    typeNumber: number,
    createdAt: number,
    releasedAt: number,
    metadata: Readonly<Record<string, unknown>>,
  ): void {
    const position = this.length;
    const offset = position & CHUNK_MASK;
    let chunk: HistoryChunk;
    if (offset === 0) {
      chunk = new HistoryChunk(position === 0 ? FIRST_CHUNK_CAPACITY : CHUNK_SIZE);
      this.chunks.push(chunk);
    } else {
      chunk = this.chunks[position >>> CHUNK_BITS]!;
      if (offset === chunk.ids.length) {
        chunk = chunk.grown();
        this.chunks[position >>> CHUNK_BITS] = chunk;
      }
    }
    chunk.ids[offset] = id;
    chunk.names[offset * 2] = moduleNumber;
    chunk.names[offset * 2 + 1] = typeNumber;
    chunk.times[offset * 2] = createdAt;
    chunk.times[offset * 2 + 1] = releasedAt;
    if (chunk.metadata !== undefined) {
      chunk.metadata[offset] = metadata;
    } else if (metadata !== EMPTY_METADATA) {
      chunk.metadata = new Array<Readonly<Record<string, unknown>>>(chunk.ids.length).fill(
        EMPTY_METADATA,
      );
      chunk.metadata[offset] = metadata;
    }
    this.length = position + 1;
  }

  chunkAt(position: number): HistoryChunk {
    return this.chunks[position >>> CHUNK_BITS]!;
  }
}

/**
 * Keeps the resources that modules open, and tells which are still open.
 *
 * Every record it returns is a fresh copy (a class instance with exactly the DESIGN keys)
 * of the resource's state at the time of the call: mutate it freely, the tracker never sees
 * it, and ask `getResourceState(id)` again for the current state. A record's `metadata` is
 * the very object given to `trackResource`, kept by reference and never changed (copying
 * and freezing it would cost more than the rest of a track+release pair); `closeLeaked`
 * gives the released record a new object with `closed_by` added. Without metadata it is a
 * shared frozen empty object.
 *
 * Active records are indexed by id, module and type, so a leak check costs what the active
 * records cost however many were released. Released records are all kept, in release order,
 * as compact columns; the indexes over them are built on first look-up, off the hot path.
 *
 * @example
 * const resources = new ResourceTracker();
 * resources.trackResource('cache', 'fs-watcher', 'watch:/tmp/cache', { path: '/tmp/cache' });
 * resources.adopt('api', 'tcp-server', server);       // released when server.close() runs
 * resources.releaseResource('watch:/tmp/cache');
 * resources.verifyCleanup('cache');                   // [] : nothing of 'cache' leaked
 */
export class ResourceTracker {
  readonly #activeById = new Map<string, ActiveResource>();
  readonly #modules = new Map<string, IndexBucket>();
  readonly #moduleBuckets: IndexBucket[] = [];
  readonly #types = new Map<string, IndexBucket>();
  readonly #typeBuckets: IndexBucket[] = [];
  readonly #history = new ReleasedHistory();
  /** The last released position of each id, for released records indexed so far. */
  // Made when first needed: a tracker per test that is never asked by id, nor adopts,
  // nor has an observer throw, makes none of these three.
  #releasedPositionById: Map<string, number> | undefined;
  #releasedIndexedUpTo = 0;
  #adopted: WeakMap<object, ActiveResource> | undefined;
  #adoptedCount = 0;
  readonly #onTrack: ((record: Readonly<ResourceRecord>) => void) | undefined;
  readonly #onRelease: ((record: Readonly<ResourceRecord>) => void) | undefined;
  readonly #onAdopt: ((object: object, record: Readonly<ResourceRecord>) => void) | undefined;
  readonly #beforeRead: (() => void) | undefined;
  #reading = false;
  #warnedObservers: Set<string> | undefined;

  /**
   * @example
   * const resources = new ResourceTracker({ onRelease: (record) => log.push(record) });
   */
  constructor(options?: ResourceTrackerOptions) {
    if (options === undefined) {
      return;
    }
    if (!isPlainObject(options)) {
      throw invalidArgument(
        `${CONSTRUCTOR_CALL}: \`options\` must be a plain object or undefined, but received ${describeValue(options)}. Pass { onTrack?, onRelease?, onAdopt?, beforeRead? }.`,
        'options',
        options,
      );
    }
    assertKnownKeys(
      options,
      ['onTrack', 'onRelease', 'onAdopt', 'beforeRead'],
      CONSTRUCTOR_CALL,
      'options',
      'an observer: onTrack, onRelease, onAdopt or beforeRead',
    );
    this.#beforeRead = readObserver(options, 'beforeRead') as (() => void) | undefined;
    this.#onTrack = readObserver(options, 'onTrack');
    this.#onRelease = readObserver(options, 'onRelease');
    this.#onAdopt = readObserver(options, 'onAdopt') as
      ((object: object, record: Readonly<ResourceRecord>) => void) | undefined;
  }

  get [BRAND](): 'ResourceTracker' {
    return 'ResourceTracker';
  }

  /**
   * Records an active resource and returns its record. `options.close` is how
   * `closeLeaked` may close it if the test leaks it.
   *
   * @throws IntegrationError `INVALID_ARGUMENT` for an empty or non-string module, type or id,
   *   or metadata that is not a plain object; `DUPLICATE_RESOURCE_ID` if `id` is active.
   * @example
   * const record = resources.trackResource('cache', 'temp-dir', dir, { path: dir });
   * record.state; // 'active'
   */
  trackResource(
    module: string,
    type: string,
    id: string,
    metadata?: Record<string, unknown>,
    options?: TrackResourceOptions,
  ): Readonly<ResourceRecord> {
    if (!isName(module)) assertNonEmptyString(module, TRACK_CALL, 'module', MODULE_HINT);
    if (!isName(type)) assertNonEmptyString(type, TRACK_CALL, 'type', TYPE_HINT);
    if (!isName(id)) assertNonEmptyString(id, TRACK_CALL, 'id', ID_HINT);
    const kept = metadata === undefined ? EMPTY_METADATA : readMetadata(metadata);
    const close = options === undefined ? undefined : readCloser(options);
    if (this.#activeById.get(id) !== undefined) {
      throw this.#duplicateId(TRACK_CALL, id);
    }
    return this.#track(module, type, id, kept, close).snapshot();
  }

  /**
   * Marks the active resource `id` released and returns its released record.
   *
   * @throws IntegrationError `UNKNOWN_RESOURCE_ID` for an id never tracked,
   *   `RESOURCE_ALREADY_RELEASED` for one whose record is already released.
   * @example
   * resources.releaseResource('watch:/tmp/cache').state; // 'released'
   */
  releaseResource(id: string): Readonly<ResourceRecord> {
    if (!isName(id)) assertNonEmptyString(id, RELEASE_CALL, 'id', 'the id given to trackResource');
    const active = this.#activeById.get(id);
    if (active === undefined) {
      throw this.#notActive(id);
    }
    return active.releasedSnapshot(active.metadata, this.#release(active, active.metadata));
  }

  /** @internal See {@link TRACK_TRUSTED}. */
  [TRACK_TRUSTED](
    module: string,
    type: string,
    id: string,
    metadata: Readonly<Record<string, unknown>>,
    close: (() => unknown) | undefined,
  ): void {
    if (this.#activeById.get(id) !== undefined) {
      throw this.#duplicateId(TRACK_CALL, id);
    }
    this.#track(module, type, id, metadata, close);
  }

  /** @internal See {@link RELEASE_TRUSTED}. */
  [RELEASE_TRUSTED](id: string): void {
    const active = this.#activeById.get(id);
    if (active === undefined) {
      throw this.#notActive(id);
    }
    this.#release(active, active.metadata);
  }

  /**
   * The leaks: the still-active records (of `module`, when given), in tracking order. Costs
   * what those records cost, however many were released before.
   *
   * @example
   * expect(resources.verifyCleanup('cache')).toEqual([]);
   */
  verifyCleanup(module?: string): Readonly<ResourceRecord>[] {
    this.#refresh();
    if (module !== undefined && !isName(module)) {
      assertNonEmptyString(module, VERIFY_CALL, 'module', MODULE_HINT);
    }
    const leaks: Readonly<ResourceRecord>[] = [];
    this.#collectActive(module, undefined, leaks);
    return leaks;
  }

  /**
   * The current record of `id`: the active one, else the last released one, else
   * `undefined` for an id never tracked.
   *
   * @example
   * resources.getResourceState('server:8080')?.state; // 'active' | 'released' | undefined
   */
  getResourceState(id: string): Readonly<ResourceRecord> | undefined {
    this.#refresh();
    if (!isName(id)) assertNonEmptyString(id, STATE_CALL, 'id', 'the id given to trackResource');
    const active = this.#activeById.get(id);
    if (active !== undefined) {
      return active.snapshot();
    }
    const position = this.#releasedPosition(id);
    return position === undefined ? undefined : this.#releasedRecord(position);
  }

  /**
   * Every record that matches the filter: released ones first, in release order, then the
   * active ones, in tracking order. A module or type filter reads only that module's or
   * type's records.
   *
   * @example
   * resources.getAllResources({ module: 'cache', state: 'released' });
   */
  getAllResources(filter?: ResourceFilter): Readonly<ResourceRecord>[] {
    this.#refresh();
    const { module, type, state } = readFilter(filter);
    const result: Readonly<ResourceRecord>[] = [];
    if (state !== 'active') {
      this.#collectReleased(module, type, result);
    }
    if (state !== 'released') {
      this.#collectActive(module, type, result);
    }
    return result;
  }

  /**
   * Tracks a real object and releases its record when the object's release method is
   * called (the first of close, destroy, terminate, end, kill it has, or those `how`
   * names) or it emits `close` (or `how.event`), whichever comes first, exactly once. The
   * object is held weakly; its release method becomes the record's closer for
   * `closeLeaked`.
   *
   * @throws IntegrationError `INVALID_ARGUMENT` for a non-object, an object with none of
   *   those methods (and no `how`), or a `how` naming a method the object lacks;
   *   `DUPLICATE_RESOURCE_ID` when the id, or the object itself, is already active.
   * @example
   * const server = net.createServer().listen(0);
   * resources.adopt('api', 'tcp-server', server);              // id 'tcp-server:1'
   * resources.adopt('jobs', 'child-process', child, { event: 'exit' });
   */
  adopt(
    module: string,
    type: string,
    object: object,
    how?: string | AdoptOptions,
  ): Readonly<ResourceRecord> {
    if (!isName(module)) assertNonEmptyString(module, ADOPT_CALL, 'module', MODULE_HINT);
    if (!isName(type)) assertNonEmptyString(type, ADOPT_CALL, 'type', TYPE_HINT);
    if ((typeof object !== 'object' || object === null) && typeof object !== 'function') {
      throw invalidArgument(
        `${ADOPT_CALL}: \`object\` must be an object with a ${LOOKED_FOR} method, but received ${describeValue(object)}. Pass the resource itself, such as a net.Server or an fs.FSWatcher.`,
        'object',
        object,
      );
    }
    const plan = planAdoption(object, how);
    const earlier = this.#adopted?.get(object);
    if (earlier !== undefined && this.#activeById.get(earlier.id) === earlier) {
      throw new IntegrationError(
        'DUPLICATE_RESOURCE_ID',
        `${ADOPT_CALL}: this object is already tracked as '${earlier.id}' (a '${earlier.type}' of module '${earlier.module}'). Adopt each object once; its release already releases that record.`,
        { resource_id: earlier.id },
      );
    }
    const id = plan.id ?? this.#nextAdoptedId(type);
    if (this.#activeById.get(id) !== undefined) {
      throw this.#duplicateId(ADOPT_CALL, id);
    }

    // The record exists only after the wrappers are in place; until then settling is a no-op.
    const adoption: {
      active: ActiveResource | undefined;
      settled: boolean;
      listeningTo: string | undefined;
    } = { active: undefined, settled: false, listeningTo: undefined };
    const target = new WeakRef(object);
    const settle = (): void => {
      if (adoption.settled) {
        return;
      }
      adoption.settled = true;
      if (adoption.listeningTo !== undefined) {
        stopListening(target.deref(), adoption.listeningTo, settle);
      }
      const active = adoption.active;
      if (active !== undefined && this.#activeById.get(active.id) === active) {
        this.#release(active, active.metadata);
      }
    };
    const originals = wrapReleaseMethods(object, plan.methods, settle);
    if (plan.listen !== undefined) {
      try {
        plan.listen.subscribe.call(object, plan.listen.event, settle);
        adoption.listeningTo = plan.listen.event;
      } catch (error) {
        // Watching its methods is enough, unless the caller asked for this event.
        if (plan.methods.length === 0 || plan.listen.requested) {
          originals.restore();
          throw invalidArgument(
            `${ADOPT_CALL}: listening for '${plan.listen.event}' on the object threw ${describeThrown(error)}. Name its release method with \`how\` instead, such as { release: 'close' }.`,
            'object',
            object,
          );
        }
      }
    }
    const firstOriginal = originals.functions[0];
    const close =
      firstOriginal === undefined
        ? undefined
        : (): unknown => {
            const live = target.deref();
            return live === undefined ? undefined : Reflect.apply(firstOriginal, live, []);
          };
    const metadata = Object.freeze({
      object_type: constructorName(object),
      release_methods: Object.freeze([...plan.methods]),
      release_event: adoption.listeningTo ?? null,
    });
    const active = this.#track(module, type, id, metadata, close);
    adoption.active = active;
    (this.#adopted ??= new WeakMap()).set(object, active);
    const record = active.snapshot();
    if (this.#onAdopt !== undefined) {
      this.#notifyAdopted(this.#onAdopt, object, record);
    }
    return record;
  }

  /** Runs `beforeRead` once per look-up: never re-entered, and a throw never fails the look-up. */
  #refresh(): void {
    if (this.#beforeRead === undefined || this.#reading) {
      return;
    }
    this.#reading = true;
    try {
      this.#beforeRead();
    } catch {
      // Records stay as they were; the look-up still answers.
    } finally {
      this.#reading = false;
    }
  }

  // Its own method: a closure over `object` inside adopt() would share adopt's context with
  // the record's closer, and hold the adopted object strongly.
  #notifyAdopted(
    onAdopt: (object: object, record: Readonly<ResourceRecord>) => void,
    object: object,
    record: ResourceRecordSnapshot,
  ): void {
    this.#notify((snapshot) => onAdopt(object, snapshot), 'onAdopt', record);
  }

  /**
   * Whether `object` was adopted by this tracker and its record is still active.
   *
   * @example
   * resources.adopt('api', 'tcp-server', server);
   * resources.isAdopted(server); // true, until server.close()
   */
  isAdopted(object: unknown): boolean {
    if ((typeof object !== 'object' || object === null) && typeof object !== 'function') {
      return false;
    }
    const active = this.#adopted?.get(object);
    return active !== undefined && this.#activeById.get(active.id) === active;
  }

  /**
   * Closes what leaked: for every still-active record that has a closer (from
   * `trackResource`'s `options.close` or `adopt`), calls it, awaits a returned promise (for
   * at most `options.timeout` ms), and marks the record released with
   * `metadata.closed_by = 'environment'` (and `metadata.close_error` if the closer threw,
   * rejected or timed out). Records without a closer stay active.
   *
   * @returns the records it closed, in tracking order.
   * @example
   * const closed = await resources.closeLeaked();
   * closed.map((record) => record.metadata.closed_by); // ['environment', ...]
   */
  async closeLeaked(options?: CloseLeakedOptions): Promise<Readonly<ResourceRecord>[]> {
    const timeout = readTimeout(options);
    const filter = readCloseFilter(options);
    const leaked: ActiveResource[] = [];
    const outcomes: Array<Promise<CloseOutcome>> = [];
    for (const active of this.#activeById.values()) {
      if (active.close !== undefined && (filter === undefined || filter(active.snapshot()))) {
        leaked.push(active);
      }
    }
    // Collected first: a closer may release or track other resources while it runs.
    for (const active of leaked) {
      outcomes.push(
        this.#activeById.get(active.id) === active
          ? runCloser(active.close!)
          : Promise.resolve(SKIPPED),
      );
    }
    const settled = await settleWithin(outcomes, timeout);
    const closed: Readonly<ResourceRecord>[] = [];
    for (let index = 0; index < leaked.length; index++) {
      const active = leaked[index]!;
      const outcome = settled[index]!;
      if (outcome === SKIPPED) {
        continue;
      }
      if (this.#activeById.get(active.id) === active) {
        const metadata: Record<string, unknown> = { ...active.metadata, closed_by: 'environment' };
        if (outcome !== CLOSED) {
          metadata.close_error = outcome.error;
        }
        const frozen = Object.freeze(metadata);
        closed.push(active.releasedSnapshot(frozen, this.#release(active, frozen)));
      } else {
        // The closer released it itself (say, through releaseResource): report that record.
        const current = this.getResourceState(active.id);
        if (current?.state === 'released' && current.created_at === active.createdAt) {
          closed.push(current);
        }
      }
    }
    return closed;
  }

  #track(
    module: string,
    type: string,
    id: string,
    metadata: Readonly<Record<string, unknown>>,
    close: (() => unknown) | undefined,
  ): ActiveResource {
    const moduleBucket = this.#bucket(this.#modules, this.#moduleBuckets, module);
    const typeBucket = this.#bucket(this.#types, this.#typeBuckets, type);
    const active = new ActiveResource(id, now(), metadata, moduleBucket, typeBucket, close);
    this.#activeById.set(id, active);
    active.link();
    if (this.#onTrack !== undefined) {
      this.#notify(this.#onTrack, 'onTrack', active.snapshot());
    }
    return active;
  }

  /** Returns when it was released. */
  #release(active: ActiveResource, metadata: Readonly<Record<string, unknown>>): number {
    this.#activeById.delete(active.id);
    active.unlink();
    const releasedAt = now();
    this.#history.append(
      active.id,
      active.moduleBucket.number,
      active.typeBucket.number,
      active.createdAt,
      releasedAt,
      metadata,
    );
    if (this.#onRelease !== undefined) {
      this.#notify(this.#onRelease, 'onRelease', active.releasedSnapshot(metadata, releasedAt));
    }
    return releasedAt;
  }

  #bucket(byName: Map<string, IndexBucket>, list: IndexBucket[], name: string): IndexBucket {
    let bucket = byName.get(name);
    if (bucket === undefined) {
      bucket = new IndexBucket(name, list.length);
      byName.set(name, bucket);
      list.push(bucket);
    }
    return bucket;
  }

  #notify(
    observer: (record: Readonly<ResourceRecord>) => void,
    hook: 'onTrack' | 'onRelease' | 'onAdopt',
    record: ResourceRecordSnapshot,
  ): void {
    try {
      observer(record);
    } catch (error) {
      this.#warnedObservers ??= new Set();
      if (!this.#warnedObservers.has(hook)) {
        this.#warnedObservers.add(hook);
        try {
          process.emitWarning(
            `ResourceTracker: the ${hook} observer threw ${describeThrown(error)}; tracking went on. This warning is shown once per tracker.`,
            { type: 'IntegrationWarning', code: 'INTEGRATION_OBSERVER_THREW' },
          );
        } catch {
          // A broken warning channel must not break tracking either.
        }
      }
    }
  }

  /** Indexes the records released since the last look-up; hot paths never pay for this. */
  #indexReleased(): void {
    const history = this.#history;
    const positionById = (this.#releasedPositionById ??= new Map());
    for (let position = this.#releasedIndexedUpTo; position < history.length; position++) {
      const chunk = history.chunkAt(position);
      const offset = position & CHUNK_MASK;
      positionById.set(chunk.ids[offset]!, position);
      this.#moduleBuckets[chunk.names[offset * 2]!]!.releasedPositions.push(position);
      this.#typeBuckets[chunk.names[offset * 2 + 1]!]!.releasedPositions.push(position);
    }
    this.#releasedIndexedUpTo = history.length;
  }

  #releasedPosition(id: string): number | undefined {
    if (this.#releasedIndexedUpTo !== this.#history.length) {
      this.#indexReleased();
    }
    return this.#releasedPositionById?.get(id);
  }

  #releasedRecord(position: number): ResourceRecordSnapshot {
    const chunk = this.#history.chunkAt(position);
    const offset = position & CHUNK_MASK;
    return new ResourceRecordSnapshot(
      chunk.ids[offset]!,
      this.#typeBuckets[chunk.names[offset * 2 + 1]!]!.name,
      this.#moduleBuckets[chunk.names[offset * 2]!]!.name,
      chunk.times[offset * 2]!,
      chunk.metadata?.[offset] ?? EMPTY_METADATA,
      chunk.times[offset * 2 + 1]!,
    );
  }

  #collectReleased(
    module: string | undefined,
    type: string | undefined,
    into: Readonly<ResourceRecord>[],
  ): void {
    const length = this.#history.length;
    if (module === undefined && type === undefined) {
      for (let position = 0; position < length; position++) {
        into.push(this.#releasedRecord(position));
      }
      return;
    }
    if (this.#releasedIndexedUpTo !== length) {
      this.#indexReleased();
    }
    const moduleBucket = module === undefined ? undefined : this.#modules.get(module);
    const typeBucket = type === undefined ? undefined : this.#types.get(type);
    if (
      (module !== undefined && moduleBucket === undefined) ||
      (type !== undefined && typeBucket === undefined)
    ) {
      return;
    }
    // Read the shorter list and check the other name on each record.
    const positions = pickShorter(moduleBucket?.releasedPositions, typeBucket?.releasedPositions);
    for (const position of positions) {
      const record = this.#releasedRecord(position);
      if (
        (module === undefined || record.owner_module === module) &&
        (type === undefined || record.resource_type === type)
      ) {
        into.push(record);
      }
    }
  }

  #collectActive(
    module: string | undefined,
    type: string | undefined,
    into: Readonly<ResourceRecord>[],
  ): void {
    if (module === undefined && type === undefined) {
      for (const active of this.#activeById.values()) {
        into.push(active.snapshot());
      }
      return;
    }
    const moduleBucket = module === undefined ? undefined : this.#modules.get(module);
    const typeBucket = type === undefined ? undefined : this.#types.get(type);
    if (
      (module !== undefined && moduleBucket === undefined) ||
      (type !== undefined && typeBucket === undefined)
    ) {
      return;
    }
    if (
      moduleBucket !== undefined &&
      (typeBucket === undefined || moduleBucket.size <= typeBucket.size)
    ) {
      for (let active = moduleBucket.first; active !== undefined; active = active.nextInModule) {
        if (type === undefined || active.type === type) {
          into.push(active.snapshot());
        }
      }
    } else {
      for (let active = typeBucket!.first; active !== undefined; active = active.nextInType) {
        if (module === undefined || active.module === module) {
          into.push(active.snapshot());
        }
      }
    }
  }

  #nextAdoptedId(type: string): string {
    let id: string;
    do {
      this.#adoptedCount += 1;
      id = `${type}:${this.#adoptedCount}`;
    } while (this.#activeById.has(id));
    return id;
  }

  #duplicateId(call: string, id: string): IntegrationError {
    const active = this.#activeById.get(id)!;
    let suffix = 2;
    while (this.#activeById.has(`${id}#${suffix}`)) {
      suffix += 1;
    }
    return new IntegrationError(
      'DUPLICATE_RESOURCE_ID',
      `${call}: '${id}' is already active (a '${active.type}' of module '${active.module}'). Release it first with resources.releaseResource('${id}'), or use a unique id such as '${id}#${suffix}'.`,
      { resource_id: id },
    );
  }

  #notActive(id: string): IntegrationError {
    const position = this.#releasedPosition(id);
    if (position !== undefined) {
      const released = this.#releasedRecord(position);
      return new IntegrationError(
        'RESOURCE_ALREADY_RELEASED',
        `${RELEASE_CALL}: '${id}' is already released (a '${released.resource_type}' of module '${released.owner_module}'). Release each resource once; to use the id again, track it again first.`,
        { resource_id: id },
      );
    }
    const activeIds = [...this.#activeById.keys()];
    const shown = activeIds.slice(0, 5).map((active) => `'${active}'`);
    const more = activeIds.length > 5 ? `, and ${activeIds.length - 5} more` : '';
    const known =
      activeIds.length === 0 ? 'no resource is active' : `active ids: ${shown.join(', ')}${more}`;
    return new IntegrationError(
      'UNKNOWN_RESOURCE_ID',
      `${RELEASE_CALL}: no resource '${id}' was ever tracked (${known}). Track it first with resources.trackResource(module, type, '${id}'), or pass the id it was tracked with.`,
      { resource_id: id },
    );
  }
}

type CloseOutcome = typeof CLOSED | typeof SKIPPED | { error: SerializedError };
const CLOSED = Symbol('closed');
const SKIPPED = Symbol('skipped');

/** Calls a closer, turning whatever it does (throw, reject, hang) into an outcome. */
function runCloser(close: () => unknown): Promise<CloseOutcome> {
  try {
    const result = close();
    if ((typeof result === 'object' && result !== null) || typeof result === 'function') {
      const then = (result as { then?: unknown }).then;
      if (typeof then === 'function') {
        return Promise.resolve(result).then(
          () => CLOSED,
          (error: unknown) => ({ error: serializeError(error) }),
        );
      }
    }
    return Promise.resolve(CLOSED);
  } catch (error) {
    return Promise.resolve({ error: serializeError(error) });
  }
}

async function settleWithin(
  outcomes: Array<Promise<CloseOutcome>>,
  timeout: number,
): Promise<CloseOutcome[]> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<CloseOutcome>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          error: {
            name: 'TimeoutError',
            message: `the closer did not settle within ${timeout} ms`,
            stack: null,
            cause: null,
          },
        }),
      timeout,
    );
    timer.unref();
  });
  try {
    return await Promise.all(outcomes.map((outcome) => Promise.race([outcome, timedOut])));
  } finally {
    clearTimeout(timer);
  }
}

interface AdoptionPlan {
  id: string | undefined;
  methods: string[];
  listen: { event: string; requested: boolean; subscribe: AnyFunction } | undefined;
}

function planAdoption(object: object, how: string | AdoptOptions | undefined): AdoptionPlan {
  let id: string | undefined;
  let release: string[] | undefined;
  let event: string | undefined;
  if (typeof how === 'string') {
    if (!isName(how))
      assertNonEmptyString(
        how,
        ADOPT_CALL,
        'how',
        "the name of the object's release method, such as 'close'",
      );
    release = [how];
  } else if (how !== undefined) {
    if (!isPlainObject(how)) {
      throw invalidArgument(
        `${ADOPT_CALL}: \`how\` must be a method name or { id?, release?, event? }, but received ${describeValue(how)}. Pass such as 'close' or { release: 'stop', event: 'exit' }.`,
        'how',
        how,
      );
    }
    assertKnownKeys(how, ['id', 'release', 'event'], ADOPT_CALL, 'how', 'id, release or event');
    if (how.id !== undefined && !isName(how.id))
      assertNonEmptyString(how.id, ADOPT_CALL, 'how.id', ID_HINT);
    id = how.id;
    release = readReleaseNames(how.release);
    if (how.event !== undefined && !isName(how.event)) {
      assertNonEmptyString(how.event, ADOPT_CALL, 'how.event', "an event name such as 'exit'");
    }
    event = how.event;
  }

  let methods: string[];
  if (release !== undefined) {
    for (const name of release) {
      if (readFunction(object, name) === undefined) {
        throw invalidArgument(
          `${ADOPT_CALL}: \`how\` names the method '${name}', but the object (${constructorName(object)}) has no such method. Pass the name of a method it has, such as ${describeMethods(object)}.`,
          'how',
          how,
        );
      }
    }
    methods = release;
  } else {
    const found = RELEASE_METHODS.find((name) => readFunction(object, name) !== undefined);
    methods = found === undefined ? [] : [found];
  }

  const subscribe = readFunction(object, 'once') ?? readFunction(object, 'on');
  if (event !== undefined && subscribe === undefined) {
    throw invalidArgument(
      `${ADOPT_CALL}: \`how.event\` is '${event}', but the object (${constructorName(object)}) has no once() or on() method to listen with. Name its release method instead, such as { release: 'close' }.`,
      'how',
      how,
    );
  }
  if (methods.length === 0 && event === undefined) {
    throw invalidArgument(
      `${ADOPT_CALL}: the object (${constructorName(object)}) has none of the methods ${LOOKED_FOR}. Name the method that releases it, such as resources.adopt(module, type, pool, 'drain'), or the event that marks it released, such as { event: 'exit' }.`,
      'object',
      object,
    );
  }
  return {
    id,
    methods,
    listen:
      subscribe === undefined
        ? undefined
        : { event: event ?? 'close', requested: event !== undefined, subscribe },
  };
}

function readReleaseNames(release: unknown): string[] | undefined {
  if (release === undefined) {
    return undefined;
  }
  const names = typeof release === 'string' ? [release] : release;
  if (!Array.isArray(names) || names.length === 0 || !names.every(isName)) {
    throw invalidArgument(
      `${ADOPT_CALL}: \`how.release\` must be a method name or a non-empty array of them, but received ${describeValue(release)}. Pass such as 'close' or ['end', 'destroy'].`,
      'how.release',
      release,
    );
  }
  return [...(names as string[])];
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Replaces each method with one that settles first; returns the originals and an undo. */
function wrapReleaseMethods(
  object: object,
  methods: string[],
  settle: () => void,
): { functions: AnyFunction[]; restore: () => void } {
  const functions: AnyFunction[] = [];
  const undo: Array<() => void> = [];
  const restore = (): void => {
    for (const step of undo.reverse()) {
      step();
    }
  };
  for (const name of methods) {
    const original = readFunction(object, name)!;
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      settle();
      return Reflect.apply(original, this, args);
    };
    Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
    const own = Object.getOwnPropertyDescriptor(object, name);
    const installed = Reflect.defineProperty(object, name, {
      value: wrapper,
      writable: true,
      configurable: true,
      enumerable: own?.enumerable ?? false,
    });
    if (!installed) {
      restore();
      throw invalidArgument(
        `${ADOPT_CALL}: the object's '${name}' method cannot be replaced (the object is frozen, sealed or the property is read-only), so its call cannot be watched. Track it with resources.trackResource(...) and release it yourself, or pass { event } if it emits one.`,
        'object',
        object,
      );
    }
    undo.push(() => {
      if (own === undefined) {
        Reflect.deleteProperty(object, name);
      } else {
        Reflect.defineProperty(object, name, own);
      }
    });
    functions.push(original);
  }
  return { functions, restore };
}

function stopListening(object: object | undefined, event: string, listener: () => void): void {
  if (object === undefined) {
    return;
  }
  const remove = readFunction(object, 'removeListener') ?? readFunction(object, 'off');
  try {
    remove?.call(object, event, listener);
  } catch {
    // Failing to detach a one-shot listener leaves a no-op behind; the record is settled.
  }
}

function readFunction(object: object, name: string): AnyFunction | undefined {
  try {
    const value = (object as Record<string, unknown>)[name];
    return typeof value === 'function' ? (value as AnyFunction) : undefined;
  } catch {
    return undefined;
  }
}

function describeMethods(object: object): string {
  const found = RELEASE_METHODS.filter((name) => readFunction(object, name) !== undefined);
  return found.length === 0 ? "'close'" : found.map((name) => `'${name}'`).join(' or ');
}

function constructorName(object: object): string {
  try {
    const name = (object as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? name : 'Object';
  } catch {
    return 'Object';
  }
}

/** Cheap test that accepts most names at once; anything else goes to the full check. */
function isName(value: unknown): value is string {
  if (typeof value !== 'string') {
    return false;
  }
  const first = value.charCodeAt(0);
  return first > 32 && first < 127;
}

/** A plain object from any realm: its prototype is null or a realm's `Object.prototype`. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

function readMetadata(metadata: unknown): Readonly<Record<string, unknown>> {
  if (!isPlainObject(metadata)) {
    throw invalidArgument(
      `${TRACK_CALL}: \`metadata\` must be a plain object or undefined, but received ${describeValue(metadata)}. Pass an object literal such as { port: 8080 }.`,
      'metadata',
      metadata,
    );
  }
  return metadata;
}

function readCloser(options: unknown): (() => unknown) | undefined {
  if (!isPlainObject(options)) {
    throw invalidArgument(
      `${TRACK_CALL}: \`options\` must be a plain object or undefined, but received ${describeValue(options)}. Pass { close: () => server.close() } or nothing.`,
      'options',
      options,
    );
  }
  assertKnownKeys(options, ['close'], TRACK_CALL, 'options', 'close');
  const close = options.close;
  if (close !== undefined && typeof close !== 'function') {
    throw invalidArgument(
      `${TRACK_CALL}: \`options.close\` must be a function or undefined, but received ${describeValue(close)}. Pass a function that closes the resource, such as () => server.close().`,
      'options.close',
      close,
    );
  }
  return close as (() => unknown) | undefined;
}

function readObserver(
  options: Record<string, unknown>,
  name: 'onTrack' | 'onRelease' | 'onAdopt' | 'beforeRead',
): ((record: Readonly<ResourceRecord>) => void) | undefined {
  const observer = options[name];
  if (observer !== undefined && typeof observer !== 'function') {
    throw invalidArgument(
      `${CONSTRUCTOR_CALL}: \`options.${name}\` must be a function or undefined, but received ${describeValue(observer)}. Pass a function that takes a record.`,
      `options.${name}`,
      observer,
    );
  }
  return observer as ((record: Readonly<ResourceRecord>) => void) | undefined;
}

function readFilter(filter: unknown): ResourceFilter {
  if (filter === undefined) {
    return {};
  }
  if (!isPlainObject(filter)) {
    throw invalidArgument(
      `${ALL_CALL}: \`filter\` must be a plain object or undefined, but received ${describeValue(filter)}. Pass such as { module: 'cache', state: 'active' }.`,
      'filter',
      filter,
    );
  }
  assertKnownKeys(filter, ['module', 'type', 'state'], ALL_CALL, 'filter', 'module, type or state');
  const { module, type, state } = filter;
  if (module !== undefined && !isName(module))
    assertNonEmptyString(module, ALL_CALL, 'filter.module', MODULE_HINT);
  if (type !== undefined && !isName(type))
    assertNonEmptyString(type, ALL_CALL, 'filter.type', TYPE_HINT);
  if (state !== undefined && state !== 'active' && state !== 'released') {
    throw invalidArgument(
      `${ALL_CALL}: \`filter.state\` must be 'active', 'released' or undefined, but received ${describeValue(state)}. Pass 'active' or 'released'.`,
      'filter.state',
      state,
    );
  }
  return { module: module as string | undefined, type: type as string | undefined, state };
}

function readTimeout(options: unknown): number {
  if (options === undefined) {
    return DEFAULT_CLOSE_TIMEOUT_MS;
  }
  if (!isPlainObject(options)) {
    throw invalidArgument(
      `${CLOSE_CALL}: \`options\` must be a plain object or undefined, but received ${describeValue(options)}. Pass { timeout: 1000 } or nothing.`,
      'options',
      options,
    );
  }
  assertKnownKeys(options, ['timeout', 'filter'], CLOSE_CALL, 'options', 'timeout and filter');
  const { timeout } = options;
  if (timeout === undefined) {
    return DEFAULT_CLOSE_TIMEOUT_MS;
  }
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0) {
    throw invalidArgument(
      `${CLOSE_CALL}: \`options.timeout\` must be a finite number of ms, 0 or more, but received ${describeValue(timeout)}. Pass such as 1000.`,
      'options.timeout',
      timeout,
    );
  }
  return timeout;
}

function readCloseFilter(
  options: CloseLeakedOptions | undefined,
): ((record: Readonly<ResourceRecord>) => boolean) | undefined {
  // readTimeout has already refused anything but a plain object with known keys.
  const filter = options?.filter;
  if (filter === undefined || typeof filter === 'function') {
    return filter;
  }
  throw invalidArgument(
    `${CLOSE_CALL}: \`options.filter\` must be a function or undefined, but received ${describeValue(filter)}. Pass (record) => boolean, or nothing to close every leak.`,
    'options.filter',
    filter,
  );
}

function assertKnownKeys(
  object: Record<string, unknown>,
  known: readonly string[],
  call: string,
  name: string,
  hint: string,
): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) {
      throw invalidArgument(
        `${call}: \`${name}.${key}\` is unknown. Pass only ${hint}.`,
        name,
        object,
      );
    }
  }
}

function pickShorter(first: number[] | undefined, second: number[] | undefined): number[] {
  if (first === undefined) {
    return second ?? [];
  }
  if (second === undefined) {
    return first;
  }
  return second.length < first.length ? second : first;
}

/** What was thrown, in one line: an error's name and message (its stack belongs elsewhere). */
function describeThrown(error: unknown): string {
  if (isErrorLike(error)) {
    try {
      return `${String(error.name)}: ${String(error.message)}`;
    } catch {
      return 'an unreadable error';
    }
  }
  return describeValue(error);
}

function invalidArgument(message: string, argument: string, received: unknown): IntegrationError {
  return new IntegrationError('INVALID_ARGUMENT', message, { argument, received });
}

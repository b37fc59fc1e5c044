import { EventEmitter } from 'node:events';
import { describe, expect, test } from '@jest/globals';
import { IntegrationError } from '../src/IntegrationError';
import type { ResourceRecord } from '../src/records';
import { ResourceTracker } from '../src/ResourceTracker';

/** A seeded generator (mulberry32), so that a failing interleaving replays the same way. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lets other operations run: after a microtask, a macrotask, a timer, or not at all. */
async function pause(random: () => number): Promise<void> {
  const draw = random();
  if (draw < 0.35) {
    await Promise.resolve();
  } else if (draw < 0.65) {
    await new Promise((resolve) => setImmediate(resolve));
  } else if (draw < 0.85) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  }
  return counts;
}

const ids = (records: readonly Readonly<ResourceRecord>[]): string[] =>
  records.map((record) => record.resource_id);

describe('ResourceTracker under concurrent async operations', () => {
  test('loses nothing and counts nothing twice across thousands of interleaved operations', async () => {
    const random = seeded(20_24);
    const OPERATIONS = 5000;
    const modules = ['api', 'cache', 'db', 'jobs', 'mail', 'search', 'auth', 'files'];
    const types = ['tcp-server', 'socket', 'timer', 'worker', 'fs-watcher'];
    let trackedSeen = 0;
    let releasedSeen = 0;
    const resources = new ResourceTracker({
      onTrack: () => {
        trackedSeen += 1;
      },
      onRelease: () => {
        releasedSeen += 1;
      },
    });
    const leaked: Array<{ id: string; module: string }> = [];
    const releaseOrder: string[] = [];
    const inconsistencies: string[] = [];
    let running = true;

    const operation = async (index: number): Promise<void> => {
      const module = modules[index % modules.length]!;
      const type = types[index % types.length]!;
      const childModule = modules[(index * 7 + 3) % modules.length]!;
      await pause(random);
      resources.trackResource(module, type, `op:${index}`, { index });
      await pause(random);
      resources.trackResource(childModule, 'socket', `op:${index}:child`);
      await pause(random);
      resources.releaseResource(`op:${index}:child`);
      releaseOrder.push(`op:${index}:child`);
      await pause(random);
      if (index % 10 === 0) {
        leaked.push({ id: `op:${index}`, module });
        return;
      }
      resources.releaseResource(`op:${index}`);
      releaseOrder.push(`op:${index}`);
    };

    // Reads while the operations run: the indexes must agree with the counts at every turn.
    const reader = async (): Promise<void> => {
      while (running) {
        const active = resources.verifyCleanup();
        if (active.length !== trackedSeen - releasedSeen) {
          inconsistencies.push(`${active.length} active, ${trackedSeen - releasedSeen} expected`);
        }
        const perModule = modules.reduce(
          (sum, module) => sum + resources.verifyCleanup(module).length,
          0,
        );
        if (perModule !== active.length) {
          inconsistencies.push(`modules hold ${perModule} of ${active.length} active records`);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    };

    const reading = reader();
    await Promise.all(Array.from({ length: OPERATIONS }, (_, index) => operation(index)));
    running = false;
    await reading;

    const TRACKED = OPERATIONS * 2;
    const LEAKED = OPERATIONS / 10;
    expect(inconsistencies).toEqual([]);
    expect(trackedSeen).toBe(TRACKED);
    expect(releasedSeen).toBe(TRACKED - LEAKED);
    expect(ids(resources.verifyCleanup()).sort()).toEqual(leaked.map((leak) => leak.id).sort());
    for (const module of modules) {
      expect(ids(resources.verifyCleanup(module)).sort()).toEqual(
        leaked
          .filter((leak) => leak.module === module)
          .map((leak) => leak.id)
          .sort(),
      );
    }
    const released = resources.getAllResources({ state: 'released' });
    expect(released).toHaveLength(TRACKED - LEAKED);
    expect(ids(released)).toEqual(releaseOrder);
    expect(new Set(ids(released)).size).toBe(released.length);
    expect(resources.getAllResources()).toHaveLength(TRACKED);
    // Every tenth operation leaks its parent, and every one of those is a tcp-server.
    const servers = resources.getAllResources({ type: 'tcp-server' });
    expect(countBy(servers, (record) => record.state)).toEqual({ released: 500, active: 500 });
  });

  test('never lets two operations hold the same id at once', async () => {
    const random = seeded(7);
    const WORKERS = 1000;
    const ROUNDS = 3;
    const SHARED_IDS = 50;
    const resources = new ResourceTracker();
    const holders = new Map<string, number>();
    const overlaps: string[] = [];
    const unexpected: unknown[] = [];
    let acquired = 0;
    let refused = 0;

    const worker = async (workerIndex: number): Promise<void> => {
      for (let round = 0; round < ROUNDS; round++) {
        const id = `lock:${Math.floor(random() * SHARED_IDS)}`;
        for (;;) {
          try {
            resources.trackResource('jobs', 'lock', id, { workerIndex, round });
            break;
          } catch (error) {
            if (IntegrationError.is(error) && error.code === 'DUPLICATE_RESOURCE_ID') {
              refused += 1;
              // A macrotask, not a microtask: spinning on microtasks would starve the holder.
              await new Promise((resolve) => setImmediate(resolve));
            } else {
              unexpected.push(error);
              return;
            }
          }
        }
        acquired += 1;
        if (holders.has(id)) {
          overlaps.push(`${id} held by ${holders.get(id)} and ${workerIndex}`);
        }
        holders.set(id, workerIndex);
        await pause(random);
        holders.delete(id);
        const record = resources.releaseResource(id);
        if (record.metadata.workerIndex !== workerIndex) {
          overlaps.push(
            `${workerIndex} released the record of ${String(record.metadata.workerIndex)}`,
          );
        }
      }
    };

    await Promise.all(Array.from({ length: WORKERS }, (_, index) => worker(index)));

    expect(unexpected).toEqual([]);
    expect(overlaps).toEqual([]);
    expect(acquired).toBe(WORKERS * ROUNDS);
    expect(refused).toBeGreaterThan(0);
    expect(resources.verifyCleanup()).toEqual([]);
    const released = resources.getAllResources({ state: 'released' });
    expect(released).toHaveLength(WORKERS * ROUNDS);
    expect(
      Object.values(countBy(released, (record) => String(record.metadata.workerIndex))),
    ).toEqual(Array.from({ length: WORKERS }, () => ROUNDS));
  });

  test('releases each adopted object exactly once when its method, its event and closeLeaked race', async () => {
    const random = seeded(99);
    const OBJECTS = 2000;
    let releases = 0;
    const resources = new ResourceTracker({
      onRelease: () => {
        releases += 1;
      },
    });
    class Connection extends EventEmitter {
      closeCalls = 0;
      close(): void {
        this.closeCalls += 1;
        setImmediate(() => this.emit('close'));
      }
    }
    const connections = Array.from({ length: OBJECTS }, () => new Connection());
    for (const connection of connections) {
      resources.adopt('db', 'connection', connection);
    }

    const racer = async (connection: Connection): Promise<void> => {
      for (let step = 0; step < 3; step++) {
        await pause(random);
        const draw = random();
        if (draw < 0.4) {
          connection.close();
        } else if (draw < 0.8) {
          connection.emit('close');
        }
      }
    };
    const closing = (async (): Promise<ResourceRecord[]> => {
      await pause(random);
      await pause(random);
      return (await resources.closeLeaked()) as ResourceRecord[];
    })();
    await Promise.all(connections.map((connection) => racer(connection)));
    const closedByEnvironment = await closing;
    await new Promise((resolve) => setImmediate(resolve));

    const all = resources.getAllResources();
    expect(all).toHaveLength(OBJECTS);
    expect(all.every((record) => record.state === 'released')).toBe(true);
    expect(new Set(ids(all)).size).toBe(OBJECTS);
    expect(releases).toBe(OBJECTS);
    expect(all.filter((record) => record.metadata.closed_by === 'environment')).toHaveLength(
      closedByEnvironment.length,
    );
  });
});

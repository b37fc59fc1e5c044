import { expect, test } from '@jest/globals';
import { AsyncLocalStorage, createHook, executionAsyncId } from 'node:async_hooks';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { installWithTracker, sleep } from './autoTrackScope';

interface AppRun {
  /** What the app's AsyncLocalStorage held at each step. */
  stores: string[];
  /** Whether each timer callback ran with an async id of its own. */
  timerAsyncIds: boolean[];
  /** The async resources (other than promises) the app's own hook saw created, up to the HTTP part. */
  resourceTypes: string[];
}

/**
 * An application that relies on AsyncLocalStorage propagation through timers, promises,
 * callbacks, file handles and an HTTP round trip, and on its own async hook.
 */
async function runApp(): Promise<AppRun> {
  const storage = new AsyncLocalStorage<string>();
  const run: AppRun = { stores: [], timerAsyncIds: [], resourceTypes: [] };
  const note = (step: string): void => {
    run.stores.push(`${step}:${storage.getStore() ?? 'none'}`);
  };
  const hook = createHook({
    init(_asyncId, type) {
      if (type !== 'PROMISE') {
        run.resourceTypes.push(type);
      }
    },
  }).enable();
  try {
    await storage.run('request-1', async () => {
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          note('timeout');
          run.timerAsyncIds.push(executionAsyncId() !== 0);
          resolve();
        }, 1),
      );
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          note('immediate');
          resolve();
        }),
      );
      await Promise.resolve();
      note('promise');
      await new Promise<void>((resolve) =>
        fs.readFile(__filename, () => {
          note('callback');
          resolve();
        }),
      );
      const handle = await fs.promises.open(__filename);
      note('file-handle');
      await handle.close();
      // What Node's HTTP stack creates varies with timing (which end finishes first):
      // the hook's view stops here; the store is still checked through the round trip.
      hook.disable();
      const server = http.createServer((_request, response) => {
        note('request');
        response.end('ok');
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      await new Promise<void>((resolve) => {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
        http.get(url, (response) => {
          note('response');
          response.resume();
          response.on('end', () => resolve());
        });
      });
      await new Promise((resolve) => server.close(resolve));
      note('closed');
    });
    note('outside');
  } finally {
    hook.disable();
  }
  return run;
}

test('an app relying on AsyncLocalStorage and its own async hook behaves the same with tracking installed', async () => {
  // A first run initialises Node's lazy parts (the DNS channel); each run then starts from quiet.
  await runApp();
  await sleep(50);
  const plain = await runApp();
  await sleep(50);
  const { tracker, autoTracking } = installWithTracker();
  let tracked: AppRun;
  try {
    tracked = await runApp();
  } finally {
    autoTracking.uninstall();
  }
  expect(plain.stores).toEqual([
    'timeout:request-1',
    'immediate:request-1',
    'promise:request-1',
    'callback:request-1',
    'file-handle:request-1',
    'request:request-1',
    'response:request-1',
    'closed:request-1',
    'outside:none',
  ]);
  expect(tracked).toEqual(plain);
  // The run above was really tracked: it is the tracking that left the app alone.
  expect(new Set(tracker.getAllResources().map((record) => record.resource_type))).toEqual(
    new Set(['timer', 'immediate', 'file-handle', 'http-server', 'socket']),
  );
});

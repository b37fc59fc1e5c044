import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChunkerPlugin } from '../ChunkerPlugin';

/**
 * The stats plugin, with the address it serves on once active.
 */
export interface StatsServerPlugin extends ChunkerPlugin {
  /** `http://127.0.0.1:<port>/` while active, else `undefined`. */
  readonly url: string | undefined;
  /** Chunks seen, by kind. */
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * Serves the count of chunks seen, by kind, as JSON over HTTP on a loopback port: a plugin
 * that opens a real server, which the manager closes on dispose.
 *
 * @example
 * const stats = createStatsServerPlugin();
 * plugins.load(stats);
 * await plugins.activate('stats');
 * await fetch(stats.url!); // {"function":12,"block":3}
 */
export function createStatsServerPlugin(options: { port?: number } = {}): StatsServerPlugin {
  const counts: Record<string, number> = {};
  let server: Server | undefined;
  return {
    name: 'stats',
    get url() {
      const address = server?.address() as AddressInfo | null | undefined;
      return address ? `http://127.0.0.1:${address.port}/` : undefined;
    },
    counts,
    async activate(context) {
      const listening = createServer((_request, response) => {
        response.setHeader('content-type', 'application/json');
        response.setHeader('connection', 'close');
        response.end(JSON.stringify(counts));
      });
      context.own(
        () =>
          new Promise<void>((resolve) => {
            listening.close(() => resolve());
            listening.closeAllConnections();
          }),
      );
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(options.port ?? 0, '127.0.0.1', () => resolve());
      });
      server = listening;
    },
    transform(chunk) {
      counts[chunk.kind] = (counts[chunk.kind] ?? 0) + 1;
      return chunk;
    },
    dispose() {
      server = undefined;
    },
  };
}

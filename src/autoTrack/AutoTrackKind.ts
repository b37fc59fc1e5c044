/**
 * Every kind of real Node handle that auto-tracking records. Each kind is also the
 * `resource_type` of the records it produces, so `autoTrack: ['tcp-server']` and a leak
 * report's `tcp-server` mean the same thing.
 *
 * | kind | created by | released when |
 * | --- | --- | --- |
 * | `timer` | `setTimeout` | it fired, or `clearTimeout` |
 * | `interval` | `setInterval` | `clearInterval` (firing does not release it) |
 * | `immediate` | `setImmediate` | it ran, or `clearImmediate` |
 * | `http-server` | `listen()` on an `http`, `https` or `http2` server | it emits `close` |
 * | `tcp-server` | `listen()` on a `net` or `tls` server, on a port | it emits `close` |
 * | `pipe-server` | `listen()` on a `net` server, on a Unix socket or named pipe | it emits `close` |
 * | `socket` | `socket.connect()` (`net`, `tls`, `http` clients), and connections accepted by a tracked server | it emits `close` |
 * | `udp-socket` | `bind()` on a `dgram` socket (also implicit, by `send` or `connect`) | it emits `close` |
 * | `child-process` | `child_process.spawn`, `exec`, `execFile`, `fork` | it emits `close` (exited and stdio closed) |
 * | `worker` | `new Worker()` from `worker_threads` | it emits `exit` |
 * | `fs-watcher` | `fs.watch` | it emits `close` |
 * | `fs-stat-watcher` | `fs.watchFile` | `fs.unwatchFile` stops it (`stop`) |
 * | `file-handle` | `fs.promises.open` | `fileHandle.close()` |
 * | `message-port` | `new MessageChannel()` (each port) | it emits `close` |
 *
 * @example
 * // jest.config.ts: only servers and sockets
 * testEnvironmentOptions: { integration: { autoTrack: ['http-server', 'tcp-server', 'socket'] } }
 */
export type AutoTrackKind =
  | 'timer'
  | 'interval'
  | 'immediate'
  | 'http-server'
  | 'tcp-server'
  | 'pipe-server'
  | 'socket'
  | 'udp-socket'
  | 'child-process'
  | 'worker'
  | 'fs-watcher'
  | 'fs-stat-watcher'
  | 'file-handle'
  | 'message-port';

/** All kinds, in the order the documentation lists them: what `autoTrack: true` tracks. */
export const AUTO_TRACK_KINDS: readonly AutoTrackKind[] = Object.freeze([
  'timer',
  'interval',
  'immediate',
  'http-server',
  'tcp-server',
  'pipe-server',
  'socket',
  'udp-socket',
  'child-process',
  'worker',
  'fs-watcher',
  'fs-stat-watcher',
  'file-handle',
  'message-port',
]);

const KNOWN_KINDS: ReadonlySet<string> = new Set(AUTO_TRACK_KINDS);

/** Whether `value` names a kind auto-tracking knows. */
export function isAutoTrackKind(value: unknown): value is AutoTrackKind {
  return typeof value === 'string' && KNOWN_KINDS.has(value);
}

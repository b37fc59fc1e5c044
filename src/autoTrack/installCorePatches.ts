import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import { errorMonitor } from 'node:events';
import type { EventEmitter } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import timers from 'node:timers';
import workerThreads from 'node:worker_threads';
import type { AutoTrackKind } from './AutoTrackKind';
import { beginTracking, trackHandle, whileCreating } from './beginTracking';
import type { PendingTracking } from './beginTracking';
import { createTimerWrappers, TIMER_FUNCTION_NAMES } from './createTimerWrappers';
import type { TimerFunctions } from './createTimerWrappers';
import { currentInstallation } from './Installation';
import { mimicFunction } from './mimicFunction';
import { trackedHandleOf } from './TrackedHandle';

type AnyFunction = (...args: unknown[]) => unknown;
type AnyConstructor = new (...args: unknown[]) => object;

// Captured before any patch: closers must never be tracked themselves.
const nodeSetTimeout = timers.setTimeout;
const nodeUnwatchFile = fs.unwatchFile;

/** How long a leaked child process gets to exit on SIGTERM before it is sent SIGKILL. */
const CHILD_KILL_GRACE_MS = 2000;
const MAX_COMMAND_LENGTH = 200;

interface PropertyPatch {
  restore(): void;
}

/**
 * Replaces `target[key]` by `createWrapper(original)`, keeping the property's attributes.
 * `restore` puts the original back only while our wrapper is still in place: someone who
 * replaced it after us (a mock, another tool) keeps theirs, and ours, left below it,
 * calls straight through once no installation is left.
 */
function patchProperty<T>(
  target: object,
  key: string,
  createWrapper: (original: T) => T,
): PropertyPatch | undefined {
  const descriptor = Reflect.getOwnPropertyDescriptor(target, key);
  if (
    descriptor === undefined ||
    !('value' in descriptor) ||
    typeof descriptor.value !== 'function'
  ) {
    return undefined;
  }
  const original = descriptor.value as T;
  const wrapper = createWrapper(original);
  if (!Reflect.defineProperty(target, key, { ...descriptor, value: wrapper })) {
    return undefined;
  }
  return {
    restore() {
      if (Reflect.get(target, key) === wrapper) {
        Reflect.defineProperty(target, key, descriptor);
      }
    },
  };
}

/** A method on a prototype that, once it returns, has opened `this` as a handle of some kind. */
function wrapOpeningMethod(
  kindOf: (self: object, args: unknown[]) => AutoTrackKind,
  complete: (pending: PendingTracking, self: object, args: unknown[]) => void,
): (original: AnyFunction) => AnyFunction {
  return (original) => {
    const wrapper = function (this: object, ...args: unknown[]) {
      // A socket reconnecting or a server listening again after `close` is a new record;
      // one still open (watchFile on the same file twice) is not.
      const pending =
        this !== null && typeof this === 'object' && trackedHandleOf(this)?.isOpen !== true
          ? beginTracking(kindOf(this, args), wrapper)
          : undefined;
      const result =
        pending === undefined
          ? Reflect.apply(original, this, args)
          : whileCreating(() => Reflect.apply(original, this, args));
      if (pending !== undefined) {
        complete(pending, this, args);
      }
      return result;
    };
    return mimicFunction(wrapper, original);
  };
}

function isPipeName(value: unknown): boolean {
  return typeof value === 'string' && !(Number(value) >= 0);
}

function serverKindOf(server: object, args: unknown[]): AutoTrackKind {
  if (server instanceof http.Server || server instanceof https.Server) {
    return 'http-server';
  }
  // `http2` servers, without loading `node:http2` for everyone.
  if (/^Http2(?:Secure)?Server$/.test(server.constructor?.name ?? '')) {
    return 'http-server';
  }
  const first: unknown = args[0];
  const path =
    typeof first === 'object' && first !== null ? (first as { path?: unknown }).path : first;
  return isPipeName(path) ? 'pipe-server' : 'tcp-server';
}

function connectTargetOf(args: unknown[]): string | undefined {
  let options: unknown = args[0];
  // `net.connect(...)` hands `socket.connect` its normalised arguments as an array.
  if (Array.isArray(options)) {
    options = options[0];
  }
  if (typeof options === 'object' && options !== null) {
    const { path, host, port } = options as { path?: unknown; host?: unknown; port?: unknown };
    if (typeof path === 'string') {
      return path;
    }
    if (port !== undefined) {
      return `${typeof host === 'string' ? host : 'localhost'}:${String(port)}`;
    }
    return undefined;
  }
  if (isPipeName(options)) {
    return options as string;
  }
  if (options !== undefined) {
    const host: unknown = args[1];
    return `${typeof host === 'string' ? host : 'localhost'}:${String(options)}`;
  }
  return undefined;
}

function pathOf(value: unknown): string {
  if (value instanceof URL) {
    return value.href;
  }
  return String(value);
}

const acceptingServers = new WeakSet<object>();

/**
 * Connections accepted by a tracked server belong to the server's scope, with its
 * creation stack: a keep-alive connection to a server opened in `beforeAll` is the file's,
 * closed with the server, not a leak of the test whose request opened it.
 */
function trackAcceptedConnections(server: net.Server): void {
  if (acceptingServers.has(server)) {
    return;
  }
  acceptingServers.add(server);
  server.on('connection', (socket: net.Socket) => {
    const serverTracked = trackedHandleOf(server);
    if (
      serverTracked === undefined ||
      !serverTracked.isOpen ||
      !serverTracked.attribution.installation.tracks('socket')
    ) {
      return;
    }
    trackHandle(
      'socket',
      serverTracked.attribution,
      socket,
      serverTracked.creationStack,
      serverTracked.ownerModule,
      {
        metadata: { side: 'server', server: serverTracked.id },
        close: (handle) => (handle as net.Socket).destroy(),
        releaseOn: ['close'],
      },
    );
  });
}

function closeServer(handle: object): void {
  const server = handle as http.Server;
  // An HTTP server's `close` waits for open connections; a leaked one must not wait.
  if (typeof server.closeAllConnections === 'function') {
    server.closeAllConnections();
  }
  server.close();
}

function killChild(handle: object): void {
  const child = handle as childProcess.ChildProcess;
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  child.kill('SIGTERM');
  nodeSetTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
  }, CHILD_KILL_GRACE_MS).unref();
}

function closeQuietly(handle: object): void {
  try {
    (handle as { close(): void }).close();
  } catch {
    // Closed already (dgram throws ERR_SOCKET_DGRAM_NOT_RUNNING).
  }
}

/** `new Worker()` / `new MessageChannel()`: a class whose instances open handles. */
function wrapOpeningConstructor(
  Original: AnyConstructor,
  kind: AutoTrackKind,
  complete: (pending: PendingTracking, instance: object, args: unknown[]) => void,
): AnyConstructor {
  const handler: ProxyHandler<AnyConstructor> = {
    construct: function trackingConstruct(target, args, newTarget) {
      const pending = beginTracking(kind, trackingConstruct);
      const construct = (): object =>
        Reflect.construct(target, args, newTarget === proxy ? target : newTarget) as object;
      const instance = pending === undefined ? construct() : whileCreating(construct);
      if (pending !== undefined) {
        complete(pending, instance, args);
      }
      return instance;
    },
  };
  // A Proxy keeps `name`, `length`, statics, `prototype` and `instanceof` exactly.
  const proxy: AnyConstructor = new Proxy(Original, handler);
  return proxy;
}

const OriginalMessageChannel = workerThreads.MessageChannel as unknown as AnyConstructor;

/** The tracking `MessageChannel`, once patched: the realm's global gets it too. */
export let trackingMessageChannel: AnyConstructor | undefined;

let patches: PropertyPatch[] | undefined;

/**
 * Wraps the creation points in Node's core modules, once per process: servers, sockets,
 * UDP sockets, child processes, workers, message channels, watchers, file handles and
 * `node:timers`. Each wrapper asks the latest installation whether to track, and calls
 * straight through when none is installed or no scope is active.
 */
export function installCorePatches(): void {
  if (patches !== undefined) {
    return;
  }
  const installed: (PropertyPatch | undefined)[] = [];

  installed.push(
    patchProperty<AnyFunction>(
      net.Server.prototype,
      'listen',
      wrapOpeningMethod(serverKindOf, (pending, server) => {
        const tracked = pending.complete(server, { close: closeServer, releaseOn: ['close'] });
        if (tracked === undefined) {
          return;
        }
        trackAcceptedConnections(server as net.Server);
        const listening = server as net.Server & { _handle?: unknown };
        if (listening._handle === null || listening._handle === undefined) {
          // `listen(port, host)` looks the host up first (even an IP): until it listens or
          // fails, having no inner handle does not mean closed. `errorMonitor` sees the
          // failure without handling it, so an unhandled 'error' still throws as before.
          tracked.opening = true;
          const opened = (): void => {
            tracked.opening = false;
          };
          listening.once('listening', opened);
          (listening as EventEmitter).once(errorMonitor, opened);
        }
      }),
    ),
    patchProperty<AnyFunction>(
      net.Socket.prototype,
      'connect',
      wrapOpeningMethod(
        () => 'socket',
        (pending, socket, args) => {
          const target = connectTargetOf(args);
          pending.complete(socket, {
            metadata: target === undefined ? { side: 'client' } : { side: 'client', target },
            close: (handle) => (handle as net.Socket).destroy(),
            releaseOn: ['close'],
          });
        },
      ),
    ),
    patchProperty<AnyFunction>(
      dgram.Socket.prototype,
      'bind',
      wrapOpeningMethod(
        () => 'udp-socket',
        (pending, socket) => {
          pending.complete(socket, { close: closeQuietly, releaseOn: ['close'] });
        },
      ),
    ),
    patchProperty<AnyFunction>(
      childProcess.ChildProcess.prototype,
      'spawn',
      wrapOpeningMethod(
        () => 'child-process',
        (pending, child) => {
          const { spawnargs, pid } = child as childProcess.ChildProcess;
          const command = Array.isArray(spawnargs) ? spawnargs.join(' ') : '';
          pending.complete(child, {
            metadata: {
              command:
                command.length > MAX_COMMAND_LENGTH
                  ? `${command.slice(0, MAX_COMMAND_LENGTH - 3)}...`
                  : command,
              ...(typeof pid === 'number' ? { pid } : {}),
            },
            close: killChild,
            releaseOn: ['close'],
          });
        },
      ),
    ),
    patchProperty<AnyConstructor>(workerThreads, 'Worker', (Original) =>
      wrapOpeningConstructor(Original, 'worker', (pending, worker, args) => {
        const options = args[1] as { eval?: unknown } | undefined;
        pending.complete(worker, {
          metadata: {
            filename: options?.eval === true ? '[eval]' : pathOf(args[0]),
            thread_id: (worker as workerThreads.Worker).threadId,
          },
          close: (handle) => (handle as workerThreads.Worker).terminate(),
          releaseOn: ['exit'],
        });
      }),
    ),
    patchProperty<AnyConstructor>(workerThreads, 'MessageChannel', (Original) => {
      trackingMessageChannel = wrapOpeningConstructor(
        Original,
        'message-port',
        (pending, channel) => {
          const { port1, port2 } = channel as workerThreads.MessageChannel;
          for (const [name, port] of [
            ['port1', port1],
            ['port2', port2],
          ] as const) {
            pending.complete(port, {
              metadata: { port: name },
              close: closeQuietly,
              releaseOn: ['close'],
            });
          }
        },
      );
      return trackingMessageChannel;
    }),
    patchProperty<AnyFunction>(fs, 'watch', (original) => {
      const watch = function (this: unknown, ...args: unknown[]) {
        const filename = args[0];
        const pending = beginTracking('fs-watcher', watch);
        const watcher = (
          pending === undefined
            ? Reflect.apply(original, this, args)
            : whileCreating(() => Reflect.apply(original, this, args))
        ) as object;
        pending?.complete(watcher, {
          metadata: { path: pathOf(filename) },
          close: closeQuietly,
          releaseOn: ['close'],
        });
        return watcher;
      };
      return mimicFunction(watch, original);
    }),
    patchProperty<AnyFunction>(fs, 'watchFile', (original) => {
      const watchFile = function (this: unknown, ...args: unknown[]) {
        const filename = args[0];
        const pending = beginTracking('fs-stat-watcher', watchFile);
        const watcher = (
          pending === undefined
            ? Reflect.apply(original, this, args)
            : whileCreating(() => Reflect.apply(original, this, args))
        ) as object;
        // One StatWatcher per file, shared by every `watchFile` of that file.
        if (pending !== undefined && trackedHandleOf(watcher)?.isOpen !== true) {
          pending.complete(watcher, {
            metadata: { path: pathOf(filename) },
            // `unwatchFile`, not `watcher.stop()`: Node must also forget the watcher.
            close: () => nodeUnwatchFile(filename as fs.PathLike),
            releaseOn: ['stop'],
          });
        }
        return watcher;
      };
      return mimicFunction(watchFile, original);
    }),
    patchProperty<AnyFunction>(fs.promises, 'open', (original) => {
      const open = function (this: unknown, ...args: unknown[]) {
        const pending = beginTracking('file-handle', open);
        if (pending === undefined) {
          return Reflect.apply(original, this, args);
        }
        const opening = whileCreating(() => Reflect.apply(original, this, args)) as Promise<object>;
        // No rejection handler: a failed open rejects the returned promise exactly as before.
        return opening.then((fileHandle) => {
          pending.complete(fileHandle, {
            metadata: { path: pathOf(args[0]) },
            close: (handle) => (handle as fs.promises.FileHandle).close(),
            releaseOn: ['close'],
          });
          return fileHandle;
        });
      };
      return mimicFunction(open, original);
    }),
  );

  const originals = Object.fromEntries(
    TIMER_FUNCTION_NAMES.map((name) => [name, timers[name]]),
  ) as unknown as TimerFunctions;
  const wrappers = createTimerWrappers(originals, currentInstallation);
  for (const name of TIMER_FUNCTION_NAMES) {
    installed.push(patchProperty<AnyFunction>(timers, name, () => wrappers[name]));
  }

  patches = installed.filter((patch): patch is PropertyPatch => patch !== undefined);
}

/** Puts every core module back as it was (where our wrapper is still the one in place). */
export function uninstallCorePatches(): void {
  for (const patch of (patches ?? []).reverse()) {
    patch.restore();
  }
  patches = undefined;
  trackingMessageChannel = undefined;
}

/** The `MessageChannel` class Node had before any patch. */
export function originalMessageChannel(): AnyConstructor {
  return OriginalMessageChannel;
}

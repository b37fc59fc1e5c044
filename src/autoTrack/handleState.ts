import type { AutoTrackKind } from './AutoTrackKind';

/*
 * Node's handles expose their state through fields that are not documented API
 * (`_destroyed`, `_handle`, symbol-keyed internals). Every read here is defensive: an
 * unknown shape answers "open" and "ref'd", which can only make a report louder, never
 * hide a leak.
 */

interface MaybeHandle {
  readonly [key: string]: unknown;
}

function innerHandleOf(handle: MaybeHandle): MaybeHandle | undefined {
  const inner = handle._handle;
  if (typeof inner === 'object' && inner !== null) {
    return inner as MaybeHandle;
  }
  for (const symbol of Object.getOwnPropertySymbols(handle)) {
    // `Worker[kHandle]`, `dgram.Socket[kStateSymbol].handle`.
    const value = (handle as Record<symbol, unknown>)[symbol];
    if (typeof value !== 'object' || value === null) {
      continue;
    }
    if (symbol.description === 'kHandle') {
      return value as MaybeHandle;
    }
    if (symbol.description === 'state symbol') {
      const stateHandle = (value as MaybeHandle).handle;
      return typeof stateHandle === 'object' && stateHandle !== null
        ? (stateHandle as MaybeHandle)
        : undefined;
    }
  }
  return undefined;
}

function callHasRef(target: MaybeHandle | undefined): boolean | undefined {
  const hasRef = target?.hasRef;
  return typeof hasRef === 'function' ? Boolean(hasRef.call(target)) : undefined;
}

/**
 * Whether the handle keeps the process alive now (`unref()` not called, or undone by
 * `ref()`). Handles that have no such notion (file handles) count as ref'd.
 */
export function hasRefOf(handle: object): boolean {
  try {
    const target = handle as MaybeHandle;
    const own = callHasRef(target);
    if (own !== undefined) {
      return own;
    }
    const inner = callHasRef(innerHandleOf(target));
    if (inner !== undefined) {
      return inner;
    }
    return target._unref !== true;
  } catch {
    return true;
  }
}

function stdioClosed(handle: MaybeHandle): boolean {
  const stdio = handle.stdio;
  if (!Array.isArray(stdio)) {
    return true;
  }
  return stdio.every(
    (stream: unknown) =>
      stream === null ||
      stream === undefined ||
      (typeof stream === 'object' && (stream as MaybeHandle).destroyed === true),
  );
}

/**
 * Whether the handle is closed already, although the event that releases its record has
 * not been seen (it is still to come, or someone removed our listener, or the handle was
 * closed through a path we do not wrap, such as `timeout.close()`).
 */
export function isHandleClosed(kind: AutoTrackKind, handle: object): boolean {
  const target = handle as MaybeHandle;
  try {
    switch (kind) {
      case 'timer':
      case 'interval':
      case 'immediate':
        return target._destroyed === true;
      case 'http-server':
      case 'tcp-server':
      case 'pipe-server':
      case 'fs-watcher':
      case 'fs-stat-watcher':
        return target._handle === null || target._handle === undefined;
      case 'socket':
        return target.destroyed === true;
      case 'udp-socket':
        return innerHandleOf(target) === undefined;
      case 'child-process':
        return (target._handle === null || target._handle === undefined) && stdioClosed(target);
      case 'worker':
        return target.threadId === -1 || innerHandleOf(target) === undefined;
      case 'file-handle':
        return target.fd === -1;
      case 'message-port':
        // A port says nothing about being closed; its `close` event is all there is.
        return false;
      default:
        return false;
    }
  } catch {
    return false;
  }
}

function formatAddress(address: unknown): string | undefined {
  if (typeof address === 'string') {
    return address;
  }
  if (typeof address === 'object' && address !== null) {
    const {
      address: host,
      port,
      family,
    } = address as { address?: unknown; port?: unknown; family?: unknown };
    if (typeof host === 'string' && typeof port === 'number') {
      return family === 'IPv6' ? `[${host}]:${port}` : `${host}:${port}`;
    }
  }
  return undefined;
}

/**
 * Details that change after creation (the port a server got, the peer a socket reached),
 * read at each sweep so that a leak report shows them.
 */
export function describeHandle(kind: AutoTrackKind, handle: object): Record<string, unknown> {
  const target = handle as MaybeHandle & { address?: () => unknown };
  try {
    switch (kind) {
      case 'http-server':
      case 'tcp-server':
      case 'pipe-server':
      case 'udp-socket': {
        const address =
          typeof target.address === 'function' ? formatAddress(target.address()) : undefined;
        return address === undefined ? {} : { address };
      }
      case 'socket': {
        const remote =
          typeof target.remoteAddress === 'string' && typeof target.remotePort === 'number'
            ? formatAddress({
                address: target.remoteAddress,
                port: target.remotePort,
                family: target.remoteFamily,
              })
            : undefined;
        return remote === undefined ? {} : { remote_address: remote };
      }
      case 'child-process':
        return typeof target.pid === 'number' ? { pid: target.pid } : {};
      case 'worker':
        return typeof target.threadId === 'number' && target.threadId !== -1
          ? { thread_id: target.threadId }
          : {};
      default:
        return {};
    }
  } catch {
    return {};
  }
}

import { describe, expect, test } from '@jest/globals';
import dgram from 'node:dgram';
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AutoTrackKind } from '../../src/autoTrack';
import type { RecordingTracker } from './autoTrackScope';
import { until, useAutoTrackScope } from './autoTrackScope';

const scope = useAutoTrackScope();

const pipePath =
  process.platform === 'win32'
    ? `\\\\.\\pipe\\autotrack-${process.pid}`
    : join(tmpdir(), `autotrack-${process.pid}.sock`);

const servers: [string, AutoTrackKind, () => net.Server][] = [
  ['an HTTP server', 'http-server', () => http.createServer().listen(0, '127.0.0.1')],
  ['an HTTPS server', 'http-server', () => https.createServer().listen(0, '127.0.0.1')],
  ['a TCP server', 'tcp-server', () => net.createServer().listen(0, '127.0.0.1')],
  ['a pipe server', 'pipe-server', () => net.createServer().listen(pipePath)],
  [
    'a pipe server given options',
    'pipe-server',
    () => net.createServer().listen({ path: pipePath }),
  ],
];

function typesOf(tracker: RecordingTracker, state?: 'active' | 'released'): string[] {
  return tracker
    .getAllResources(state === undefined ? undefined : { state })
    .map((record) => record.resource_type);
}

describe.each(servers)('%s', (_name, kind, listen) => {
  test(`is recorded as a ${kind} when it listens, and released when it closes`, async () => {
    const tracker = scope.enter();
    const server = listen();
    expect(scope.records(tracker)).toEqual([
      { resource_type: kind, owner_module: 'autoTrack.network', state: 'active' },
    ]);
    await once(server, 'listening');
    await new Promise((resolve) => server.close(resolve));
    expect(typesOf(tracker, 'released')).toEqual([kind]);
  });

  test('is really closed by closeLeaked', async () => {
    const tracker = scope.enter();
    const server = listen();
    await once(server, 'listening');
    await tracker.closeLeaked();
    await until(() => !server.listening);
    expect(tracker.verifyCleanup()).toEqual([]);
  });

  test('is not recorded when no scope is active', async () => {
    const tracker = scope.enter();
    scope.exit();
    const server = listen();
    await once(server, 'listening');
    await new Promise((resolve) => server.close(resolve));
    expect(tracker.getAllResources()).toEqual([]);
  });
});

test("a server's address is known at the verdict", async () => {
  const tracker = scope.enter();
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const [record] = tracker.verifyCleanup();
  const { port } = server.address() as net.AddressInfo;
  expect(scope.autoTracking.describe(record!)).toEqual({ address: `127.0.0.1:${port}`, ref: true });
  server.close();
});

test('a server whose listen failed is released by the next sweep', async () => {
  const tracker = scope.enter();
  const first = net.createServer().listen(0, '127.0.0.1');
  await once(first, 'listening');
  const second = net.createServer().listen((first.address() as net.AddressInfo).port, '127.0.0.1');
  const [error] = (await once(second, 'error')) as [NodeJS.ErrnoException];
  expect(error.code).toBe('EADDRINUSE');
  first.close();
  await scope.expectAllReleased();
  expect(typesOf(tracker, 'released')).toEqual(['tcp-server', 'tcp-server']);
});

test('an HTTP request records the server, the client socket and the accepted connection, all released once the server closes', async () => {
  const tracker = scope.enter();
  const server = http
    .createServer((_request, response) => response.end('ok'))
    .listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const body = await new Promise<string>((resolve, reject) => {
    http
      .get(`http://127.0.0.1:${port}/`, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
  expect(body).toBe('ok');
  expect(
    tracker.getAllResources().map(({ resource_type, metadata }) => [resource_type, metadata.side]),
  ).toEqual([
    ['http-server', undefined],
    ['socket', 'client'],
    ['socket', 'server'],
  ]);
  expect(tracker.getAllResources()[1]?.metadata.target).toBe(`127.0.0.1:${port}`);
  server.close();
  await scope.expectAllReleased();
});

test("connections a server accepts belong to the server's scope, not to the scope that connected", async () => {
  const file = scope.enter();
  const server = net.createServer((socket) => socket.end()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const test = scope.enter();
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await once(client, 'close');
  expect(typesOf(test)).toEqual(['socket']);
  await until(() => file.getAllResources({ type: 'socket' }).length === 1);
  expect(file.getAllResources({ type: 'socket' })[0]?.metadata).toMatchObject({ side: 'server' });
  server.close();
  await scope.expectAllReleased();
});

test('a socket is really destroyed by closeLeaked', async () => {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const tracker = scope.enter();
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await once(client, 'connect');
  await tracker.closeLeaked();
  expect(client.destroyed).toBe(true);
  scope.exit();
  server.close();
});

test('a socket connected again after it closed is recorded again', async () => {
  const server = net.createServer((socket) => socket.end()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const tracker = scope.enter();
  const client = new net.Socket();
  client.connect(port, '127.0.0.1');
  client.resume();
  await once(client, 'close');
  client.connect(port, '127.0.0.1');
  await once(client, 'close');
  expect(typesOf(tracker, 'released')).toEqual(['socket', 'socket']);
  scope.exit();
  server.close();
});

describe('a UDP socket', () => {
  test('is recorded when it binds, and released when it closes', async () => {
    const tracker = scope.enter();
    const socket = dgram.createSocket('udp4');
    expect(tracker.getAllResources()).toEqual([]);
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    expect(scope.records(tracker)).toEqual([
      { resource_type: 'udp-socket', owner_module: 'autoTrack.network', state: 'active' },
    ]);
    socket.close();
    await scope.expectAllReleased();
  });

  test('is recorded when send binds it implicitly', async () => {
    const tracker = scope.enter();
    const socket = dgram.createSocket('udp4');
    await new Promise((resolve) => socket.send('ping', 9, '127.0.0.1', resolve));
    expect(typesOf(tracker)).toEqual(['udp-socket']);
    socket.close();
    await scope.expectAllReleased();
  });

  test('is really closed by closeLeaked', async () => {
    const tracker = scope.enter();
    const socket = dgram.createSocket('udp4').bind(0, '127.0.0.1');
    await once(socket, 'listening');
    await tracker.closeLeaked();
    await once(socket, 'close');
  });
});

test("an unref'd server is ignored at the verdict by default", async () => {
  const tracker = scope.enter();
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  server.unref();
  const [record] = tracker.verifyCleanup();
  expect(scope.autoTracking.isIgnored(record!)).toBe(true);
  server.close();
});

test('a server still looking up its host is not taken for closed by a sweep', async () => {
  const tracker = scope.enter();
  const server = net.createServer().listen(0, 'localhost');
  scope.autoTracking.sweep();
  expect(tracker.verifyCleanup()).toHaveLength(1);
  await once(server, 'listening');
  scope.autoTracking.sweep();
  expect(tracker.verifyCleanup()).toHaveLength(1);
  server.close();
  await scope.expectAllReleased();
});

describe('a server the test adopts itself', () => {
  test('hands its record over when adopted after it listens: one resource, one record', async () => {
    const tracker = scope.enter();
    const server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');

    scope.autoTracking.handOver(server);

    expect(typesOf(tracker, 'active')).toEqual([]);
    expect(typesOf(tracker, 'released')).toEqual(['tcp-server']);
    await new Promise((resolve) => server.close(resolve));
  });

  test('is not recorded when adopted before it listens', async () => {
    const tracker = scope.enter();
    const server = net.createServer();
    tracker.adopted.add(server);

    server.listen(0, '127.0.0.1');
    await once(server, 'listening');

    expect(typesOf(tracker)).toEqual([]);
    await new Promise((resolve) => server.close(resolve));
  });
});

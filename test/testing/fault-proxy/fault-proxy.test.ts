// FaultProxy over real loopback sockets: an echo server behind it, each fault observed
// from the client side (bytes, timing, how the connection ended).
import { type Server, type Socket, connect, createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultProxy } from '../../../src/testing.js';

let echo: Server;
let echoPort: number;
let proxy: FaultProxy;
const serverSockets = new Set<Socket>();

beforeEach(async () => {
  echo = createServer((socket) => {
    serverSockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => serverSockets.delete(socket));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as { port: number }).port;
  proxy = await FaultProxy.start(echoPort);
});

afterEach(async () => {
  await proxy.close();
  for (const socket of serverSockets) socket.destroy();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

interface Client {
  socket: Socket;
  received: () => number;
  ended: Promise<string>;
}

async function client(): Promise<Client> {
  const socket = connect(proxy.port, '127.0.0.1');
  let bytes = 0;
  socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
  const ended = new Promise<string>((resolve) => {
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    socket.on('end', () => resolve('end'));
    socket.on('close', () => resolve('close'));
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, received: () => bytes, ended };
}

const until = async (condition: () => boolean, what: string, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('FaultProxy', () => {
  it('forwards both ways and counts', async () => {
    const c = await client();
    c.socket.write(Buffer.alloc(1000, 1));
    await until(() => c.received() === 1000, 'the echo');
    expect(proxy.connectionCount).toBe(1);
    expect(proxy.stats).toMatchObject({ accepted: 1, bytesUp: 1000, bytesDown: 1000, killed: 0 });
    c.socket.destroy();
  });

  it('killAll rst resets the client, fin ends it cleanly, and new connections still work', async () => {
    const a = await client();
    expect(proxy.killAll()).toBe(1);
    expect(await a.ended).toBe('ECONNRESET');
    const b = await client();
    expect(proxy.killAll('fin')).toBe(1);
    expect(await b.ended).toBe('end');
    const c = await client();
    c.socket.write('x');
    await until(() => c.received() === 1, 'an echo after the kills');
    expect(proxy.stats.killed).toBe(2);
    c.socket.destroy();
  });

  it('halfOpen keeps the sockets but forwards nothing', async () => {
    const c = await client();
    proxy.halfOpen();
    c.socket.write('lost');
    await new Promise((r) => setTimeout(r, 100));
    expect(c.received()).toBe(0);
    expect(c.socket.destroyed).toBe(false);
    expect(proxy.connectionCount).toBe(1);
    const d = await client(); // new connections are not affected
    d.socket.write('ok');
    await until(() => d.received() === 2, 'a fresh connection');
    proxy.halfOpen({ newConnections: true });
    const e = await client();
    e.socket.write('gone');
    await new Promise((r) => setTimeout(r, 50));
    expect(e.received()).toBe(0);
    for (const s of [c, d, e]) s.socket.destroy();
  });

  it('delay adds latency to each direction', async () => {
    const c = await client();
    proxy.delay(60);
    const started = Date.now();
    c.socket.write('x');
    await until(() => c.received() === 1, 'the delayed echo');
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
    c.socket.destroy();
  });

  it('throttle bounds the rate', async () => {
    const c = await client();
    proxy.throttle(100_000);
    const started = Date.now();
    c.socket.write(Buffer.alloc(20_000));
    await until(() => c.received() === 20_000, 'the throttled echo');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    c.socket.destroy();
  });

  it('cutAfter lets N bytes through, then kills the connection', async () => {
    const c = await client();
    proxy.cutAfter(300);
    c.socket.write(Buffer.alloc(200));
    const how = await c.ended;
    // The proxy resets the connection right after forwarding the last allowed bytes; on
    // Node 22 the client was seen to read that as an end (the reset overtakes nothing it
    // still had to read), on Node 20 and 24 as ECONNRESET. Either way it is cut at 300 bytes.
    expect(['ECONNRESET', 'end']).toContain(how);
    expect(c.received()).toBe(100);
    expect(proxy.connectionCount).toBe(0);
  });

  it('refuse resets new connections for a while, then accepts again', async () => {
    proxy.refuse(150);
    const a = connect(proxy.port, '127.0.0.1');
    const outcome = await new Promise<string>((resolve) => {
      a.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      a.on('close', () => resolve('close'));
    });
    expect(['ECONNRESET', 'close']).toContain(outcome);
    expect(proxy.stats.refused).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    const b = await client();
    b.socket.write('y');
    await until(() => b.received() === 1, 'an accepted connection');
    b.socket.destroy();
  });

  it('a target that is down looks like a reset connection', async () => {
    const down = await FaultProxy.start({ host: '127.0.0.1', port: 1 });
    const socket = connect(down.port, '127.0.0.1');
    const outcome = await new Promise<string>((resolve) => {
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      socket.on('close', () => resolve('close'));
    });
    expect(['ECONNRESET', 'close']).toContain(outcome);
    await down.close();
  });

  it('close resets every connection and stops listening', async () => {
    const c = await client();
    await proxy.close();
    expect(await c.ended).toBe('ECONNRESET');
    const late = connect(proxy.port, '127.0.0.1');
    const refused = await new Promise<string>((resolve) => late.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error')));
    expect(refused).toBe('ECONNREFUSED');
    await proxy.close(); // idempotent
  });

  it('parses URL targets and rejects unusable ones', async () => {
    const p = await FaultProxy.start(`ws://127.0.0.1:${echoPort}/v1/ws`);
    expect(p.url('ws', '/v1/ws')).toBe(`ws://127.0.0.1:${p.port}/v1/ws`);
    await p.close();
    await expect(FaultProxy.start('no-port')).rejects.toThrow(RangeError);
    expect(() => proxy.delay(-1)).toThrow(RangeError);
    expect(() => proxy.cutAfter(1.5)).toThrow(RangeError);
  });
});

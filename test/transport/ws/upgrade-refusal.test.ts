// A refused upgrade (an HTTP status instead of 101) is a typed, never-retried error with the
// status and the server's text; a refused TCP connection settles and is named. Real loopback
// servers throughout.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { PieConnection } from '../../../src/transport/ws/connection.js';
import { socketEvents } from '../../../src/transport/ws/socket-events.js';
import { openWebSocket, type WebSocketLike } from '../../../src/transport/ws/socket.js';
import { backoffPolicy } from '../../../src/transport/backoff.js';
import { PieClient } from '../../../src/observables/pie/pie-client.js';
import { PieConnectionLostError, PieTimeoutError, PieUpgradeError } from '../../../src/model/pie/errors.js';
import { RawPieServer } from './helpers/raw-pie-server.js';

const fast = backoffPolicy({ initialDelayMs: 10, maxDelayMs: 20, jitter: 0 });
const servers: RawPieServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function refusing(status: number, body: string): Promise<RawPieServer> {
  const server = await RawPieServer.start({ refuseUpgrade: { status, body } });
  servers.push(server);
  return server;
}

/** A port on which nothing listens (bound, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('refused upgrades', () => {
  it('401 with a body closes the connection with PieUpgradeError (status, body, hint) and is not retried', async () => {
    const server = await refusing(401, 'identity: missing `x-pie-identity` (edge must inject verified identity)');
    const connection = PieConnection.open({ url: `${server.url}/v1/ws`, authenticate: () => Promise.resolve(), backoff: fast, heartbeat: false });
    const states = await lastValueFrom(connection.state$.pipe(toArray()));
    const closed = states.at(-1)!;
    expect(closed.kind).toBe('closed');
    const error = (closed as { error?: Error }).error;
    expect(error).toBeInstanceOf(PieUpgradeError);
    expect((error as PieUpgradeError).status).toBe(401);
    expect((error as PieUpgradeError).body).toBe('identity: missing `x-pie-identity` (edge must inject verified identity)');
    expect((error as PieUpgradeError).serverMessage).toBe((error as PieUpgradeError).body);
    expect(error!.message).toBe(
      `the WebSocket upgrade to ${server.url}/v1/ws was refused with HTTP 401: identity: missing \`x-pie-identity\` (edge must inject verified identity) ` +
        '(a Pie gateway needs an identity: pass the identity option (sent as x-pie-identity))',
    );
    expect(states.some((s) => s.kind === 'reconnecting')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.upgrades).toHaveLength(1);
    expect(server.connectionCount).toBe(0);
  });

  it('PieClient.connect rejects at once with the 404 and says what a 0.4 engine would have done', async () => {
    const server = await refusing(404, '');
    const started = Date.now();
    const error = await PieClient.connect(server.url, undefined, { identity: 'default/me', backoff: fast, heartbeat: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PieUpgradeError);
    expect((error as PieUpgradeError).status).toBe(404);
    expect((error as Error).message).toContain('a Pie 0.4 engine never answers an upgrade with an HTTP status');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.upgrades).toEqual([{ path: '/v1/ws', identity: 'default/me' }]);
  });

  it('403 and 500 are typed too, with their own hints', async () => {
    for (const [status, hint] of [
      [403, 'refused this identity'],
      [500, 'this is a gateway, a proxy or another HTTP server'],
    ] as const) {
      const server = await refusing(status, 'nope');
      const error = await PieClient.connect(server.url, undefined, { identity: 'a/b', backoff: fast, heartbeat: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PieUpgradeError);
      expect((error as PieUpgradeError).status).toBe(status);
      expect((error as Error).message).toContain(hint);
    }
  });
});

describe('a refused TCP connection', () => {
  it('PieClient.connect settles with PieTimeoutError naming ECONNREFUSED and the address', async () => {
    const port = await deadPort();
    const error = await PieClient.connect(`ws://127.0.0.1:${port}`, undefined, { connectTimeoutMs: 300, backoff: fast, heartbeat: false }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PieTimeoutError);
    expect((error as PieTimeoutError).lastError).toMatch(new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
    expect((error as Error).message).toMatch(new RegExp(`^no response to connect within 300 ms \\(last error: connection lost: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)$`));
  });

  it('a socket that fires error and never close (Node 22 built-in WebSocket) still ends its stream', async () => {
    const port = await deadPort();
    // A real refused socket whose close event is withheld, as Node 22's built-in WebSocket does.
    const factory = async (url: string): Promise<WebSocketLike> => {
      const real = await openWebSocket(url);
      const muted = { binaryType: 'arraybuffer', readyState: 0, bufferedAmount: 0, onopen: null, onmessage: null, onclose: null, onerror: null } as unknown as WebSocketLike & { onerror: ((e: unknown) => void) | null };
      Object.assign(muted, { send: () => undefined, close: () => real.close() });
      real.onerror = (event: unknown) => muted.onerror?.(event);
      real.onclose = () => undefined;
      return muted;
    };
    const error = await firstValueFrom(socketEvents(factory, `ws://127.0.0.1:${port}`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PieConnectionLostError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('after the engine goes away the connection keeps reconnecting (never stuck in connecting) and names the error', async () => {
    const server = await RawPieServer.start();
    const connection = PieConnection.open({
      url: server.url,
      authenticate: (auth) => auth.request({ type: 'auth_identify', username: 'u' }),
      backoff: fast,
      heartbeat: false,
    });
    await firstValueFrom(connection.state$.pipe(filter((s) => s.kind === 'ready')));
    await server.close();
    const reconnecting = await firstValueFrom(connection.state$.pipe(filter((s) => s.kind === 'reconnecting' && s.attempt >= 3)));
    expect(reconnecting.kind === 'reconnecting' && reconnecting.lastError.message).toMatch(/ECONNREFUSED/);
    connection.close();
  });
});

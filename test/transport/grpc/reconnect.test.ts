import { filter, firstValueFrom, lastValueFrom, timeout, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { FlameUnavailableError } from '../../../src/model/flame/errors.js';
import type { ConnectionState } from '../../../src/transport/connection-state.js';
import { FlameChannel, unaryCall } from '../../../src/transport/grpc/index.js';
import { fastBackoff, freePort, stateOf } from './helpers/channel-helpers.js';
import { FreezableProxy } from './helpers/freezable-proxy.js';
import { TestFrontendServer } from './helpers/test-frontend-server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function track<T extends { close(): unknown } | { stop(): unknown }>(resource: T): T {
  cleanups.push(() => ('close' in resource ? resource.close() : resource.stop()));
  return resource;
}

function recordStates(channel: FlameChannel): ConnectionState[] {
  const states: ConnectionState[] = [];
  channel.state$.subscribe((s) => states.push(s));
  return states;
}

describe('FlameChannel connection state and reconnection over loopback', () => {
  it('starts connecting at once: idle → connecting → ready, and replays the current state', async () => {
    const server = track(await TestFrontendServer.start());
    const channel = track(new FlameChannel(server.endpoint, { backoff: fastBackoff }));
    const states = recordStates(channel);
    await stateOf(channel, 'ready');
    expect(states.map((s) => s.kind)).toEqual(['connecting', 'ready']);
    expect(states[0]).toEqual({ kind: 'connecting', attempt: 1 });
    expect(await firstValueFrom(channel.state$)).toEqual({ kind: 'ready' });
  });

  it('a call made while no server listens waits, and succeeds once a server starts on that port', async () => {
    const port = await freePort();
    const channel = track(new FlameChannel(`http://127.0.0.1:${port}`, { backoff: fastBackoff }));
    const reply = firstValueFrom(unaryCall(channel, 'getTask', { sessionId: 'ssn-1', taskId: '9' }, { deadlineMs: 5000 }));
    const reconnecting = await stateOf(channel, 'reconnecting');
    expect(reconnecting).toMatchObject({ kind: 'reconnecting', attempt: 1, delayMs: 20 });
    expect((reconnecting as { lastError: Error }).lastError).toBeInstanceOf(FlameUnavailableError);
    expect((reconnecting as { lastError: Error }).lastError.message).toContain(`127.0.0.1:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    track(await TestFrontendServer.start({ port }));
    const task = await reply;
    expect(task.metadata?.id).toBe('9');
    expect(await firstValueFrom(channel.state$)).toEqual({ kind: 'ready' });
  });

  it('paces reconnect attempts with the backoff policy while the server is down', async () => {
    const port = await freePort();
    const channel = track(new FlameChannel(`http://127.0.0.1:${port}`, { backoff: fastBackoff }));
    const states = recordStates(channel);
    await firstValueFrom(
      channel.state$.pipe(
        filter((s) => s.kind === 'reconnecting' && s.attempt === 5),
        timeout(5000),
      ),
    );
    const waits = states.filter((s) => s.kind === 'reconnecting').map((s) => [s.attempt, s.delayMs]);
    // doubling from 20 ms, capped at 100 ms
    expect(waits).toEqual([
      [1, 20],
      [2, 40],
      [3, 80],
      [4, 100],
      [5, 100],
    ]);
  });

  it('state$ goes ready → reconnecting/connecting → ready across a server stop and start', async () => {
    const server = track(await TestFrontendServer.start());
    const channel = track(new FlameChannel(server.endpoint, { backoff: fastBackoff }));
    await stateOf(channel, 'ready');
    const states = recordStates(channel);
    server.stop();
    const lost = await stateOf(channel, 'reconnecting');
    expect(lost).toMatchObject({ attempt: 1 });
    expect((lost as { lastError: Error }).lastError.message).toContain('lost');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await server.listen();
    await stateOf(channel, 'ready');
    const kinds = states.map((s) => s.kind);
    expect(kinds[0]).toBe('ready');
    expect(kinds.at(-1)).toBe('ready');
    expect(kinds).toContain('reconnecting');
    expect(kinds).toContain('connecting');
    // and calls work again
    const task = await firstValueFrom(unaryCall(channel, 'getTask', { sessionId: 'ssn-1', taskId: '2' }, { deadlineMs: 3000 }));
    expect(task.metadata?.id).toBe('2');
  });

  it('close() emits closed and completes state$; late subscribers see closed, then completion', async () => {
    const server = track(await TestFrontendServer.start());
    const channel = new FlameChannel(server.endpoint, { backoff: fastBackoff });
    await stateOf(channel, 'ready');
    const all = lastValueFrom(channel.state$.pipe(toArray()));
    channel.close();
    channel.close(); // idempotent
    expect((await all).map((s) => s.kind)).toEqual(['ready', 'closed']);
    expect(await lastValueFrom(channel.state$.pipe(toArray()))).toEqual([{ kind: 'closed' }]);
    expect(channel.closed).toBe(true);
  });

  it('close() while reconnecting stops the reconnect timers and completes', async () => {
    const channel = new FlameChannel(`http://127.0.0.1:${await freePort()}`, { backoff: fastBackoff });
    await stateOf(channel, 'reconnecting');
    const all = lastValueFrom(channel.state$.pipe(toArray()));
    channel.close();
    const kinds = (await all).map((s) => s.kind);
    expect(kinds).toEqual(['reconnecting', 'closed']);
  });

  it('HTTP/2 keepalive notices a peer that stops answering without closing the connection', async () => {
    const server = track(await TestFrontendServer.start());
    const proxy = track(await FreezableProxy.start(server.port));
    const channel = track(
      new FlameChannel(`http://127.0.0.1:${proxy.port}`, { backoff: fastBackoff, keepaliveTimeMs: 100, keepaliveTimeoutMs: 100 }),
    );
    await stateOf(channel, 'ready');
    proxy.freeze();
    const lost = await stateOf(channel, 'reconnecting', 3000);
    expect((lost as { lastError: Error }).lastError.message).toContain('lost');
  });
});

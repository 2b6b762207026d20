import { Observable, filter, firstValueFrom, lastValueFrom, map, take, timeout, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { PieAuthError, PieConnectionLostError, PieError, PieProtocolError, PieTimeoutError } from '../../../src/model/pie/errors.js';
import { backoffPolicy } from '../../../src/transport/backoff.js';
import type { ConnectionState } from '../../../src/transport/connection-state.js';
import { PieConnection, PieConnectionOptions, PiePushFrame, openWebSocket } from '../../../src/transport/ws/index.js';
import { RawPieServer } from './helpers/raw-pie-server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function startServer(options: Parameters<typeof RawPieServer.start>[0] = {}): Promise<RawPieServer> {
  const server = await RawPieServer.start(options);
  cleanups.push(() => server.close());
  return server;
}

function connect(server: RawPieServer, overrides: Partial<PieConnectionOptions> = {}): PieConnection {
  const connection = PieConnection.open({
    url: server.url,
    authenticate: (auth) => auth.request({ type: 'auth_identify', username: 'alice' }).pipe(
      map((response) => {
        if (!response.ok) throw new PieAuthError(response.result);
        return response;
      }),
    ),
    backoff: backoffPolicy({ initialDelayMs: 20, jitter: 0 }),
    heartbeat: false,
    ...overrides,
  });
  cleanups.push(() => connection.close());
  return connection;
}

/** The first state of this kind (bounded wait, so a failure cannot hang the file). */
function stateOf<K extends ConnectionState['kind']>(connection: PieConnection, kind: K): Promise<Extract<ConnectionState, { kind: K }>> {
  return firstValueFrom(
    connection.state$.pipe(
      filter((s): s is Extract<ConnectionState, { kind: K }> => s.kind === kind),
      timeout(5_000),
    ),
  );
}

function collect<T>(source: Observable<T>): T[] {
  const values: T[] = [];
  const subscription = source.subscribe((value) => values.push(value));
  cleanups.push(() => subscription.unsubscribe());
  return values;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PieConnection over loopback', () => {
  it('authenticates first, then becomes ready with session 1', async () => {
    const server = await startServer();
    const connection = connect(server);
    const states = collect(connection.state$);
    expect(await firstValueFrom(connection.ready$)).toBe(1);
    expect(states.map((s) => s.kind)).toEqual(['connecting', 'authenticating', 'ready']);
    expect(server.received.map((m) => m.type)).toEqual(['auth_identify']);
    expect(server.received[0]).toEqual({ type: 'auth_identify', corr_id: 1, username: 'alice' });
  });

  it('sends a request made before ready only after authentication, and resolves it with its response', async () => {
    const server = await startServer();
    const connection = connect(server);
    const response = await firstValueFrom(connection.request({ type: 'ping' }));
    expect(response).toEqual({ type: 'response', corr_id: 2, ok: true, result: 'Pong' });
    expect(server.received.map((m) => m.type)).toEqual(['auth_identify', 'ping']);
  });

  it('passes ok=false responses through for the caller to interpret', async () => {
    const server = await startServer({ handle: () => ({ ok: false, result: 'Process not found' }) });
    const connection = connect(server);
    const response = await firstValueFrom(connection.request({ type: 'terminate_process', process_id: 'x' }));
    expect(response.ok).toBe(false);
    expect(response.result).toBe('Process not found');
  });

  it('times out an unanswered request with PieTimeoutError and drops its late reply', async () => {
    const server = await startServer({ handle: () => undefined });
    const connection = connect(server);
    await firstValueFrom(connection.ready$);
    const errors = collect(connection.errors$);
    const failure = await firstValueFrom(connection.request({ type: 'query', subject: 'nope', record: '' }, { timeoutMs: 100 })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PieTimeoutError);
    expect((failure as PieTimeoutError).message).toBe('no response to query within 100 ms');
    const lateId = server.receivedOf('query')[0]!['corr_id'] as number;
    await server.respond(lateId, true, 'late');
    const next = await firstValueFrom(connection.request({ type: 'ping' }));
    expect(next.result).toBe('Pong');
    expect(next.corr_id).not.toBe(lateId);
    expect(errors).toEqual([]);
  });

  it('matches 100 concurrent requests to their responses, even when answered out of order', async () => {
    const held: { corrId: number; record: string }[] = [];
    const server = await startServer({
      handle: (message) => {
        held.push({ corrId: message['corr_id'] as number, record: message['record'] as string });
        return undefined;
      },
    });
    const connection = connect(server);
    await firstValueFrom(connection.ready$);

    const pings = await Promise.all(Array.from({ length: 100 }, () => firstValueFrom(connection.request({ type: 'ping' }))));
    expect(pings.every((p) => p.ok && p.result === 'Pong')).toBe(true);
    expect(new Set(pings.map((p) => p.corr_id)).size).toBe(100);

    const queries = Array.from({ length: 100 }, (_, i) => firstValueFrom(connection.request({ type: 'query', subject: 'echo', record: `r${i}` })));
    while (held.length < 100) await settle(5);
    for (const { corrId, record } of [...held].reverse()) await server.respond(corrId, true, `answer ${record}`);
    const answers = await Promise.all(queries);
    expect(answers.map((a) => a.result)).toEqual(Array.from({ length: 100 }, (_, i) => `answer r${i}`));
  });

  it('drops stray responses (unknown id, second answer to an answered id) silently', async () => {
    const server = await startServer();
    const connection = connect(server);
    await firstValueFrom(connection.ready$);
    const errors = collect(connection.errors$);
    const first = await firstValueFrom(connection.request({ type: 'ping' }));
    await server.respond(first.corr_id, false, 'First chunk index must be 0');
    await server.respond(987_654, true, 'who?');
    const next = await firstValueFrom(connection.request({ type: 'ping' }));
    expect(next).toEqual({ type: 'response', corr_id: first.corr_id + 1, ok: true, result: 'Pong' });
    expect(errors).toEqual([]);
  });

  it('reports malformed and text frames on errors$ and keeps working', async () => {
    const server = await startServer();
    const connection = connect(server);
    await firstValueFrom(connection.ready$);
    const errors = collect(connection.errors$);
    await server.push(new Uint8Array([0xc1, 0x00]));
    await server.push({ type: 'surprise' });
    await server.push({ type: 'response', corr_id: 'one', ok: true, result: '' });
    await server.push('hello');
    const pong = await firstValueFrom(connection.request({ type: 'ping' }));
    expect(pong.result).toBe('Pong');
    expect(errors).toHaveLength(4);
    expect(errors.every((e) => e instanceof PieProtocolError)).toBe(true);
    expect(errors.map((e) => e.detail)).toEqual([
      expect.stringMatching(/not one MessagePack value/),
      'unknown server message type "surprise"',
      'response frame field "corr_id" must be u32 (got string)',
      expect.stringMatching(/text frame/),
    ]);
  });

  it('delivers the exact turn_done text (fast path) and other JSON notices alike on notices$', async () => {
    const server = await startServer();
    const connection = connect(server);
    await firstValueFrom(connection.ready$);
    const notices = collect(connection.notices$);
    const errors = collect(connection.errors$);
    await server.push('{"type":"turn_done"}');
    await server.push('{ "type": "turn_done" }');
    await server.push('{"type":"error","message":"bad frame"}');
    await firstValueFrom(connection.request({ type: 'ping' }));
    expect(notices).toEqual([{ type: 'turn_done' }, { type: 'turn_done' }, { type: 'error', message: 'bad frame' }]);
    expect(errors.map((e) => e.detail)).toEqual(['the server refused a frame: bad frame']);
  });

  it('delivers process_event, file and mcp_request pushes on pushes$', async () => {
    const server = await startServer();
    const connection = connect(server);
    await firstValueFrom(connection.ready$);
    const pushes = collect(connection.pushes$);
    await server.push({ type: 'process_event', process_id: 'p1', event: 'stdout', value: 'hi' });
    await server.push({ type: 'file', process_id: 'p1', file_hash: 'h', chunk_index: 0, total_chunks: 1, chunk_data: new Uint8Array([7]) });
    await server.push({ type: 'mcp_request', corr_id: 1, process_id: 'p1', server_name: 's', method: 'tools/list', params: '{}' });
    await firstValueFrom(connection.request({ type: 'ping' }));
    expect(pushes.map((p: PiePushFrame) => p.type)).toEqual(['process_event', 'file', 'mcp_request']);
    expect(pushes[1]).toEqual({ type: 'file', process_id: 'p1', file_hash: 'h', chunk_index: 0, total_chunks: 1, chunk_data: new Uint8Array([7]) });
  });

  it('fails the pending request on a drop, reconnects, re-authenticates, and serves requests made during the outage', async () => {
    const server = await startServer({ handle: () => undefined });
    const connection = connect(server, { backoff: backoffPolicy({ initialDelayMs: 150, jitter: 0 }) });
    const sessions = collect(connection.ready$);
    const states = collect(connection.state$);
    await firstValueFrom(connection.ready$);

    const pending = firstValueFrom(connection.request({ type: 'list_processes' })).catch((e: unknown) => e);
    while (server.receivedOf('list_processes').length === 0) await settle(5);
    server.dropConnections();
    const lost = await pending;
    expect(lost).toBeInstanceOf(PieConnectionLostError);
    expect((lost as PieConnectionLostError).retryable).toBe(true);

    const reconnecting = await stateOf(connection, 'reconnecting');
    expect(reconnecting.attempt).toBe(1);
    expect(reconnecting.delayMs).toBe(150);
    expect(reconnecting.lastError).toBeInstanceOf(PieConnectionLostError);
    const duringOutage = firstValueFrom(connection.request({ type: 'ping' }));
    expect((await duringOutage).result).toBe('Pong');

    expect(sessions).toEqual([1, 2]);
    expect(server.connectionCount).toBe(2);
    expect(server.receivedOf('auth_identify')).toHaveLength(2);
    expect(states.map((s) => s.kind)).toEqual(['connecting', 'authenticating', 'ready', 'reconnecting', 'connecting', 'authenticating', 'ready']);
  });

  it('closes for good on an authentication failure: not retried, pending requests fail with the PieAuthError', async () => {
    const server = await startServer({ rejectAuth: true });
    const connection = connect(server);
    const waiting = firstValueFrom(connection.request({ type: 'ping' })).catch((e: unknown) => e);
    const closed = await stateOf(connection, 'closed');
    expect(closed.error).toBeInstanceOf(PieAuthError);
    expect(closed.error?.message).toBe("authentication rejected: User 'alice' is not authorized");
    expect(await waiting).toBe(closed.error);
    await settle(100);
    expect(server.connectionCount).toBe(1);
    const after = await firstValueFrom(connection.request({ type: 'ping' })).catch((e: unknown) => e);
    expect(after).toBe(closed.error);
  });

  it('detects a server that stops answering pings and reconnects', async () => {
    const server = await startServer();
    const connection = connect(server, { heartbeat: { intervalMs: 40, maxMissed: 2 } });
    const sessions = collect(connection.ready$);
    await firstValueFrom(connection.ready$);
    server.answerPings = false;
    const reconnecting = await stateOf(connection, 'reconnecting');
    expect(reconnecting.lastError).toBeInstanceOf(PieConnectionLostError);
    expect(reconnecting.lastError.message).toBe('connection lost: no reply to 2 heartbeat pings in a row');
    server.answerPings = true;
    await firstValueFrom(connection.ready$.pipe(filter((n) => n === 2), timeout(5_000)));
    expect(sessions).toEqual([1, 2]);
    expect(server.receivedOf('ping').length).toBeGreaterThanOrEqual(2);
  });

  it('holds delivery while paused and delivers everything in order on resume', async () => {
    const server = await startServer();
    const connection = connect(server);
    await firstValueFrom(connection.ready$);
    const pushes = collect(connection.pushes$);
    connection.pause();
    for (let i = 0; i < 3; i++) await server.push({ type: 'process_event', process_id: 'p', event: 'stdout', value: `line ${i}` });
    await settle(100);
    expect(pushes).toEqual([]);
    connection.resume();
    await firstValueFrom(connection.request({ type: 'ping' }));
    expect(pushes.map((p) => (p as { value: string }).value)).toEqual(['line 0', 'line 1', 'line 2']);
  });

  it('uploads several frames under one corr_id with progress, answered once', async () => {
    const server = await startServer({
      handle: (message) => (message['chunk_index'] === message['total_chunks'] as number - 1 ? { ok: true, result: 'Program installed successfully' } : undefined),
    });
    const connection = connect(server, { highWaterMarkBytes: 256 * 1024 });
    const chunk = new Uint8Array(256 * 1024).fill(1);
    const total = 12;
    const frames = Array.from({ length: total }, (_, i) => ({
      type: 'add_program' as const,
      program_hash: 'h',
      manifest: 'm',
      force_overwrite: true,
      chunk_index: i,
      total_chunks: total,
      chunk_data: chunk,
    }));
    const sent: number[] = [];
    const response = await firstValueFrom(connection.requestFrames(frames, { onFrameSent: (i) => sent.push(i) }));
    expect(response).toMatchObject({ ok: true, result: 'Program installed successfully' });
    expect(sent).toEqual(Array.from({ length: total }, (_, i) => i));
    const uploads = server.receivedOf('add_program');
    expect(uploads.map((u) => u['chunk_index'])).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(new Set(uploads.map((u) => u['corr_id'])).size).toBe(1);
    expect(uploads[0]!['corr_id']).toBe(response.corr_id);
  });

  it('sends fire-and-forget messages without a corr_id of its own', async () => {
    const server = await startServer();
    const connection = connect(server);
    await lastValueFrom(connection.send({ type: 'signal_process', process_id: 'p', message: 'stop' }));
    await firstValueFrom(connection.request({ type: 'ping' }));
    expect(server.receivedOf('signal_process')).toEqual([{ type: 'signal_process', process_id: 'p', message: 'stop' }]);
  });

  it('close() completes every stream and fails pending and later requests', async () => {
    const server = await startServer({ handle: () => undefined });
    const connection = connect(server);
    await firstValueFrom(connection.ready$);
    const pending = firstValueFrom(connection.request({ type: 'list_processes' })).catch((e: unknown) => e);
    while (server.receivedOf('list_processes').length === 0) await settle(5);
    const endings = Promise.all([
      lastValueFrom(connection.pushes$.pipe(toArray())),
      lastValueFrom(connection.errors$.pipe(toArray())),
      lastValueFrom(connection.ready$.pipe(toArray())),
    ]);
    connection.close();
    expect(await endings).toEqual([[], [], [1]]); // ready$ replayed the live session, then completed
    const failure = await pending;
    expect(failure).toBeInstanceOf(PieError);
    expect((failure as PieError).retryable).toBe(false);
    expect(await lastValueFrom(connection.state$.pipe(take(5), toArray()))).toEqual([{ kind: 'closed' }]);
    await expect(firstValueFrom(connection.request({ type: 'ping' }))).rejects.toBeInstanceOf(PieError);
    while (server.sockets.size > 0) await settle(5);
  });

  it('keeps retrying with growing delays while nothing listens', async () => {
    const server = await startServer();
    const url = server.url;
    await server.close();
    const connection = PieConnection.open({
      url,
      authenticate: async () => undefined,
      backoff: backoffPolicy({ initialDelayMs: 10, jitter: 0 }),
      heartbeat: false,
    });
    cleanups.push(() => connection.close());
    const retries = await firstValueFrom(
      connection.state$.pipe(
        filter((s): s is Extract<ConnectionState, { kind: 'reconnecting' }> => s.kind === 'reconnecting'),
        take(3),
        toArray(),
        timeout(5_000),
      ),
    );
    expect(retries.map((r) => [r.attempt, r.delayMs])).toEqual([
      [1, 10],
      [2, 20],
      [3, 40],
    ]);
    expect(retries[0]!.lastError).toBeInstanceOf(PieConnectionLostError);
    expect(retries[0]!.lastError.message).toMatch(/ECONNREFUSED/);
  });

  it('opens sockets through an injected factory, and retries when the factory fails', async () => {
    const server = await startServer();
    let calls = 0;
    const connection = connect(server, {
      webSocketFactory: async (url) => {
        calls += 1;
        if (calls === 1) throw new Error('no network yet');
        return openWebSocket(url);
      },
    });
    const reconnecting = await stateOf(connection, 'reconnecting');
    expect(reconnecting.lastError.message).toBe('connection lost: could not open the WebSocket');
    expect(await firstValueFrom(connection.ready$)).toBe(1);
    expect(calls).toBe(2);
  });

  it('accepts pause/resume in any state, including after close', async () => {
    const server = await startServer();
    const connection = connect(server);
    connection.pause();
    expect(await firstValueFrom(connection.ready$)).toBe(1); // authentication is not held by a pause
    connection.close();
    expect(() => connection.resume()).not.toThrow();
    expect(() => connection.pause()).not.toThrow();
  });

  it('rejects invalid options with a typed error', () => {
    expect(() => PieConnection.open({ url: 'http://x', authenticate: async () => undefined })).toThrow(PieError);
    expect(() => PieConnection.open({ url: 'ws://127.0.0.1:1', authenticate: async () => undefined, requestTimeoutMs: 0 })).toThrow(PieError);
  });
});

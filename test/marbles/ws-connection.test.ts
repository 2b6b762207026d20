import { decode, encode } from '@msgpack/msgpack';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { PieAuthError, PieConnectionLostError, PieTimeoutError } from '../../src/model/pie/errors.js';
import { backoffPolicy } from '../../src/transport/backoff.js';
import { PieConnection, PieConnectionOptions, WebSocketLike } from '../../src/transport/ws/index.js';

const newScheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/**
 * A scripted socket on the TestScheduler's clock (virtual time only: the loopback tests in
 * test/transport/ws cover real sockets). It opens 1 ms after creation, answers
 * auth_identify and auth_by_token after 2 ms, ping after 1 ms, and ignores everything else.
 */
class ScriptedSocket implements WebSocketLike {
  binaryType = 'blob';
  readyState = 0;
  bufferedAmount = 0;
  answerPings = true;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly received: Record<string, unknown>[] = [];

  constructor(private readonly scheduler: TestScheduler) {
    scheduler.schedule(() => {
      this.readyState = 1;
      this.onopen?.({});
    }, 1);
  }

  send(data: Uint8Array): void {
    const message = decode(data) as Record<string, unknown>;
    this.received.push(message);
    const reply = (result: string, delay: number): void => {
      const frame = encode({ type: 'response', corr_id: message['corr_id'], ok: true, result });
      this.scheduler.schedule(() => this.readyState === 1 && this.onmessage?.({ data: frame.slice().buffer }), delay);
    };
    if (message['type'] === 'auth_identify') reply('Authenticated (Engine disabled authentication)', 2);
    if (message['type'] === 'auth_by_token') reply('Invalid token', 2);
    if (message['type'] === 'ping' && this.answerPings) reply('Pong', 1);
  }

  close(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code: 1000 });
  }

  /** The peer vanishes: the socket closes abnormally. */
  drop(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
}

function open(scheduler: TestScheduler, sockets: ScriptedSocket[], overrides: Partial<PieConnectionOptions> = {}): PieConnection {
  return PieConnection.open({
    url: 'ws://engine.test:8080',
    authenticate: (auth) => auth.request({ type: 'auth_identify', username: 'alice' }),
    webSocketFactory: () => {
      const socket = new ScriptedSocket(scheduler);
      sockets.push(socket);
      return socket;
    },
    backoff: backoffPolicy({ initialDelayMs: 10, multiplier: 2, jitter: 0 }),
    scheduler,
    heartbeat: false,
    ...overrides,
  });
}

const kinds = { c: 'connecting', a: 'authenticating', r: 'ready', R: 'reconnecting', x: 'closed' };

describe('PieConnection in virtual time', () => {
  it('declares heartbeat death at the exact frame, then reconnects after the backoff delay', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const sockets: ScriptedSocket[] = [];
      const connection = open(scheduler, sockets, { heartbeat: { intervalMs: 10, maxMissed: 2 } });
      // ready at 3; pings at 13 and 23 answered; silent from 30: pings at 33 and 43 missed -> dead at 53;
      // reconnecting (10 ms) -> connecting at 63, open 64, ready 66
      scheduler.schedule(() => (sockets[0]!.answerPings = false), 30);
      expectObservable(connection.state$.pipe(map((s) => s.kind))).toBe('ca-r 49ms R 9ms ca-r 13ms (x|)', kinds);
      expectObservable(connection.ready$).toBe('3ms a 62ms b 13ms |', { a: 1, b: 2 });
      scheduler.schedule(() => {
        expect(sockets[0]!.readyState).toBe(3);
        expect(sockets[0]!.received.filter((m) => m['type'] === 'ping').map((m) => m['corr_id'])).toEqual([2, 3, 4, 5]);
      }, 54);
      scheduler.schedule(() => connection.close(), 80);
    });
  });

  it('does not count pings queued behind a pending request as misses (head-of-line blocking, spec 2.3)', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const sockets: ScriptedSocket[] = [];
      const connection = open(scheduler, sockets, { heartbeat: { intervalMs: 10, maxMissed: 2 } });
      scheduler.schedule(() => (sockets[0]!.answerPings = false), 3);
      // an unanswered request from 5 to its timeout at 105 keeps the heartbeat from counting;
      // then pings at 113 and 123 go unanswered -> dead at 133
      scheduler.schedule(() => connection.request({ type: 'run_processes', inferlet: 'n@1.0.0', inputs: [] }, { timeoutMs: 100 }).subscribe({ error: () => undefined }), 5);
      expectObservable(connection.state$.pipe(map((s) => s.kind))).toBe('ca-r 129ms R 9ms ca-r 13ms (x|)', kinds);
      scheduler.schedule(() => {
        expect(sockets[0]!.received.filter((m) => m['type'] === 'ping').map((m) => m['corr_id'])).toEqual([3, 4]);
      }, 133);
      scheduler.schedule(() => connection.close(), 160);
    });
  });

  it('times a request out at exactly its timeoutMs', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const connection = open(scheduler, []);
      const query = connection.request({ type: 'query', subject: 'unknown', record: '' }, { timeoutMs: 7 });
      expectObservable(query).toBe('7ms #', undefined, new PieTimeoutError({ request: 'query', timeoutMs: 7 }));
      scheduler.schedule(() => connection.close(), 20);
    });
  });

  it('fails the in-flight request on a drop and sends a request made during the outage after re-authentication', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const sockets: ScriptedSocket[] = [];
      const connection = open(scheduler, sockets);
      const lost = new PieConnectionLostError('socket closed (code 1006)');
      // in flight at 4, dropped at 5 (reconnect 15, open 16, ready 18)
      scheduler.schedule(() => {
        expectObservable(connection.request({ type: 'list_processes' })).toBe('5ms #', undefined, lost); // marbles of a late expectObservable are absolute frames
      }, 4);
      scheduler.schedule(() => sockets[0]!.drop(), 5);
      scheduler.schedule(() => {
        // made at 8, during the outage: sent at 18 when ready, answered at 19
        expectObservable(connection.request({ type: 'ping' }).pipe(map((r) => r.result))).toBe('19ms (p|)', { p: 'Pong' });
      }, 8);
      expectObservable(connection.state$.pipe(map((s) => s.kind))).toBe('ca-r-R 9ms ca-r 11ms (x|)', kinds);
      scheduler.schedule(() => connection.close(), 30);
    });
  });

  it('does not retry an authentication failure', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const sockets: ScriptedSocket[] = [];
      const refused = new PieAuthError('Invalid token');
      const connection = open(scheduler, sockets, {
        authenticate: (auth) =>
          auth.request({ type: 'auth_by_token', token: 'secret' }).pipe(
            map(() => {
              throw refused;
            }),
          ),
      });
      expectObservable(connection.state$).toBe('ca-(x|)', { c: { kind: 'connecting', attempt: 1 }, a: { kind: 'authenticating' }, x: { kind: 'closed', error: refused } });
      scheduler.schedule(() => expect(sockets).toHaveLength(1), 100);
    });
  });
});

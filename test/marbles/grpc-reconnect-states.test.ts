import { connectivityState } from '@grpc/grpc-js';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { backoffPolicy } from '../../src/transport/backoff.js';
import type { ConnectionState } from '../../src/transport/connection-state.js';
import { type ReconnectReason, reconnectStates } from '../../src/transport/grpc/reconnect-states.js';

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** Connectivity marbles: i IDLE, c CONNECTING, r READY, t TRANSIENT_FAILURE, s SHUTDOWN. */
const connectivity = {
  i: connectivityState.IDLE,
  c: connectivityState.CONNECTING,
  r: connectivityState.READY,
  t: connectivityState.TRANSIENT_FAILURE,
  s: connectivityState.SHUTDOWN,
};

const failed = new Error('connect failed');
const lost = new Error('connection lost');
const errorFor = (reason: ReconnectReason) => (reason === 'connect-failed' ? failed : lost);

const idle: ConnectionState = { kind: 'idle' };
const ready: ConnectionState = { kind: 'ready' };
const closed: ConnectionState = { kind: 'closed' };
const connecting = (attempt: number): ConnectionState => ({ kind: 'connecting', attempt });
const reconnecting = (attempt: number, delayMs: number, lastError = failed): ConnectionState => ({
  kind: 'reconnecting',
  attempt,
  lastError,
  delayMs,
});

const policy = backoffPolicy({ initialDelayMs: 10, multiplier: 2, jitter: 0, maxDelayMs: 1000 });

function setup(scheduler: TestScheduler, overrides: Partial<Parameters<typeof reconnectStates>[0]> = {}) {
  const connectCalls: number[] = [];
  const operator = reconnectStates({
    policy,
    scheduler,
    errorFor,
    connect: () => connectCalls.push(scheduler.now()),
    ...overrides,
  });
  return { operator, connectCalls };
}

describe('reconnectStates (virtual time)', () => {
  it('reports idle, connecting, ready for a first connection that works', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('i-c-r', connectivity);
      const { operator, connectCalls } = setup(scheduler);
      expectObservable(source.pipe(operator)).toBe('i-c-r', { i: idle, c: connecting(1), r: ready });
      expectSubscriptions(source.subscriptions).toBe('^');
      scheduler.flush();
      expect(connectCalls).toEqual([]);
    });
  });

  it('while failing: reconnecting after 10, 20, 40 ms, prompting a connect at the end of each wait, until ready', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('i-c-t 45ms r', connectivity);
      const { operator, connectCalls } = setup(scheduler);
      expectObservable(source.pipe(operator)).toBe('i-k-a 9ms b 19ms c 15ms r', {
        i: idle,
        k: connecting(1),
        a: reconnecting(1, 10),
        b: reconnecting(2, 20),
        c: reconnecting(3, 40),
        r: ready,
      });
      scheduler.flush();
      // the wait due at 74 ms was cancelled by READY at 50 ms
      expect(connectCalls).toEqual([14, 34]);
    });
  });

  it('counts connecting attempts after failures and resets the count once ready', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      // fails at 4, grpc-js tries again itself at 8 (before the 10 ms wait ends), ready at 10;
      // later fails again from scratch
      const source = hot('i-c-t---c-r-t', connectivity);
      const { operator, connectCalls } = setup(scheduler);
      expectObservable(source.pipe(operator), '^ 30ms !').toBe('i-c-a---b-r-d 9ms e', {
        i: idle,
        c: connecting(1),
        a: reconnecting(1, 10),
        b: connecting(2),
        r: ready,
        d: reconnecting(1, 10),
        e: reconnecting(2, 20),
      });
      scheduler.flush();
      expect(connectCalls).toEqual([22]);
    });
  });

  it('a lost connection (READY → IDLE) waits the first delay, prompts a connect, then follows the channel', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('i-c-r-i 11ms c-r', connectivity);
      const { operator, connectCalls } = setup(scheduler);
      expectObservable(source.pipe(operator)).toBe('i-c-r-l 11ms d-r', {
        i: idle,
        c: connecting(1),
        r: ready,
        l: reconnecting(1, 10, lost),
        d: connecting(2),
      });
      scheduler.flush();
      expect(connectCalls).toEqual([16]);
    });
  });

  it('after a lost connection the next connecting counts as attempt 2', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('r-i 11ms c', connectivity);
      const { operator } = setup(scheduler);
      expectObservable(source.pipe(operator)).toBe('r-l 11ms c', {
        r: ready,
        l: reconnecting(1, 10, lost),
        c: connecting(2),
      });
    });
  });

  it('an IDLE channel that stays idle after the prompt is not prompted again until it changes', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('r-i', connectivity);
      const { operator, connectCalls } = setup(scheduler);
      expectObservable(source.pipe(operator), '^ 100ms !').toBe('r-l', { r: ready, l: reconnecting(1, 10, lost) });
      scheduler.flush();
      expect(connectCalls).toEqual([12]);
    });
  });

  it('a state change during a wait cancels it: no connect prompt', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('i-c-t-c-r', connectivity);
      const { operator, connectCalls } = setup(scheduler);
      expectObservable(source.pipe(operator)).toBe('i-c-a-b-r', {
        i: idle,
        c: connecting(1),
        a: reconnecting(1, 10),
        b: connecting(2),
        r: ready,
      });
      scheduler.flush();
      expect(connectCalls).toEqual([]);
    });
  });

  it('stops prompting when the policy runs out of attempts; the last reconnecting state stays', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('i-c-t', connectivity);
      const { operator, connectCalls } = setup(scheduler, { policy: backoffPolicy({ ...policy, maxAttempts: 2 }) });
      expectObservable(source.pipe(operator), '^ 500ms !').toBe('i-c-a 9ms b', {
        i: idle,
        c: connecting(1),
        a: reconnecting(1, 10),
        b: reconnecting(2, 20),
      });
      scheduler.flush();
      expect(connectCalls).toEqual([14, 34]);
    });
  });

  it('SHUTDOWN → closed and completes, cancelling a pending wait and unsubscribing the source', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('i-c-t--s-r', connectivity);
      const { operator, connectCalls } = setup(scheduler);
      expectObservable(source.pipe(operator)).toBe('i-c-a--(z|)', {
        i: idle,
        c: connecting(1),
        a: reconnecting(1, 10),
        z: closed,
      });
      expectSubscriptions(source.subscriptions).toBe('^------!');
      scheduler.flush();
      expect(connectCalls).toEqual([]);
    });
  });

  it('ignores repeated identical states', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('i-c-c-r-r', connectivity);
      const { operator } = setup(scheduler);
      expectObservable(source.pipe(operator)).toBe('i-c---r', { i: idle, c: connecting(1), r: ready });
    });
  });

  it('draws jittered delays from the injected random', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('t', connectivity);
      const jittery = backoffPolicy({ initialDelayMs: 100, multiplier: 2, jitter: 0.5 });
      const { operator, connectCalls } = setup(scheduler, { policy: jittery, random: () => 0.5 });
      // 100 * (1 - 0.5 * 0.5) = 75, then 200 * 0.75 = 150, then 400 * 0.75 = 300
      expectObservable(source.pipe(operator), '^ 300ms !').toBe('a 74ms b 149ms c', {
        a: reconnecting(1, 75),
        b: reconnecting(2, 150),
        c: reconnecting(3, 300),
      });
      scheduler.flush();
      expect(connectCalls).toEqual([75, 225]);
    });
  });

  it('unsubscribing tears down the pending wait', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('t', connectivity);
      const { operator, connectCalls } = setup(scheduler);
      expectObservable(source.pipe(operator), '^ 5ms !').toBe('a', { a: reconnecting(1, 10) });
      expectSubscriptions(source.subscriptions).toBe('^ 5ms !');
      scheduler.flush();
      expect(connectCalls).toEqual([]);
    });
  });
});

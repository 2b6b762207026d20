import { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { backoffPolicy } from '../../src/transport/backoff.js';
import { PieAuthError, PieConnectionLostError } from '../../src/model/pie/errors.js';
import { SessionPhase, reconnectLoop, shouldReconnect } from '../../src/transport/ws/index.js';

const newScheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const policy = backoffPolicy({ initialDelayMs: 10, multiplier: 2, maxDelayMs: 1000, jitter: 0 });
const phases = { a: 'authenticating', r: 'ready' } as const;
const lost = new PieConnectionLostError('socket closed (code 1006)');

function sessions(list: Observable<SessionPhase>[]): { connect: (attempt: number) => Observable<SessionPhase>; attempts: number[] } {
  const attempts: number[] = [];
  return {
    attempts,
    connect: (attempt) => {
      attempts.push(attempt);
      const next = list.shift();
      if (!next) throw new Error('test ran out of sessions');
      return next;
    },
  };
}

describe('reconnectLoop (virtual time)', () => {
  it('reconnects after a drop with the backoff delays, counting failures since the last ready', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold<SessionPhase>('-a-r--#', phases, lost);
      const second = cold<SessionPhase>('#', phases, lost);
      const third = cold<SessionPhase>('-a-r', phases);
      const { connect, attempts } = sessions([first, second, third]);
      const states = reconnectLoop({ connect, shouldRetry: shouldReconnect, policy, scheduler });
      // 0: connecting 1; 1: authenticating; 3: ready; 6: drop -> reconnecting 1 (10 ms);
      // 16: connecting 2 fails at once -> reconnecting 2 (20 ms); 36: connecting 3; 37: authenticating; 39: ready
      expectObservable(states).toBe('ca-r--R 9ms (CS) 16ms Da-r', {
        c: { kind: 'connecting', attempt: 1 },
        a: { kind: 'authenticating' },
        r: { kind: 'ready' },
        R: { kind: 'reconnecting', attempt: 1, lastError: lost, delayMs: 10 },
        C: { kind: 'connecting', attempt: 2 },
        S: { kind: 'reconnecting', attempt: 2, lastError: lost, delayMs: 20 },
        D: { kind: 'connecting', attempt: 3 },
      });
      expectSubscriptions(first.subscriptions).toBe('^-----!');
      expectSubscriptions(second.subscriptions).toBe('16ms (^!)');
      expectSubscriptions(third.subscriptions).toBe('36ms ^');
      scheduler.flush();
      expect(attempts).toEqual([1, 2, 3]);
    });
  });

  it('starts again from the initial delay after a successful session', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const { connect } = sessions([cold('-a-r-#', phases, lost), cold('-ar-#', phases, lost), cold('-ar', phases)]);
      const states = reconnectLoop({ connect, shouldRetry: shouldReconnect, policy, scheduler });
      expectObservable(states).toBe('ca-r-R 9ms Car-R 9ms Dar', {
        c: { kind: 'connecting', attempt: 1 },
        a: { kind: 'authenticating' },
        r: { kind: 'ready' },
        R: { kind: 'reconnecting', attempt: 1, lastError: lost, delayMs: 10 },
        C: { kind: 'connecting', attempt: 2 },
        D: { kind: 'connecting', attempt: 2 },
      });
    });
  });

  it('closes with a PieAuthError without retrying', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const refused = new PieAuthError('Invalid token');
      const first = cold<SessionPhase>('-a--#', phases, refused);
      const { connect, attempts } = sessions([first]);
      expectObservable(reconnectLoop({ connect, shouldRetry: shouldReconnect, policy, scheduler })).toBe('ca--(x|)', {
        c: { kind: 'connecting', attempt: 1 },
        a: { kind: 'authenticating' },
        x: { kind: 'closed', error: refused },
      });
      expectSubscriptions(first.subscriptions).toBe('^---!');
      scheduler.flush();
      expect(attempts).toEqual([1]);
    });
  });

  it('gives up when the policy runs out of attempts, closing with the last error', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const twoRetries = backoffPolicy({ initialDelayMs: 5, multiplier: 1, jitter: 0, maxAttempts: 2 });
      const { connect } = sessions([cold('#', phases, lost), cold('#', phases, lost), cold('#', phases, lost)]);
      expectObservable(reconnectLoop({ connect, shouldRetry: shouldReconnect, policy: twoRetries, scheduler })).toBe('(cR)-(CS)-(Dx|)', {
        c: { kind: 'connecting', attempt: 1 },
        R: { kind: 'reconnecting', attempt: 1, lastError: lost, delayMs: 5 },
        C: { kind: 'connecting', attempt: 2 },
        S: { kind: 'reconnecting', attempt: 2, lastError: lost, delayMs: 5 },
        D: { kind: 'connecting', attempt: 3 },
        x: { kind: 'closed', error: lost },
      });
    });
  });

  it('applies jitter from the injected random source', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const jittery = backoffPolicy({ initialDelayMs: 100, multiplier: 2, jitter: 0.5 });
      const { connect } = sessions([cold('#', phases, lost), cold('-ar', phases)]);
      // delay = 100 * (1 - 0.5 * 0.5) = 75
      expectObservable(reconnectLoop({ connect, shouldRetry: shouldReconnect, policy: jittery, scheduler, random: () => 0.5 })).toBe('(cR) 71ms Car', {
        c: { kind: 'connecting', attempt: 1 },
        R: { kind: 'reconnecting', attempt: 1, lastError: lost, delayMs: 75 },
        C: { kind: 'connecting', attempt: 2 },
        a: { kind: 'authenticating' },
        r: { kind: 'ready' },
      });
    });
  });

  it('cancels the pending delay and never reconnects once unsubscribed', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const { connect, attempts } = sessions([cold('-a-#', phases, lost), cold('-ar', phases)]);
      expectObservable(reconnectLoop({ connect, shouldRetry: shouldReconnect, policy, scheduler }), '^ 4ms !').toBe('ca-R', {
        c: { kind: 'connecting', attempt: 1 },
        a: { kind: 'authenticating' },
        R: { kind: 'reconnecting', attempt: 1, lastError: lost, delayMs: 10 },
      });
      scheduler.flush();
      expect(attempts).toEqual([1]);
    });
  });

  it('tears down the live session when unsubscribed', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const live = cold<SessionPhase>('-a-r', phases);
      const { connect } = sessions([live]);
      expectObservable(reconnectLoop({ connect, shouldRetry: shouldReconnect, policy, scheduler }), '^ 8ms !').toBe('ca-r', {
        c: { kind: 'connecting', attempt: 1 },
        a: { kind: 'authenticating' },
        r: { kind: 'ready' },
      });
      expectSubscriptions(live.subscriptions).toBe('^ 8ms !');
    });
  });

  it('closes cleanly, without an error, when a session completes', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const { connect } = sessions([cold('-a-r-|', phases)]);
      expectObservable(reconnectLoop({ connect, shouldRetry: shouldReconnect, policy, scheduler })).toBe('ca-r-(x|)', {
        c: { kind: 'connecting', attempt: 1 },
        a: { kind: 'authenticating' },
        r: { kind: 'ready' },
        x: { kind: 'closed' },
      });
    });
  });
});

import { NEVER, Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { PieError } from '../../src/model/pie/errors.js';
import { heartbeat } from '../../src/transport/ws/index.js';

const newScheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const dead = (missed: number) => ({ d: { kind: 'dead', missed } });

describe('heartbeat (virtual time)', () => {
  it('declares a peer that never answers dead at (maxMissed + 1) * interval, unsubscribing each ping at its window end', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const ping = cold('-');
      const hb = heartbeat({ ping: () => ping, intervalMs: 10, maxMissed: 3, scheduler });
      expectObservable(hb).toBe('40ms (d|)', dead(3));
      expectSubscriptions(ping.subscriptions).toBe(['10ms ^ 9ms !', '20ms ^ 9ms !', '30ms ^ 9ms !']);
    });
  });

  it('keeps a peer that answers within the interval alive, and a ping answered early is not repeated before the next tick', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const ping = cold('--a');
      const hb = heartbeat({ ping: () => ping, intervalMs: 10, maxMissed: 1, scheduler });
      expectObservable(hb, '^ 44ms !').toBe('-');
      expectSubscriptions(ping.subscriptions).toBe(['10ms ^ 1ms !', '20ms ^ 1ms !', '30ms ^ 1ms !', '40ms ^ 1ms !']);
    });
  });

  it('counts a reply after the interval as a miss', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const ping = cold('15ms a');
      expectObservable(heartbeat({ ping: () => ping, intervalMs: 10, maxMissed: 2, scheduler })).toBe('30ms (d|)', dead(2));
    });
  });

  it('counts a failing ping as a miss, but only at the end of its window', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const ping = cold('-#');
      expectObservable(heartbeat({ ping: () => ping, intervalMs: 10, maxMissed: 2, scheduler })).toBe('30ms (d|)', dead(2));
    });
  });

  it('resets the count on a reply: only consecutive misses are fatal', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      // pings at 10 (miss), 20 (answered), 30 (miss), 40 (miss) -> dead when the 40 window closes
      const replies: Observable<string>[] = [NEVER, cold('-a'), NEVER, NEVER];
      let n = 0;
      const hb = heartbeat({ ping: () => replies[n++] ?? NEVER, intervalMs: 10, maxMissed: 2, scheduler });
      expectObservable(hb).toBe('50ms (d|)', dead(2));
    });
  });

  it('stops pinging when unsubscribed', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const ping = cold('-');
      expectObservable(heartbeat({ ping: () => ping, intervalMs: 10, maxMissed: 5, scheduler }), '^ 14ms !').toBe('-');
      expectSubscriptions(ping.subscriptions).toBe(['10ms ^ 4ms !']);
    });
  });

  it('rejects nonsense settings with a typed error', () => {
    const scheduler = newScheduler();
    expect(() => heartbeat({ ping: () => NEVER, intervalMs: 0, maxMissed: 1, scheduler })).toThrow(PieError);
    expect(() => heartbeat({ ping: () => NEVER, intervalMs: 10, maxMissed: 0, scheduler })).toThrow(PieError);
  });
});

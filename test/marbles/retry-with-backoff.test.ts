import { type Observable, defer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { backoffPolicy } from '../../src/transport/backoff.js';
import { retryWithBackoff } from '../../src/transport/retry-with-backoff.js';
import { retryAlways } from '../../src/transport/should-retry.js';

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** Subscribes to the given observables one after another, one per (re)subscription. */
function inTurn<T>(sources: Observable<T>[]): Observable<T> {
  let next = 0;
  return defer(() => sources[next++]!);
}

const exact = (overrides = {}) => backoffPolicy({ initialDelayMs: 100, multiplier: 2, jitter: 0, ...overrides });

describe('retryWithBackoff (virtual time)', () => {
  it('waits exactly 100, 200, 400 ms between attempts with jitter 0', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const sources = [cold('--#'), cold('--#'), cold('--#'), cold('--a|')];
      const retries: unknown[] = [];
      const result = inTurn(sources).pipe(
        retryWithBackoff({
          policy: exact(),
          shouldRetry: retryAlways,
          scheduler,
          onRetry: ({ attempt, delayMs }) => retries.push([attempt, delayMs, scheduler.now()]),
        }),
      );
      // errors at 2, 104, 306; resubscriptions at 102, 304, 706
      expectObservable(result).toBe('708ms a|');
      expectSubscriptions(sources[0]!.subscriptions).toBe('^-!');
      expectSubscriptions(sources[1]!.subscriptions).toBe('102ms ^-!');
      expectSubscriptions(sources[2]!.subscriptions).toBe('304ms ^-!');
      expectSubscriptions(sources[3]!.subscriptions).toBe('706ms ^--!');
      scheduler.flush();
      expect(retries).toEqual([
        [1, 100, 2],
        [2, 200, 104],
        [3, 400, 306],
      ]);
    });
  });

  it('caps the delays at maxDelayMs', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const sources = [cold('#'), cold('#'), cold('#'), cold('#'), cold('a|')];
      const result = inTurn(sources).pipe(
        retryWithBackoff({ policy: exact({ maxDelayMs: 250 }), shouldRetry: retryAlways, scheduler }),
      );
      // delays 100, 200, 250, 250
      expectObservable(result).toBe('800ms a|');
      expectSubscriptions(sources[1]!.subscriptions).toBe('100ms (^!)');
      expectSubscriptions(sources[2]!.subscriptions).toBe('300ms (^!)');
      expectSubscriptions(sources[3]!.subscriptions).toBe('550ms (^!)');
      expectSubscriptions(sources[4]!.subscriptions).toBe('800ms ^!');
    });
  });

  it('gives up after maxAttempts retries with the last error', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const errors = [new Error('e1'), new Error('e2'), new Error('e3')];
      const sources = errors.map((error) => cold('--#', undefined, error));
      const result = inTurn(sources).pipe(
        retryWithBackoff({ policy: exact({ maxAttempts: 2 }), shouldRetry: retryAlways, scheduler }),
      );
      // errors at 2, 104, 306; no third wait
      expectObservable(result).toBe('306ms #', undefined, errors[2]);
      expectSubscriptions(sources[0]!.subscriptions).toBe('^-!');
      expectSubscriptions(sources[1]!.subscriptions).toBe('102ms ^-!');
      expectSubscriptions(sources[2]!.subscriptions).toBe('304ms ^-!');
    });
  });

  it('re-throws at once when shouldRetry refuses', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const fatal = new Error('fatal');
      const first = cold('--#', undefined, fatal);
      const second = cold('a|');
      const seen: unknown[] = [];
      const result = inTurn([first, second]).pipe(
        retryWithBackoff({
          policy: exact(),
          shouldRetry: (error, attempt) => {
            seen.push([error, attempt]);
            return error !== fatal;
          },
          scheduler,
        }),
      );
      expectObservable(result).toBe('--#', undefined, fatal);
      expectSubscriptions(first.subscriptions).toBe('^-!');
      expectSubscriptions(second.subscriptions).toBe([]);
      scheduler.flush();
      expect(seen).toEqual([[fatal, 1]]);
    });
  });

  it('by default retries only errors marked retryable', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const transient = Object.assign(new Error('down'), { retryable: true });
      const permanent = new Error('bad request');
      const sources = [cold('-#', undefined, transient), cold('-#', undefined, permanent), cold('a|')];
      const result = inTurn(sources).pipe(retryWithBackoff({ policy: exact(), scheduler }));
      expectObservable(result).toBe('102ms #', undefined, permanent);
      expectSubscriptions(sources[1]!.subscriptions).toBe('101ms ^!');
      expectSubscriptions(sources[2]!.subscriptions).toBe([]);
    });
  });

  it('starts counting from attempt 1 again after a value (resetOnSuccess)', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const sources = [cold('-a-#'), cold('-b-#'), cold('-c|')];
      const delays: number[] = [];
      const result = inTurn(sources).pipe(
        retryWithBackoff({ policy: exact(), shouldRetry: retryAlways, scheduler, onRetry: (r) => delays.push(r.delayMs) }),
      );
      // error at 3 → wait 100 → 103; value, error at 106 → wait 100 again → 206
      expectObservable(result).toBe('-a 102ms b 102ms c|');
      expectSubscriptions(sources[1]!.subscriptions).toBe('103ms ^--!');
      expectSubscriptions(sources[2]!.subscriptions).toBe('206ms ^-!');
      scheduler.flush();
      expect(delays).toEqual([100, 100]);
    });
  });

  it('keeps growing the delay across values when resetOnSuccess is false', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const sources = [cold('-a-#'), cold('-b-#'), cold('-c|')];
      const result = inTurn(sources).pipe(
        retryWithBackoff({ policy: exact(), shouldRetry: retryAlways, scheduler, resetOnSuccess: false }),
      );
      // error at 3 → wait 100 → 103; error at 106 → wait 200 → 306
      expectObservable(result).toBe('-a 102ms b 202ms c|');
      expectSubscriptions(sources[2]!.subscriptions).toBe('306ms ^-!');
    });
  });

  it('uses the injected random for jitter', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const sources = [cold('#'), cold('a|')];
      const result = inTurn(sources).pipe(
        retryWithBackoff({
          policy: exact({ jitter: 0.5 }),
          shouldRetry: retryAlways,
          scheduler,
          random: () => 0.5,
        }),
      );
      expectObservable(result).toBe('75ms a|');
      expectSubscriptions(sources[1]!.subscriptions).toBe('75ms ^!');
    });
  });

  it('tears the wait down when unsubscribed during it: no resubscription happens', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const sources = [cold('--#'), cold('a|')];
      const retries: number[] = [];
      const result = inTurn(sources).pipe(
        retryWithBackoff({ policy: exact(), shouldRetry: retryAlways, scheduler, onRetry: (r) => retries.push(r.attempt) }),
      );
      expectObservable(result, '50ms !').toBe('');
      expectSubscriptions(sources[0]!.subscriptions).toBe('^-!');
      expectSubscriptions(sources[1]!.subscriptions).toBe([]);
      scheduler.flush();
      expect(retries).toEqual([1]);
    });
  });

  it('unsubscribing while the source runs unsubscribes the source', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const sources = [cold('#'), cold('-a-b-c')];
      const result = inTurn(sources).pipe(retryWithBackoff({ policy: exact(), shouldRetry: retryAlways, scheduler }));
      expectObservable(result, '^ 103ms !').toBe('101ms a-b');
      expectSubscriptions(sources[1]!.subscriptions).toBe('100ms ^---!');
    });
  });
});

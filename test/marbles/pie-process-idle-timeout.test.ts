import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { PieError, PieIdleTimeoutError } from '../../src/model/pie/errors.js';
import type { ProcessEvent } from '../../src/model/pie/events.js';
import { processIdleTimeout } from '../../src/observables/operators/pie/process-idle-timeout.js';

const events: Record<string, ProcessEvent> = {
  o: { kind: 'stdout', processId: 'p1', text: 'out' },
  r: { kind: 'return', processId: 'p1', value: '42' },
};

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('processIdleTimeout', () => {
  it('fails a silent stream after idleMs and unsubscribes from the source at that moment', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<ProcessEvent>('-', events);
      const error = new PieIdleTimeoutError({ idleMs: 5, processId: 'p1' });
      expectObservable(source.pipe(processIdleTimeout(5, { processId: 'p1' }))).toBe('-----#', undefined, error);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('restarts the clock at every event, and lets a stream that keeps talking finish', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('---o---o---r|', events);
      expectObservable(source.pipe(processIdleTimeout(4))).toBe('---o---o---r|', events);
      expectSubscriptions(source.subscriptions).toBe('^-----------!');
    });
  });

  it('fails when a gap between events exceeds idleMs', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--o------r|', events);
      expectObservable(source.pipe(processIdleTimeout(3))).toBe('--o--#', events, new PieIdleTimeoutError({ idleMs: 3 }));
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('a consumer that leaves early tears the source and the timer down', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-o------', events);
      expectObservable(source.pipe(processIdleTimeout(5)), '^--!').toBe('-o-', events);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('is typed, retryable and names the wait; a non-positive idleMs is refused', () => {
    const error = new PieIdleTimeoutError({ idleMs: 250, processId: 'p1' });
    expect(error).toBeInstanceOf(PieError);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('process p1: no event within 250 ms');
    expect(() => processIdleTimeout(0)).toThrow(PieError);
  });
});

import { describe, expect, it } from 'vitest';
import type { Session } from '../../src/model/flame/types.js';
import { InvalidOptionsError } from '../../src/observables/operators/flame/invalid-options-error.js';
import { sessionStatusWith } from '../../src/observables/flame/session-status.js';
import { marbleScheduler } from '../flame/client/task-fixtures.js';

function sessionWith(fields: Partial<Session>): Session {
  return {
    id: 'ssn-1',
    application: 'echo',
    minInstances: 0,
    batchSize: 1,
    priority: 0,
    resreq: { cpu: 1, memory: 1073741824, gpu: 0 },
    state: 'Open',
    creationTime: new Date(1_700_000_000_000),
    pending: 0,
    running: 0,
    succeed: 0,
    failed: 0,
    cancelled: 0,
    events: [],
    ...fields,
  };
}

const s = {
  a: sessionWith({ pending: 2 }),
  b: sessionWith({ pending: 1, running: 1 }),
  c: sessionWith({ succeed: 2 }),
  z: sessionWith({ succeed: 2, state: 'Closed', completionTime: new Date(1_700_000_009_000) }),
};

describe('sessionStatusWith', () => {
  it('polls every intervalMs from the start and emits only changes', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const reads = [cold('-a|', s), cold('-a|', s), cold('-b|', s), cold('-b|', s), cold('-c|', s)];
      let next = 0;
      const result = sessionStatusWith({ get: () => reads[next++]!, intervalMs: 10, scheduler });
      // ticks at 0, 10, 20, 30, 40; each read answers 1 ms later.
      expectObservable(result, '^ 44ms !').toBe('-a 19ms b 19ms c', s);
      expectSubscriptions(reads[0]!.subscriptions).toBe('^-!');
      expectSubscriptions(reads[1]!.subscriptions).toBe('10ms ^-!');
      expectSubscriptions(reads[4]!.subscriptions).toBe('40ms ^-!');
    });
  });

  it('completes after the first read that shows the session Closed', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const reads = [cold('-a|', s), cold('-z|', s)];
      let next = 0;
      const result = sessionStatusWith({ get: () => reads[next++]!, intervalMs: 5, scheduler });
      expectObservable(result).toBe('-a 4ms (z|)', s);
    });
  });

  it('skips ticks while a read is still running (no overlapping calls)', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold('-------a|', s);
      const fast = cold('-b|', s);
      const reads = [slow, fast];
      let next = 0;
      const result = sessionStatusWith({ get: () => reads[next++]!, intervalMs: 5, scheduler });
      // the read at 0 answers at 7: the tick at 5 is skipped, the next read starts at 10.
      expectObservable(result, '^ 14ms !').toBe('-------a---b', s);
      expectSubscriptions(slow.subscriptions).toBe('^-------!');
      expectSubscriptions(fast.subscriptions).toBe('10ms ^-!');
    });
  });

  it('errors with the read error and stops polling', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const failing = cold<Session>('--#', undefined, new Error('ssn-1'));
      const result = sessionStatusWith({ get: () => failing, intervalMs: 5, scheduler });
      expectObservable(result).toBe('--#', undefined, new Error('ssn-1'));
    });
  });

  it('rejects a non-positive interval', () => {
    for (const intervalMs of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => sessionStatusWith({ get: () => cold0(), intervalMs })).toThrow(InvalidOptionsError);
    }
  });
});

function cold0(): never {
  throw new Error('not called');
}

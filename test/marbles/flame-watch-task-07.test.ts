// watchTaskWith over a stream that sends the current state first (Flame 0.7 WatchTasks,
// one registration per cycle on the session's shared stream): the 0.7 path of watchTask.
import { describe, it } from 'vitest';
import { flameErrorFromStatus } from '../../src/model/flame/errors.js';
import type { Task } from '../../src/model/flame/types.js';
import { backoffPolicy } from '../../src/transport/backoff.js';
import { watchTaskWith } from '../../src/observables/flame/watch-task-core.js';
import { callsInOrder, failureEvent, marbleScheduler, taskIn } from '../flame/client/task-fixtures.js';

const policy = backoffPolicy({ initialDelayMs: 10, multiplier: 2, jitter: 0, maxAttempts: 5 });
const unavailable = flameErrorFromStatus({ code: 14, details: 'Connection dropped', method: 'WatchTasks' });

const t = {
  p: taskIn('Pending'),
  r: taskIn('Running'),
  s: taskIn('Succeed', { output: new Uint8Array([42]) }),
  c: taskIn('Cancelled'),
  F: taskIn('Failed', { events: [failureEvent('out of memory')] }),
};

describe('watchTaskWith, streamSendsCurrentState (Flame 0.7)', () => {
  it('takes the snapshot as the current state: no GetTask at all', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('p--r--(s|)', t);
      const get = cold<Task>('-r|', t);
      const result = watchTaskWith({ watch: () => watch, get: () => get, policy, scheduler, streamSendsCurrentState: true });
      expectObservable(result).toBe('p--r--(s|)', t);
      expectSubscriptions(watch.subscriptions).toBe('^-----!');
      expectSubscriptions(get.subscriptions).toBe([]);
    });
  });

  it('after a break, registers again (a new snapshot, not emitted twice) without GetTask', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watches = [cold<Task>('p-r-#', t, unavailable), cold<Task>('r--(s|)', t)];
      const get = cold<Task>('-r|', t);
      const result = watchTaskWith({ watch: callsInOrder(watches), get: () => get, policy, scheduler, streamSendsCurrentState: true });
      // break at 4 → wait 10 → registered again at 14: Running again is dropped, Succeed at 17.
      expectObservable(result).toBe('p-r--------------(s|)', t);
      expectSubscriptions(watches[0]!.subscriptions).toBe('^---!');
      expectSubscriptions(watches[1]!.subscriptions).toBe('--------------^--!');
      expectSubscriptions(get.subscriptions).toBe([]);
    });
  });

  it('a Failed snapshot with its events is final as it is (no GetTask for the failure message)', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('p-(F|)', t);
      const get = cold<Task>('-r|', t);
      const result = watchTaskWith({ watch: () => watch, get: () => get, policy, scheduler, streamSendsCurrentState: true });
      expectObservable(result).toBe('p-(F|)', t);
      expectSubscriptions(get.subscriptions).toBe([]);
    });
  });

  it('an empty end (session closed: NOT_FOUND) asks GetTask, which has the last word', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('p--|', t);
      const get = cold<Task>('-c|', t);
      const result = watchTaskWith({ watch: () => watch, get: () => get, policy, scheduler, streamSendsCurrentState: true });
      expectObservable(result).toBe('p---(c|)', t);
      expectSubscriptions(watch.subscriptions).toBe('^--!');
      expectSubscriptions(get.subscriptions).toBe('---^-!');
    });
  });

  it('unsubscribing drops the registration (its teardown runs) and cancels nothing else', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch = cold<Task>('p-------r', t);
      const get = cold<Task>('-r|', t);
      const result = watchTaskWith({ watch: () => watch, get: () => get, policy, scheduler, streamSendsCurrentState: true });
      expectObservable(result, '^---!').toBe('p', t);
      expectSubscriptions(watch.subscriptions).toBe('^---!');
      expectSubscriptions(get.subscriptions).toBe([]);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { defer } from 'rxjs';
import { TaskFailedError, flameErrorFromStatus } from '../../src/model/flame/errors.js';
import { backoffPolicy } from '../../src/transport/backoff.js';
import {
  resubmitFailedTasks,
  retryFailedTasks,
} from '../../src/observables/operators/flame/resubmit-failed-tasks.js';
import { callsInOrder, marbleScheduler } from '../flame/client/task-fixtures.js';

const failed = (taskId: string): TaskFailedError =>
  new TaskFailedError({ taskId, sessionId: 'ssn-1', state: 'Failed', failureMessage: 'flaky' });
const policy = backoffPolicy({ initialDelayMs: 10, multiplier: 2, jitter: 0, maxAttempts: 2 });

describe('resubmitFailedTasks', () => {
  it('resubscribes (a new submission) after each TaskFailedError with the policy delays', () => {
    const scheduler = marbleScheduler();
    const resubmits: { attempt: number; delayMs: number; taskId: string }[] = [];
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('--#', undefined, failed('1'));
      const second = cold('---#', undefined, failed('2'));
      const third = cold('-(o|)', { o: 'output' });
      const submit = callsInOrder([first, second, third]);
      const result = defer(submit).pipe(
        resubmitFailedTasks({
          policy,
          scheduler,
          onResubmit: ({ attempt, delayMs, error }) => resubmits.push({ attempt, delayMs, taskId: error.taskId }),
        }),
      );
      // fails at 2, waits 10 → second at 12, fails at 15, waits 20 → third at 35.
      expectObservable(result).toBe('35ms -(o|)', { o: 'output' });
      expectSubscriptions(first.subscriptions).toBe('^-!');
      expectSubscriptions(second.subscriptions).toBe('12ms ^--!');
      expectSubscriptions(third.subscriptions).toBe('35ms ^!');
    });
    expect(resubmits).toEqual([
      { attempt: 1, delayMs: 10, taskId: '1' },
      { attempt: 2, delayMs: 20, taskId: '2' },
    ]);
  });

  it('re-throws the last TaskFailedError when the policy runs out', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const attempts = [cold('-#', undefined, failed('1')), cold('-#', undefined, failed('2')), cold('-#', undefined, failed('3'))];
      const result = defer(callsInOrder(attempts)).pipe(resubmitFailedTasks({ policy, scheduler }));
      // 1: 0..1, wait 10 → 2: 11..12, wait 20 → 3: 32..33, then give up.
      expectObservable(result).toBe('33ms #', undefined, failed('3'));
      expectSubscriptions(attempts[0]!.subscriptions).toBe('^!');
      expectSubscriptions(attempts[1]!.subscriptions).toBe('11ms ^!');
      expectSubscriptions(attempts[2]!.subscriptions).toBe('32ms ^!');
    });
  });

  it('does not resubmit a Cancelled task, nor other errors', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const cancelled = new TaskFailedError({ taskId: '1', sessionId: 'ssn-1', state: 'Cancelled' });
      const notFound = flameErrorFromStatus({ code: 5, details: 'ssn-1', method: 'createTask' });
      const unavailable = flameErrorFromStatus({ code: 14, details: 'down', method: 'createTask' });
      const a = cold('--#', undefined, cancelled);
      const b = cold('-#', undefined, notFound);
      const c = cold('---#', undefined, unavailable);
      expectObservable(a.pipe(resubmitFailedTasks({ policy, scheduler }))).toBe('--#', undefined, cancelled);
      expectObservable(b.pipe(resubmitFailedTasks({ policy, scheduler }))).toBe('-#', undefined, notFound);
      expectObservable(c.pipe(resubmitFailedTasks({ policy, scheduler }))).toBe('---#', undefined, unavailable);
      expectSubscriptions(a.subscriptions).toBe('^-!');
      expectSubscriptions(b.subscriptions).toBe('^!');
      expectSubscriptions(c.subscriptions).toBe('^--!');
    });
  });

  it('asks shouldRetry with the error and attempt number', () => {
    const scheduler = marbleScheduler();
    const asked: [string, number][] = [];
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-#', undefined, failed('9'));
      const result = source.pipe(
        retryFailedTasks({
          policy: backoffPolicy({ initialDelayMs: 5, jitter: 0, maxAttempts: 10 }),
          scheduler,
          shouldRetry: (error, attempt) => {
            asked.push([error.taskId, attempt]);
            return attempt < 2;
          },
        }),
      );
      // 0..1 fails, waits 5 → 6..7 fails, shouldRetry says no.
      expectObservable(result).toBe('7ms #', undefined, failed('9'));
      expectSubscriptions(source.subscriptions).toBe(['^!', '6ms ^!']);
    });
    expect(asked).toEqual([
      ['9', 1],
      ['9', 2],
    ]);
  });

  it('counts attempts across values emitted before the failure (no reset on success)', () => {
    const scheduler = marbleScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-r-#', { r: 'running' }, failed('1'));
      const result = source.pipe(resubmitFailedTasks({ policy, scheduler }));
      // 0..3, wait 10 → 13..16, wait 20 → 36..39, give up: a reset would retry forever.
      expectObservable(result).toBe('-r 12ms r 22ms r-#', { r: 'running' }, failed('1'));
      expectSubscriptions(source.subscriptions).toBe(['^--!', '13ms ^--!', '36ms ^--!']);
    });
  });
});

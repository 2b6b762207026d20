// watchTaskWith in real time (the asyncScheduler): a finished watch's stream that ends by
// itself within the turn sets no drain timer; one that keeps running is cancelled drainMs later.
import { Observable, lastValueFrom, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Task } from '../../../src/model/flame/types.js';
import { backoffPolicy } from '../../../src/transport/backoff.js';
import { watchTaskWith } from '../../../src/observables/flame/watch-task-core.js';
import { taskIn } from './task-fixtures.js';

const policy = backoffPolicy({ initialDelayMs: 10, multiplier: 2, jitter: 0, maxAttempts: 5 });

/** A stream that sends `task` and then ends `endAfterMs` later, or never; records its teardown. */
function stream(task: Task, endAfterMs: number | undefined): { source: Observable<Task>; tornDownAt: () => number | undefined; completed: () => boolean } {
  let tornDownAt: number | undefined;
  let completed = false;
  const source = new Observable<Task>((subscriber) => {
    subscriber.next(task);
    const timer = endAfterMs === undefined ? undefined : setTimeout(() => ((completed = true), subscriber.complete()), endAfterMs);
    return () => {
      clearTimeout(timer);
      tornDownAt = Date.now();
    };
  });
  return { source, tornDownAt: () => tornDownAt, completed: () => completed };
}

describe('watchTaskWith in real time: draining a finished watch', () => {
  it('a stream still open after its terminal state is cancelled drainMs later, not before', async () => {
    const s = stream(taskIn('Succeed'), undefined);
    const started = Date.now();
    const states = await lastValueFrom(
      watchTaskWith({ watch: () => s.source, get: () => of(taskIn('Running')), policy, drainMs: 60, reconcileAtStart: false }).pipe(toArray()),
    );
    expect(states.map((task) => task.state)).toEqual(['Succeed']);
    expect(s.tornDownAt()).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = s.tornDownAt()! - started;
    expect(after).toBeGreaterThanOrEqual(55);
    expect(after).toBeLessThan(190);
  });

  it('a stream that ends by itself soon after is left to end: no cancel', async () => {
    const s = stream(taskIn('Succeed'), 5);
    await lastValueFrom(watchTaskWith({ watch: () => s.source, get: () => of(taskIn('Running')), policy, drainMs: 60, reconcileAtStart: false }));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(s.completed()).toBe(true);
  });
});

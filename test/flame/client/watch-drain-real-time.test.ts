// watchTaskWith in real time (the asyncScheduler): a finished watch's stream that ends by
// itself within the turn sets no drain timer; one that keeps running is cancelled drainMs later;
// the watches finished in one turn share one timer, cleared when the last of their streams ends.
import { Observable, lastValueFrom, of, toArray } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

  // Timers are counted by their delays (distinct from every other delay in these tests), as
  // the test runner keeps timers of its own.
  afterEach(() => void vi.restoreAllMocks());
  function timersOf(ms: number): { set: () => number; cleared: () => number } {
    const set = vi.spyOn(globalThis, 'setTimeout');
    const cleared = vi.spyOn(globalThis, 'clearTimeout');
    const ours = () => set.mock.calls.flatMap((call, i) => (call[1] === ms ? [set.mock.results[i]!.value as unknown] : []));
    return { set: () => ours().length, cleared: () => cleared.mock.calls.filter((call) => ours().includes(call[0])).length };
  }
  const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  /** `count` watches of streams from `make`, all finished in one turn; resolves once they have. */
  async function finishedTogether(count: number, make: (i: number) => ReturnType<typeof stream>, drainMs: (i: number) => number) {
    const streams = Array.from({ length: count }, (_, i) => make(i));
    await Promise.all(
      streams.map((s, i) => lastValueFrom(watchTaskWith({ watch: () => s.source, get: () => of(taskIn('Running')), policy, drainMs: drainMs(i), reconcileAtStart: false }))),
    );
    return streams;
  }

  it('50 watches finished in one turn share one drain timer, and all 50 streams are cancelled when it fires', async () => {
    const timers = timersOf(61);
    const started = Date.now();
    const streams = await finishedTogether(50, () => stream(taskIn('Succeed'), undefined), () => 61);
    await turn();
    await turn();
    expect(timers.set()).toBe(1);
    expect(streams.filter((s) => s.tornDownAt() !== undefined)).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(streams.filter((s) => s.tornDownAt() !== undefined)).toHaveLength(50);
    expect(Math.min(...streams.map((s) => s.tornDownAt()! - started))).toBeGreaterThanOrEqual(55);
    expect(timers.set()).toBe(1);
  });

  it('the shared timer is cleared once the last stream ends by itself: no timer is left and none is cancelled', async () => {
    const timers = timersOf(5_001);
    const streams = await finishedTogether(20, (i) => stream(taskIn('Succeed'), 5 + i), () => 5_001);
    await turn();
    await turn();
    expect([timers.set(), timers.cleared()]).toEqual([1, 0]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(streams.every((s) => s.completed())).toBe(true);
    expect([timers.set(), timers.cleared()]).toEqual([1, 1]);
  });

  it('watches with different drainMs in one turn are bounded each by their own', async () => {
    const started = Date.now();
    const streams = await finishedTogether(6, () => stream(taskIn('Succeed'), undefined), (i) => (i % 2 === 0 ? 40 : 160));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const cancelled = streams.map((s) => s.tornDownAt() !== undefined);
    expect(cancelled).toEqual([true, false, true, false, true, false]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(streams.every((s) => s.tornDownAt() !== undefined)).toBe(true);
    expect(Math.min(...streams.filter((_, i) => i % 2 === 1).map((s) => s.tornDownAt()! - started))).toBeGreaterThanOrEqual(155);
  });
});

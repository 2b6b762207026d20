import { VirtualTimeScheduler } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RequestDeadlines } from '../../../src/transport/ws/request-deadlines.js';

describe('RequestDeadlines (one shared timer for request timeouts)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires each deadline at its own time, in time order, whatever the order they were started in', () => {
    vi.useFakeTimers({ now: 0 });
    const deadlines = new RequestDeadlines();
    const fired: string[] = [];
    deadlines.start(50, () => fired.push(`c@${Date.now()}`));
    deadlines.start(10, () => fired.push(`a@${Date.now()}`));
    deadlines.start(30, () => fired.push(`b@${Date.now()}`));
    vi.advanceTimersByTime(9);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['a@10']);
    vi.advanceTimersByTime(40);
    expect(fired).toEqual(['a@10', 'b@30', 'c@50']);
  });

  it('a cancelled deadline never fires; the others still do', () => {
    vi.useFakeTimers({ now: 0 });
    const deadlines = new RequestDeadlines();
    const fired: number[] = [];
    const first = deadlines.start(10, () => fired.push(10));
    deadlines.start(20, () => fired.push(20));
    first.unsubscribe();
    first.unsubscribe(); // twice is harmless
    vi.advanceTimersByTime(100);
    expect(fired).toEqual([20]);
  });

  it('dispose cancels every pending deadline', () => {
    vi.useFakeTimers({ now: 0 });
    const deadlines = new RequestDeadlines();
    const fired: number[] = [];
    deadlines.start(10, () => fired.push(10));
    deadlines.start(20, () => fired.push(20));
    deadlines.dispose();
    vi.advanceTimersByTime(100);
    expect(fired).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('uses an injected scheduler as it is (virtual time for marble tests)', () => {
    const scheduler = new VirtualTimeScheduler();
    const deadlines = new RequestDeadlines(scheduler);
    const fired: number[] = [];
    deadlines.start(30, () => fired.push(scheduler.now()));
    const cancelled = deadlines.start(10, () => fired.push(-1));
    cancelled.unsubscribe();
    scheduler.flush();
    expect(fired).toEqual([30]);
  });

  it('does not keep the process alive once nothing is pending', () => {
    const deadlines = new RequestDeadlines();
    const deadline = deadlines.start(60_000, () => undefined);
    const timer = (deadlines as unknown as { timer: { hasRef(): boolean } }).timer;
    expect(timer.hasRef()).toBe(true);
    deadline.unsubscribe();
    expect(timer.hasRef()).toBe(false);
    deadlines.dispose();
  });
});

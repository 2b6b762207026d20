import { describe, expect, it } from 'vitest';
import { take } from 'rxjs';
import { PushMulticast } from '../../../src/transport/ws/push-multicast.js';

describe('PushMulticast', () => {
  it('delivers each value to every current subscriber, and stops delivering to one that left', () => {
    const pushes = new PushMulticast<number>();
    const a: number[] = [];
    const b: number[] = [];
    const subA = pushes.observable.subscribe((v) => a.push(v));
    pushes.observable.subscribe((v) => b.push(v));
    expect(pushes.observed).toBe(true);
    pushes.next(1);
    subA.unsubscribe();
    pushes.next(2);
    expect(a).toEqual([1]);
    expect(b).toEqual([1, 2]);
  });

  it('applies a subscription made during a value from the next value on, and tears down an operator that completes early', () => {
    const pushes = new PushMulticast<number>();
    const late: number[] = [];
    const first: number[] = [];
    pushes.observable.pipe(take(1)).subscribe({
      next: (v) => {
        first.push(v);
        pushes.observable.subscribe((w) => late.push(w));
      },
    });
    pushes.next(1);
    pushes.next(2);
    expect(first).toEqual([1]);
    expect(late).toEqual([2]);
    // take(1) unsubscribed: only the late subscriber is left.
    pushes.next(3);
    expect(first).toEqual([1]);
    expect(late).toEqual([2, 3]);
  });

  it('completes current subscribers, completes later ones at once, and forgets them all', () => {
    const pushes = new PushMulticast<number>();
    const events: string[] = [];
    pushes.observable.subscribe({ next: (v) => events.push(`a${v}`), complete: () => events.push('a done') });
    pushes.complete();
    pushes.next(1);
    pushes.observable.subscribe({ next: (v) => events.push(`b${v}`), complete: () => events.push('b done') });
    expect(events).toEqual(['a done', 'b done']);
    expect(pushes.observed).toBe(false);
  });
});

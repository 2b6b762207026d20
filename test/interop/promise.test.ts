import { NEVER, Observable, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { abortable } from '../../src/interop/abortable.js';
import { NoValueError, firstValue, lastValue } from '../../src/interop/promise.js';

/** A source that records how often it was subscribed and unsubscribed. */
function counted<T>(source: Observable<T>) {
  const log = { subscribed: 0, unsubscribed: 0 };
  const observable = new Observable<T>((subscriber) => {
    log.subscribed++;
    const inner = source.subscribe(subscriber);
    return () => {
      log.unsubscribed++;
      inner.unsubscribe();
    };
  });
  return { observable, log };
}

describe('firstValue / lastValue', () => {
  it('resolve with the first / last value and unsubscribe', async () => {
    const { observable, log } = counted(of(1, 2, 3));
    expect(await firstValue(observable)).toBe(1);
    expect(await lastValue(observable)).toBe(3);
    expect(log).toEqual({ subscribed: 2, unsubscribed: 2 });
  });

  it('an asynchronous first value unsubscribes the still-open source (cancel on the wire)', async () => {
    const { observable, log } = counted(
      new Observable<number>((s) => {
        const t = setTimeout(() => s.next(7), 5);
        return () => clearTimeout(t);
      }),
    );
    expect(await firstValue(observable)).toBe(7);
    expect(log).toEqual({ subscribed: 1, unsubscribed: 1 });
  });

  it('empty rejects with NoValueError unless defaultValue; errors reject', async () => {
    await expect(firstValue(of())).rejects.toBeInstanceOf(NoValueError);
    expect(await lastValue(of(), { defaultValue: 'none' })).toBe('none');
    await expect(lastValue(throwError(() => new Error('boom')))).rejects.toThrow('boom');
  });

  it('abort unsubscribes and rejects with the reason; an aborted signal never subscribes', async () => {
    const { observable, log } = counted(NEVER);
    const controller = new AbortController();
    const pending = firstValue(observable, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    expect(log).toEqual({ subscribed: 1, unsubscribed: 1 });
    await expect(lastValue(observable, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(log.subscribed).toBe(1);
  });
});

describe('abortable', () => {
  it('abort errors the stream with the reason and tears the source down', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const controller = new AbortController();
      const source = cold('a-b-c-d|');
      scheduler.schedule(() => controller.abort('gone'), 3);
      expectObservable(source.pipe(abortable(controller.signal))).toBe('a-b#', undefined, 'gone');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('without a signal returns the source as it is', () => {
    const source = of(1);
    expect(source.pipe(abortable(undefined))).toBe(source);
  });
});

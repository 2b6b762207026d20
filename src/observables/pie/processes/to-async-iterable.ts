import type { Observable } from 'rxjs';

/** Options of `toAsyncIterable`. */
export interface ToAsyncIterableOptions {
  /** Queue length at which `onFull` is called (reading from the socket pauses). Default 64. */
  readonly highWaterMark?: number;
  /** Queue length at or below which `onDrain` is called again. Default `floor(highWaterMark / 2)`. */
  readonly lowWaterMark?: number;
  /** Called when the queue reaches `highWaterMark`, e.g. `connection.pause()`. */
  readonly onFull?: () => void;
  /** Called when a full queue has drained to `lowWaterMark`, e.g. `connection.resume()`. */
  readonly onDrain?: () => void;
}

/** An async iterable view of an Observable, with its queue statistics. */
export interface BoundedAsyncIterable<T> extends AsyncIterable<T> {
  /** Items waiting to be read now. */
  readonly queued: number;
  /** The longest the queue has been. */
  readonly maxQueued: number;
  /** Whether the source is currently paused (queue was full and has not drained). */
  readonly paused: boolean;
}

/**
 * An async-iterator view of an Observable with a bounded queue: when `highWaterMark` items
 * wait unread, `onFull` is called (the Pie client pauses reading the socket, so the
 * engine's own queues hold further events); once the reader has drained the queue to
 * `lowWaterMark`, `onDrain` resumes it. Items that were already on their way when the source
 * paused still enter the queue, so it may exceed the mark by what was in flight. The
 * source is subscribed when iteration starts and unsubscribed when it stops (`break`,
 * `return`, error or completion). An error of the source is thrown from the loop after the
 * queued items.
 *
 * @example
 * ```ts
 * import { interval, take } from 'rxjs';
 * for await (const n of toAsyncIterable(interval(10).pipe(take(3)), { highWaterMark: 2 })) console.log(n);
 * ```
 */
export function toAsyncIterable<T>(source: Observable<T>, options: ToAsyncIterableOptions = {}): BoundedAsyncIterable<T> {
  const highWaterMark = Math.max(1, options.highWaterMark ?? 64);
  const lowWaterMark = Math.min(highWaterMark - 1, Math.max(0, options.lowWaterMark ?? Math.floor(highWaterMark / 2)));
  const stats = { queued: 0, maxQueued: 0, paused: false };

  const iterable: BoundedAsyncIterable<T> = {
    get queued() {
      return stats.queued;
    },
    get maxQueued() {
      return stats.maxQueued;
    },
    get paused() {
      return stats.paused;
    },
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const queue: T[] = [];
      let done = false;
      let failure: { error: unknown } | undefined;
      let wake: (() => void) | undefined;
      const signal = () => {
        const w = wake;
        wake = undefined;
        w?.();
      };
      const pause = () => {
        if (!stats.paused) {
          stats.paused = true;
          options.onFull?.();
        }
      };
      const resume = () => {
        if (stats.paused) {
          stats.paused = false;
          options.onDrain?.();
        }
      };
      const subscription = source.subscribe({
        next(value) {
          queue.push(value);
          stats.queued = queue.length;
          stats.maxQueued = Math.max(stats.maxQueued, queue.length);
          if (queue.length >= highWaterMark) pause();
          signal();
        },
        error(error: unknown) {
          failure = { error };
          done = true;
          signal();
        },
        complete() {
          done = true;
          signal();
        },
      });
      const stop = () => {
        done = true;
        subscription.unsubscribe();
        queue.length = 0;
        stats.queued = 0;
        resume();
      };
      return {
        async next(): Promise<IteratorResult<T>> {
          for (;;) {
            if (queue.length > 0) {
              const value = queue.shift() as T;
              stats.queued = queue.length;
              if (queue.length <= lowWaterMark) resume();
              return { value, done: false };
            }
            if (failure) {
              const { error } = failure;
              failure = undefined;
              stop();
              throw error;
            }
            if (done) {
              stop();
              return { value: undefined, done: true };
            }
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
          }
        },
        async return(): Promise<IteratorResult<T>> {
          stop();
          return { value: undefined, done: true };
        },
      };
    },
  };
  return iterable;
}

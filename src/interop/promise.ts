import type { Observable, Subscription } from 'rxjs';

/** Options of `firstValue` and `lastValue`. */
export interface ValueOptions<D = never> {
  /** Aborting unsubscribes (which cancels the operation on the wire) and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Resolves with this instead of rejecting when the source completes without a value. */
  readonly defaultValue?: D;
}

/** The error of a source that completed without a value (and no `defaultValue`). */
export class NoValueError extends Error {
  override readonly name = 'NoValueError';
  constructor() {
    super('the operation completed without a value');
  }
}

function value<T, D>(source: Observable<T>, options: ValueOptions<D>, last: boolean): Promise<T | D> {
  const { signal } = options;
  return new Promise<T | D>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    let seen = false;
    let latest: T | undefined;
    let subscription: Subscription | undefined;
    const onAbort = (): void => {
      subscription?.unsubscribe();
      reject(signal!.reason);
    };
    const done = (): void => signal?.removeEventListener('abort', onAbort);
    subscription = source.subscribe({
      next(v) {
        seen = true;
        latest = v;
        if (!last) {
          done();
          resolve(v);
          subscription?.unsubscribe(); // undefined while the source emits synchronously: see below
        }
      },
      error(error: unknown) {
        done();
        reject(error);
      },
      complete() {
        done();
        if (seen) resolve(latest as T);
        else if ('defaultValue' in options) resolve(options.defaultValue as D);
        else reject(new NoValueError());
      },
    });
    if (!last && seen) subscription.unsubscribe();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The first value of an operation as a Promise (then unsubscribes: a stream is cancelled on
 * the wire). `signal` cancels it; a source that completes empty rejects with `NoValueError`
 * unless `defaultValue` is given.
 *
 * @example
 * ```ts
 * import { firstValue } from 'flame-pie-rx';
 * const ms = await firstValue(client.ping(), { signal: AbortSignal.timeout(5_000) });
 * ```
 */
export function firstValue<T, D = never>(source: Observable<T>, options: ValueOptions<D> = {}): Promise<T | D> {
  return value(source, options, false);
}

/**
 * The last value of an operation as a Promise, once it completes. `signal` cancels it; a
 * source that completes empty rejects with `NoValueError` unless `defaultValue` is given.
 *
 * @example
 * ```ts
 * import { lastValue, stdoutText } from 'flame-pie-rx';
 * const text = await lastValue(client.launchProcess('echo@1.0.0', 'hi').pipe(stdoutText()));
 * ```
 */
export function lastValue<T, D = never>(source: Observable<T>, options: ValueOptions<D> = {}): Promise<T | D> {
  return value(source, options, true);
}

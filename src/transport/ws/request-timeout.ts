import { MonoTypeOperatorFunction, Observable, SchedulerLike, asyncScheduler, throwError, timeout } from 'rxjs';
import { PieTimeoutError } from '../../model/pie/errors.js';

/**
 * Fails with `PieTimeoutError` when the source has not emitted within `timeoutMs` of
 * subscription; the source is unsubscribed at that moment (which forgets its `corr_id`).
 *
 * @example
 * ```ts
 * import { requestTimeout } from 'flame-pie-rx/pie';
 * connection.request({ type: 'ping' }).pipe(requestTimeout(5_000, 'ping'));
 * ```
 */
export function requestTimeout<T>(timeoutMs: number, request: string, scheduler: SchedulerLike = asyncScheduler): MonoTypeOperatorFunction<T> {
  return timeout<T, Observable<never>>({
    first: timeoutMs,
    scheduler,
    with: () => throwError(() => new PieTimeoutError({ request, timeoutMs })),
  });
}

import { type MonoTypeOperatorFunction, type Observable, type SchedulerLike, asyncScheduler, throwError, timeout } from 'rxjs';
import { PieIdleTimeoutError } from '../../../model/pie/errors.js';
import type { ProcessEvent } from '../../../model/pie/events.js';
import { checkTimeout } from '../../../transport/ws/connection-options.js';

/**
 * Fails a process stream with `PieIdleTimeoutError` when no event arrived within `idleMs`
 * of subscribing or of the previous event, and unsubscribes from the source at that moment
 * (for a stream of `launchProcess` that releases the process with its `onUnsubscribe`
 * policy). Why: a 0.4 engine sometimes leaves a launch on a fresh connection silent for ever
 * (seen in 1–15 % of launches on a loaded machine, with a raw client too: an engine defect),
 * and a stream without a timeout then waits for ever. Choose `idleMs` above the longest
 * quiet spell the program has (its first event may come after model loading).
 *
 * @example
 * ```ts
 * import { processIdleTimeout } from 'flame-pie-rx';
 * client.launchProcess('echo@1.0.0', {}).pipe(processIdleTimeout(30_000)).subscribe({
 *   error: (e) => console.log(e.name), // 'PieIdleTimeoutError' if the engine stays silent
 * });
 * ```
 */
export function processIdleTimeout<E extends ProcessEvent>(
  idleMs: number,
  options: { processId?: string; scheduler?: SchedulerLike } = {},
): MonoTypeOperatorFunction<E> {
  checkTimeout(idleMs, 'idleMs');
  const details = options.processId === undefined ? { idleMs } : { idleMs, processId: options.processId };
  return timeout<E, Observable<never>>({
    each: idleMs,
    scheduler: options.scheduler ?? asyncScheduler,
    with: () => throwError(() => new PieIdleTimeoutError(details)),
  });
}

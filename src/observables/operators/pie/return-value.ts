import { Observable, type OperatorFunction } from 'rxjs';
import { PieProcessFailedError, PieProcessLostError, PieReturnValueError } from '../../../model/pie/errors.js';
import type { ProcessEvent } from '../../../model/pie/events.js';

/**
 * Waits for the process's `return` event, emits its value parsed as JSON and completes
 * (unsubscribing from the events). An `error` event fails with `PieProcessFailedError`, a
 * return text that is not JSON with `PieReturnValueError`, and events that end without either
 * with `PieProcessLostError`.
 *
 * @example
 * ```ts
 * import { returnValue } from 'flame-pie-rx';
 * const answer = await lastValueFrom(events$.pipe(returnValue<{ text: string }>()));
 * ```
 */
export function returnValue<T = unknown>(): OperatorFunction<ProcessEvent, T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let processId: string | undefined;
      return source.subscribe({
        next(event) {
          processId = event.processId;
          if (event.kind === 'error') {
            subscriber.error(new PieProcessFailedError({ processId: event.processId, message: event.message }));
          } else if (event.kind === 'return') {
            let value: T;
            try {
              value = JSON.parse(event.value) as T;
            } catch {
              subscriber.error(new PieReturnValueError({ processId: event.processId, value: event.value }));
              return;
            }
            subscriber.next(value);
            subscriber.complete();
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () =>
          subscriber.error(
            new PieProcessLostError({
              processId: processId ?? 'unknown',
              reason: 'its events ended without a return or error event',
            }),
          ),
      });
    });
}

import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';
import { PieProcessFailedError } from '../../../model/pie/errors.js';
import { type ProcessEvent, isTerminalEvent } from '../../../model/pie/events.js';

/**
 * Ends a process's event stream at its first terminal event (spec 4.3: the first
 * `return`/`error` is final, anything after it is ignored): events pass through; a
 * `return` is emitted and the stream completes; an `error` is emitted and the stream then
 * errors with `PieProcessFailedError`. The source is unsubscribed at that point.
 *
 * @example
 * ```ts
 * import { of } from 'rxjs';
 * of(
 *   { kind: 'stdout', processId: 'p', text: 'hi' },
 *   { kind: 'return', processId: 'p', value: '42' },
 *   { kind: 'stdout', processId: 'p', text: 'ignored' },
 * ).pipe(endAtTerminalEvent()).subscribe(console.log); // stdout, return, then complete
 * ```
 */
export function endAtTerminalEvent(): OperatorFunction<ProcessEvent, ProcessEvent> {
  return (source) =>
    new Observable<ProcessEvent>((subscriber) =>
      source.subscribe({
        next: (event) => void emitUntilTerminal(subscriber, event),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}

/**
 * Hands one event to `subscriber` and ends it at a terminal event, as `endAtTerminalEvent`
 * does: after `return` it completes, after `error` it errors with `PieProcessFailedError`.
 * Returns whether the subscriber still takes events (for sources that feed subscribers
 * directly, such as a process route, without an operator per event).
 *
 * @example
 * ```ts
 * if (!emitUntilTerminal(subscriber, event)) return; // the subscriber has ended
 * ```
 */
export function emitUntilTerminal(subscriber: Subscriber<ProcessEvent>, event: ProcessEvent): boolean {
  if (subscriber.closed) return false;
  subscriber.next(event);
  if (!isTerminalEvent(event)) return true;
  if (event.kind === 'error') subscriber.error(new PieProcessFailedError({ processId: event.processId, message: event.message }));
  else subscriber.complete();
  return false;
}

import { takeWhile, type MonoTypeOperatorFunction } from 'rxjs';
import { isTerminalEvent, type ProcessEvent } from '../../../model/pie/events.js';

/**
 * Passes a process's events through its first terminal event (`return` or `error`),
 * included, then completes and unsubscribes. Whatever follows is ignored, such as the second
 * terminal event of the terminate-while-finishing race (spec 4.3). Meant for the events of
 * one process.
 *
 * @example
 * ```ts
 * import { untilProcessEnd } from 'flame-pie-rx';
 * events$.pipe(untilProcessEnd()).subscribe({ complete: () => console.log('process ended') });
 * ```
 */
export function untilProcessEnd<E extends ProcessEvent>(): MonoTypeOperatorFunction<E> {
  return takeWhile((event: E) => !isTerminalEvent(event), true);
}

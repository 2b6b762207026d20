import { MonoTypeOperatorFunction, takeWhile } from 'rxjs';
import { TaskState, isTerminalTaskState } from '../../../model/flame/types.js';

/**
 * Passes tasks through and completes right after the first one in a terminal state
 * (Succeed, Failed or Cancelled), which it still emits. Unsubscribes from the source at
 * that moment, so a watch stream behind it is cancelled.
 *
 * @example
 * ```ts
 * import { of } from 'rxjs';
 * import { untilTerminal } from 'flame-pie-rx';
 * of({ state: 'Pending' }, { state: 'Succeed' }, { state: 'Running' })
 *   .pipe(untilTerminal())
 *   .subscribe((t) => console.log(t.state)); // Pending, Succeed
 * ```
 */
export function untilTerminal<T extends { readonly state: TaskState }>(): MonoTypeOperatorFunction<T> {
  return takeWhile<T>((task) => !isTerminalTaskState(task.state), true);
}

import { TaskFailedError } from '../../../model/flame/errors.js';
import { Task } from '../../../model/flame/types.js';

/**
 * Event code the server records when a task fails (spec 3.6); its message is the reason.
 *
 * @example
 * ```ts
 * import { TASK_FAILED_EVENT_CODE } from 'flame-pie-rx';
 * task.events.filter((e) => e.code === TASK_FAILED_EVENT_CODE);
 * ```
 */
export const TASK_FAILED_EVENT_CODE = 3;

/**
 * The failure message of a task: the message of its last event with code 3, if any.
 * Only GetTask returns task events, so tasks from WatchTask, ListTask or CreateTask have
 * none (spec 3.4.13).
 *
 * @example
 * ```ts
 * import { taskFailureMessage } from 'flame-pie-rx';
 * taskFailureMessage({ events: [{ code: 3, message: 'boom', creationTime: new Date() }] }); // => 'boom'
 * ```
 */
export function taskFailureMessage(task: Pick<Task, 'events'>): string | undefined {
  for (let i = task.events.length - 1; i >= 0; i -= 1) {
    const event = task.events[i]!;
    if (event.code === TASK_FAILED_EVENT_CODE) return event.message;
  }
  return undefined;
}

/**
 * The `TaskFailedError` for a task that ended Failed or Cancelled, naming its id, session,
 * state, failure message and the code of its last event (when the task carries events).
 *
 * @example
 * ```ts
 * import { taskFailedErrorOf } from 'flame-pie-rx';
 * const error = taskFailedErrorOf(task); // task.state is 'Failed' or 'Cancelled'
 * console.log(error.message);
 * ```
 */
export function taskFailedErrorOf(task: Task): TaskFailedError {
  return new TaskFailedError({
    taskId: task.id,
    sessionId: task.sessionId,
    state: task.state,
    failureMessage: taskFailureMessage(task),
    failureCode: task.events.length > 0 ? task.events[task.events.length - 1]!.code : undefined,
  });
}

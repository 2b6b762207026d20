import { ClientError } from '../../model/errors.js';
import type { Task } from '../../model/flame/types.js';

/**
 * The server answered a call about one task with another task (another id, or another
 * session). Retryable: a watch treats it as a broken answer, drops it and resumes (a new
 * stream and GetTask after its backoff delay), instead of taking another task's state for
 * the watched one.
 *
 * @example
 * ```ts
 * import { FlameTaskMismatchError } from 'flame-pie-rx/flame';
 * new FlameTaskMismatchError('WatchTask', { sessionId: 's', taskId: '1' }, { sessionId: 's', id: '2' }).message;
 * // => 'WatchTask for task 1 of session s answered with task 2 of session s'
 * ```
 */
export class FlameTaskMismatchError extends ClientError {
  readonly method: string;
  readonly expected: { readonly sessionId: string; readonly taskId: string };
  readonly received: { readonly sessionId: string; readonly taskId: string };

  constructor(method: string, expected: { sessionId: string; taskId: string }, received: { sessionId: string; id: string }) {
    super(
      `${method} for task ${expected.taskId} of session ${expected.sessionId} answered with task ${received.id} of session ${received.sessionId || '(none)'}`,
      { retryable: true },
    );
    this.method = method;
    this.expected = { sessionId: expected.sessionId, taskId: expected.taskId };
    this.received = { sessionId: received.sessionId, taskId: received.id };
  }
}

/**
 * Returns `task` when it is the task asked about (same id; same session when the answer
 * names one), and throws `FlameTaskMismatchError` otherwise.
 *
 * @example
 * ```ts
 * import { checkTaskIdentity } from 'flame-pie-rx/flame';
 * checkTaskIdentity('GetTask', { sessionId: 's', taskId: '1' }, task);
 * ```
 */
export function checkTaskIdentity(method: string, expected: { readonly sessionId: string; readonly taskId: string }, task: Task): Task {
  if (task.id !== expected.taskId || (task.sessionId !== '' && task.sessionId !== expected.sessionId)) {
    throw new FlameTaskMismatchError(method, expected, task);
  }
  return task;
}

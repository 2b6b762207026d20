import { ClientError } from '../../model/errors.js';

/**
 * A task watch stopped because its backoff policy ran out of attempts while WatchTask
 * streams kept ending without a terminal state.
 *
 * @example
 * ```ts
 * import { TaskWatchGaveUpError } from 'flame-pie-rx/flame';
 * client.watchTask(sessionId, taskId).subscribe({ error: (e) => { if (e instanceof TaskWatchGaveUpError) console.log(e.attempts); } });
 * ```
 */
export class TaskWatchGaveUpError extends ClientError {
  /** How many times the watch was restarted before giving up. */
  readonly attempts: number;

  constructor(attempts: number) {
    super(`task watch gave up after ${attempts} restarts: the stream kept ending without a terminal state`);
    this.attempts = attempts;
  }
}

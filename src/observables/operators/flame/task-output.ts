import { Observable, OperatorFunction, Subscriber } from 'rxjs';
import { TaskCodec, bytesCodec } from '../../../model/flame/codec.js';
import { Task, isTerminalTaskState } from '../../../model/flame/types.js';
import { taskFailedErrorOf } from './task-failure.js';

/**
 * Turns each terminal task into its decoded output: a Succeed task emits
 * `codec.decode(task.output)`; a Failed or Cancelled task errors with `TaskFailedError`
 * (task id, session id, state and, when the task carries its events, the failure
 * message). Non-terminal tasks (Pending, Running) are skipped; completion passes through.
 * A codec that cannot decode errors with its own error (a `CodecError` for the built-in
 * codecs).
 *
 * @example
 * ```ts
 * import { taskOutput } from 'flame-pie-rx';
 * import { jsonCodec } from 'flame-pie-rx/flame';
 * client.watchTask(sessionId, taskId).pipe(taskOutput(jsonCodec<{ sum: number }>()))
 *   .subscribe((out) => console.log(out.sum));
 * ```
 */
export function taskOutput(): OperatorFunction<Task, Uint8Array | undefined>;
export function taskOutput<T>(codec: TaskCodec<T>): OperatorFunction<Task, T>;
export function taskOutput<T>(codec?: TaskCodec<T>): OperatorFunction<Task, T | Uint8Array | undefined> {
  const decoder: TaskCodec<T | Uint8Array | undefined> = codec ?? bytesCodec;
  return (source) =>
    new Observable<T | Uint8Array | undefined>((subscriber) => {
      source.subscribe(new TaskOutputSubscriber(subscriber, decoder));
    });
}

/**
 * The one operator subscriber of `taskOutput` (not filter + map): every `invoke` goes
 * through it, and `invoke` subscribes it to its task directly.
 */
export class TaskOutputSubscriber<T> extends Subscriber<Task> {
  constructor(
    destination: Subscriber<T>,
    private readonly decoder: TaskCodec<T>,
  ) {
    super(destination);
  }

  protected override _next(task: Task): void {
    if (!isTerminalTaskState(task.state)) return;
    let value: T;
    try {
      if (task.state !== 'Succeed') throw taskFailedErrorOf(task);
      value = this.decoder.decode(task.output);
    } catch (error) {
      this.destination.error(error);
      return;
    }
    this.destination.next(value);
  }
}

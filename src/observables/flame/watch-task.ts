import { Observable, SchedulerLike, map } from 'rxjs';
import { taskFromProto } from '../../model/flame/convert.js';
import type { Task, TaskState } from '../../model/flame/types.js';
import type { BackoffPolicy } from '../../transport/backoff.js';
import type { ShouldRetry } from '../../transport/should-retry.js';
import { serverStreamCall } from '../../transport/grpc/server-stream.js';
import { unaryCall } from '../../transport/grpc/unary.js';
import type { FlameClientCallOptions, FlameClientContext } from './context.js';
import { watchTaskWith } from './watch-task-core.js';

/** Options of `watchTask`; every one has a default from the client. */
export interface WatchTaskOptions {
  /** Delays between watch attempts. Default: the client's `backoff`. */
  readonly policy?: BackoffPolicy;
  /** Which stream/GetTask errors are retried. Default: retryable ones (UNAVAILABLE). */
  readonly shouldRetry?: ShouldRetry;
  /** Where delays run. Default: the client's scheduler. */
  readonly scheduler?: SchedulerLike;
  /** Random source for jitter, [0, 1). */
  readonly random?: () => number;
  /** A state already seen (not emitted again). */
  readonly seenState?: TaskState;
  /** Whether the first cycle reconciles with GetTask (default true; see `watchTaskWith`). */
  readonly reconcileAtStart?: boolean;
  /**
   * Options of each GetTask call the watch makes (e.g. a `deadlineMs`). The WatchTask
   * streams themselves have no deadline: a task may run for hours. Bound the whole watch
   * with RxJS `timeout` if needed.
   */
  readonly getTaskCall?: FlameClientCallOptions;
}

/**
 * Follows a task to its end: emits the task at each new state (Pending, Running, then the
 * terminal one exactly once) and completes. Survives what Flame's WatchTask does not
 * handle on its own (spec 3.4.13, see `watchTaskWith`): the current state is fetched with
 * GetTask at start, a stream broken by a server restart or ending early is resumed after
 * a backoff delay, a Failed task is emitted with its events (failure message). Unknown
 * ids error with `FlameNotFoundError`.
 *
 * Unsubscribing stops watching (the stream is cancelled on the wire); it does NOT cancel
 * the task, which keeps running on the server: Flame has no cancel-task RPC.
 *
 * `context` is a `FlameClient` or any `FlameClientContext`.
 *
 * @example
 * ```ts
 * import { FlameClient, watchTask } from 'flame-pie-rx/flame';
 * const client = FlameClient.connect();
 * watchTask(client, 'echo-a1B2c3', '1').subscribe((task) => console.log(task.state));
 * ```
 */
export function watchTask(
  context: FlameClientContext,
  sessionId: string,
  taskId: string,
  options: WatchTaskOptions = {},
): Observable<Task> {
  const request = { sessionId, taskId };
  return watchTaskWith({
    watch: () => serverStreamCall(context.channel, 'watchTask', request).pipe(map(taskFromProto)),
    get: () => unaryCall(context.channel, 'getTask', request, options.getTaskCall).pipe(map(taskFromProto)),
    policy: options.policy ?? context.backoff,
    scheduler: options.scheduler ?? context.scheduler,
    ...(options.shouldRetry ? { shouldRetry: options.shouldRetry } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.seenState ? { seenState: options.seenState } : {}),
    ...(options.reconcileAtStart === false ? { reconcileAtStart: false } : {}),
  });
}

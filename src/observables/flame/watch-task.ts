import { Observable, SchedulerLike, switchMap } from 'rxjs';
import { taskFromProto } from '../../model/flame/convert.js';
import type { Task, TaskState } from '../../model/flame/types.js';
import type { BackoffPolicy } from '../../transport/backoff.js';
import type { ShouldRetry } from '../../transport/should-retry.js';
import { serverStreamCallMapped } from '../../transport/grpc/server-stream.js';
import { unaryCallMapped } from '../../transport/grpc/unary.js';
import type { FlameClientCallOptions, FlameClientContext } from './context.js';
import { type FlameVersion, protocolOf } from './protocol.js';
import { checkTaskIdentity } from './task-identity.js';
import { type WatchTaskCoreOptions, watchTaskWith } from './watch-task-core.js';
import { sharedTaskWatch } from './watch-tasks-hub.js';
import { type AbortOptions, abortable } from '../../interop/abortable.js';

/** Options of `watchTask`; every one has a default from the client. `signal` stops the watch (see `AbortOptions`). */
export interface WatchTaskOptions extends AbortOptions {
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
 * The same guarantees hold on both versions. On Flame 0.6 each watch is one WatchTask
 * stream. On 0.7 the watches of one session share one WatchTasks stream
 * (`sharedTaskWatch`): a watch registers its task there and gets the current state
 * first; after a break every open watch registers again on a new stream.
 *
 * Unsubscribing stops watching (0.6: the stream is cancelled on the wire; 0.7: the
 * registration is dropped and the shared stream closes once no watch is left); it does
 * NOT cancel the task, which keeps running on the server: Flame has no cancel-task RPC.
 * Aborting `signal` is unsubscribing, and errors the watch with the signal's reason.
 *
 * `context` is a `FlameClient` or any `FlameClientContext`.
 *
 * @example
 * ```ts
 * import { FlameClient, watchTask } from 'flame-pie-rx/flame';
 * const client = FlameClient.connect();
 * watchTask(client, 'echo-a1B2c3', '1', { signal: AbortSignal.timeout(60_000) }).subscribe((task) => console.log(task.state));
 * ```
 */
export function watchTask(
  context: FlameClientContext,
  sessionId: string,
  taskId: string,
  options: WatchTaskOptions = NO_OPTIONS,
): Observable<Task> {
  const protocol = protocolOf(context.channel);
  const known = protocol.version;
  const request = { sessionId, taskId };
  const watch$ =
    known !== undefined
      ? watchTaskWith(new ChannelTaskCalls(context, request, options, known))
      : protocol.detect().pipe(switchMap((version) => watchTaskWith(new ChannelTaskCalls(context, request, options, version))));
  return watch$.pipe(abortable(options.signal));
}

const NO_OPTIONS: WatchTaskOptions = {};
const NO_CALL_OPTIONS: FlameClientCallOptions = {};

/**
 * The `watchTaskWith` options of one `watchTask`: the two calls on the context's channel
 * (messages converted as they arrive) and the options with the client's defaults. One
 * object whose methods and getters live on the prototype, as many watches may be open.
 */
class ChannelTaskCalls implements WatchTaskCoreOptions {
  constructor(
    private readonly context: FlameClientContext,
    private readonly request: { readonly sessionId: string; readonly taskId: string },
    private readonly options: WatchTaskOptions,
    private readonly version: FlameVersion,
  ) {}

  watch(): Observable<Task> {
    // 0.7's shared per-session stream routes messages by task id already.
    if (this.version === '0.7') return sharedTaskWatch(this.context.channel, this.request.sessionId, this.request.taskId);
    return serverStreamCallMapped(this.context.channel, 'watchTask', this.request, NO_CALL_OPTIONS, (m) => this.checked('WatchTask', m));
  }

  get streamSendsCurrentState(): boolean {
    return this.version === '0.7';
  }

  get(): Observable<Task> {
    const call = this.options.getTaskCall ?? NO_CALL_OPTIONS;
    return unaryCallMapped(this.context.channel, 'getTask', this.request, call, (m) => this.checked('GetTask', m));
  }

  /** A message about another task or session is a broken answer (retryable), never this task's state. */
  private checked(method: string, message: Parameters<typeof taskFromProto>[0]): Task {
    return checkTaskIdentity(method, this.request, taskFromProto(message));
  }

  get policy(): BackoffPolicy {
    return this.options.policy ?? this.context.backoff;
  }
  get scheduler(): SchedulerLike {
    return this.options.scheduler ?? this.context.scheduler;
  }
  get shouldRetry(): ShouldRetry | undefined {
    return this.options.shouldRetry;
  }
  get random(): (() => number) | undefined {
    return this.options.random;
  }
  get seenState(): TaskState | undefined {
    return this.options.seenState;
  }
  get reconcileAtStart(): boolean | undefined {
    return this.options.reconcileAtStart;
  }
}

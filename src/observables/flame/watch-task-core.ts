import { Observable, SchedulerLike, Subscription, asyncScheduler } from 'rxjs';
import { Task, TaskState, isTerminalTaskState } from '../../model/flame/types.js';
import { BackoffPolicy, backoffDelay, defaultBackoffPolicy } from '../../transport/backoff.js';
import { ShouldRetry, retryTransient } from '../../transport/should-retry.js';
import { taskFailureMessage } from '../operators/flame/task-failure.js';
import { TaskWatchGaveUpError } from './task-watch-gave-up-error.js';

/** What `watchTaskWith` is built from: the two calls and how to back off between them. */
export interface WatchTaskCoreOptions {
  /** Opens one WatchTask stream (cold: each subscription is a new call). */
  readonly watch: () => Observable<Task>;
  /** One GetTask call (cold: one value, then complete). */
  readonly get: () => Observable<Task>;
  /** Delays before re-watching after a break or an empty end. Default `defaultBackoffPolicy`. */
  readonly policy?: BackoffPolicy;
  /** Where delays run; a TestScheduler drives them in virtual time. */
  readonly scheduler?: SchedulerLike;
  /** Which errors of a stream or a GetTask are worth another try. Default: `retryable` ones. */
  readonly shouldRetry?: ShouldRetry;
  /** Random source for the policy's jitter, [0, 1). */
  readonly random?: () => number;
  /**
   * A state the caller has already seen (e.g. `Pending` from CreateTask): it and earlier
   * states are not emitted again.
   */
  readonly seenState?: TaskState;
}

/** Progress order of task states: Pending < Running < any terminal state. */
const STATE_RANK: Record<TaskState, number> = { Pending: 0, Running: 1, Succeed: 2, Failed: 2, Cancelled: 2 };

/**
 * Follows one task to its end from a WatchTask stream and GetTask calls, hiding what the
 * server's WatchTask does not do (spec 3.4.13). Emits the task each time it reaches a
 * NEW state, emits the terminal task exactly once, then completes.
 *
 * How it works:
 * - A cycle subscribes to `watch()` and, at the same time, `get()` (the server does not
 *   send the current state first, so GetTask reconciles it). The first cycle starts at
 *   subscription.
 * - Emitted states only move forward (Pending, Running, terminal). A task the server puts
 *   back from Running to Pending (executor lost, server restart) is not reported again:
 *   the watcher keeps "Running" until the terminal state.
 * - A stream that ends OK without a terminal task: one `get()`; terminal → emit and
 *   complete; otherwise emit it if newer and start a new cycle after the policy's delay.
 *   Unknown ids end the stream empty; the `get()` then errors NOT_FOUND, which errors
 *   the watch.
 * - A stream that errors with an error `shouldRetry` accepts (UNAVAILABLE during a server
 *   restart): a new cycle after the policy's delay. Other errors error the watch.
 * - Delays count attempts from 1 (`backoffDelay(policy, attempt)`); a message from a
 *   stream resets the count. When the policy has no attempts left the watch errors with
 *   the last stream error, or `TaskWatchGaveUpError` after an empty end.
 * - A reconciling `get()` that fails with a retryable error is ignored (the stream still
 *   runs; the next cycle reconciles again); a non-retryable one errors the watch.
 * - A task that ended Failed without its failure event (streamed tasks carry no events)
 *   is fetched once more with `get()` so that the emitted task carries its events (the
 *   failure message is the last event with code 3). If that fetch fails, retryable
 *   errors are retried under the policy; otherwise the task is emitted as streamed.
 *
 * Unsubscribing cancels the running stream, GetTask and any pending delay.
 *
 * @example
 * ```ts
 * import { watchTaskWith } from 'flame-pie-rx/flame';
 * watchTaskWith({
 *   watch: () => serverStreamCall(channel, 'watchTask', { sessionId, taskId }).pipe(map(taskFromProto)),
 *   get: () => unaryCall(channel, 'getTask', { sessionId, taskId }).pipe(map(taskFromProto)),
 * }).subscribe((task) => console.log(task.state));
 * ```
 */
export function watchTaskWith(options: WatchTaskCoreOptions): Observable<Task> {
  const policy = options.policy ?? defaultBackoffPolicy;
  const scheduler = options.scheduler ?? asyncScheduler;
  const shouldRetry = options.shouldRetry ?? retryTransient;

  return new Observable<Task>((subscriber) => {
    let lastRank = options.seenState === undefined ? -1 : STATE_RANK[options.seenState];
    let attempt = 0; // consecutive retries without a streamed message
    // Everything the current step runs (a stream, a GetTask, a delay). Starting a new
    // step, finishing or failing closes it; callbacks of a closed step are ignored.
    let step = new Subscription();
    const nextStep = (): Subscription => {
      step.unsubscribe();
      step = new Subscription();
      return step;
    };

    const fail = (error: unknown): void => {
      step.unsubscribe();
      subscriber.error(error);
    };
    const finish = (task: Task): void => {
      step.unsubscribe();
      subscriber.next(task);
      subscriber.complete();
    };

    /** Offers a task seen from either call; returns true when it was terminal. */
    const offer = (task: Task): boolean => {
      if (isTerminalTaskState(task.state)) {
        if (task.state === 'Failed' && taskFailureMessage(task) === undefined) fetchFailureEvents(task);
        else finish(task);
        return true;
      }
      const rank = STATE_RANK[task.state];
      if (rank > lastRank) {
        lastRank = rank;
        subscriber.next(task);
      }
      return false;
    };

    /** Runs `next` after the delay of the next attempt; false when the policy is spent. */
    const afterBackoff = (next: () => void): boolean => {
      attempt += 1;
      const delayMs = backoffDelay(policy, attempt, options.random);
      if (delayMs === undefined) return false;
      const own = nextStep();
      own.add(
        scheduler.schedule(() => {
          if (!own.closed) next();
        }, delayMs),
      );
      return true;
    };

    /** A Failed task without its failure event: GetTask once more for the events. */
    const fetchFailureEvents = (streamed: Task): void => {
      const own = nextStep();
      const emit = (task: Task): void => {
        step.unsubscribe();
        subscriber.next(task);
        subscriber.complete();
      };
      own.add(
        options.get().subscribe({
          next: (task) => {
            if (!own.closed) emit(task.state === 'Failed' ? task : streamed);
          },
          error: (error: unknown) => {
            if (own.closed) return;
            if (!shouldRetry(error, attempt + 1) || !afterBackoff(() => fetchFailureEvents(streamed))) emit(streamed);
          },
        }),
      );
    };

    /** A stream ended OK without a terminal task: ask GetTask where the task is. */
    const checkAfterEmptyEnd = (): void => {
      const own = nextStep();
      own.add(
        options.get().subscribe({
          next: (task) => {
            if (own.closed || offer(task)) return;
            if (!afterBackoff(startCycle)) fail(new TaskWatchGaveUpError(attempt - 1));
          },
          error: (error: unknown) => {
            if (own.closed) return;
            if (!shouldRetry(error, attempt + 1) || !afterBackoff(startCycle)) fail(error);
          },
        }),
      );
    };

    /** One cycle: a WatchTask stream and, alongside, a reconciling GetTask. */
    const startCycle = (): void => {
      const own = nextStep();
      own.add(
        options.watch().subscribe({
          next: (task) => {
            if (own.closed) return;
            attempt = 0;
            offer(task);
          },
          error: (error: unknown) => {
            if (own.closed) return;
            if (!shouldRetry(error, attempt + 1) || !afterBackoff(startCycle)) fail(error);
          },
          complete: () => {
            if (!own.closed) checkAfterEmptyEnd();
          },
        }),
      );
      if (own.closed) return;
      own.add(
        options.get().subscribe({
          next: (task) => {
            if (!own.closed) offer(task);
          },
          error: (error: unknown) => {
            if (!own.closed && !shouldRetry(error, attempt + 1)) fail(error);
          },
        }),
      );
    };

    startCycle();
    return () => {
      step.unsubscribe();
    };
  });
}

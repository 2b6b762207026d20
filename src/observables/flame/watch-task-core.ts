import { Observable, Observer, SchedulerLike, Subscription, asyncScheduler } from 'rxjs';
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
  /**
   * Whether the first cycle also reconciles with GetTask. Default true. Pass false only
   * when the caller holds a state read just before subscribing (the CreateTask reply in
   * `runTask`): the server's WatchTask compares against the state at call time and always
   * delivers a terminal state, so that reply already is the reconciliation and the extra
   * GetTask would be wasted. Later cycles (after a break or an empty end) always reconcile.
   */
  readonly reconcileAtStart?: boolean;
  /**
   * How long a call whose answer is no longer needed (the stream after its terminal
   * message, a GetTask overtaken by the stream) may run on before it is cancelled. Default
   * `DEFAULT_WATCH_DRAIN_MS`.
   */
  readonly drainMs?: number;
}

/**
 * Default of `drainMs`. The server ends a WatchTask stream right after its terminal
 * message, so a finished watch lets the stream end by itself instead of cancelling it:
 * HTTP/2 servers rate-limit client stream resets (a "rapid reset" defence) and close the
 * whole connection when a busy client resets streams in bulk.
 *
 * @example
 * ```ts
 * import { DEFAULT_WATCH_DRAIN_MS, watchTaskWith } from 'flame-pie-rx/flame';
 * watchTaskWith({ watch, get, drainMs: DEFAULT_WATCH_DRAIN_MS * 5 });
 * ```
 */
export const DEFAULT_WATCH_DRAIN_MS = 1000;

/** The calls and the delay of one step of the algorithm. */
interface Step {
  readonly subscription: Subscription;
  /** Calls of this step that have not ended yet. */
  running: number;
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
 * Unsubscribing before the end cancels the running stream, GetTask and any pending delay.
 * Once the watch has ended on its own (terminal state, error), calls whose answer is no
 * longer needed are left to end by themselves for up to `drainMs`, then cancelled: the
 * stream that delivered the terminal state ends right after it, and cancelling it would
 * send a stream reset for nothing.
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

  const drainMs = options.drainMs ?? DEFAULT_WATCH_DRAIN_MS;

  return new Observable<Task>((subscriber) => {
    let lastRank = options.seenState === undefined ? -1 : STATE_RANK[options.seenState];
    let attempt = 0; // consecutive retries without a streamed message
    let ended = false;
    // The current step: its calls and delay. Callbacks of any other step are ignored.
    const newStep = (): Step => ({ subscription: new Subscription(), running: 0 });
    let current = newStep();
    // Former steps whose calls are left to end by themselves (bounded by drainMs).
    const draining = new Set<Step>();

    const isCurrent = (own: Step): boolean => !ended && current === own;

    /** Ends a step that is no longer current: cancels its delay, lets its calls drain. */
    const retire = (old: Step): void => {
      if (old.running === 0) {
        old.subscription.unsubscribe();
        return;
      }
      draining.add(old);
      old.subscription.add(
        scheduler.schedule(() => {
          draining.delete(old);
          old.subscription.unsubscribe();
        }, drainMs),
      );
    };
    const nextStep = (): Step => {
      retire(current);
      current = newStep();
      return current;
    };

    /** Subscribes a call as part of a step; its callbacks run only while that step is current. */
    const call = (own: Step, source: Observable<Task>, observer: Partial<Observer<Task>>): void => {
      own.running += 1;
      let done = false;
      const settle = (): void => {
        if (done) return;
        done = true;
        own.running -= 1;
        if (own.running === 0 && draining.delete(own)) own.subscription.unsubscribe();
      };
      own.subscription.add(
        source.subscribe({
          next: (task) => {
            if (isCurrent(own)) observer.next?.(task);
          },
          error: (error: unknown) => {
            settle();
            if (isCurrent(own)) observer.error?.(error);
          },
          complete: () => {
            settle();
            if (isCurrent(own)) observer.complete?.();
          },
        }),
      );
    };

    const end = (): void => {
      ended = true;
      retire(current);
      current = newStep();
    };
    const fail = (error: unknown): void => {
      end();
      subscriber.error(error);
    };
    const finish = (task: Task): void => {
      end();
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
      own.subscription.add(
        scheduler.schedule(() => {
          if (isCurrent(own)) next();
        }, delayMs),
      );
      return true;
    };

    /** A Failed task without its failure event: GetTask once more for the events. */
    const fetchFailureEvents = (streamed: Task): void => {
      const own = nextStep();
      call(own, options.get(), {
        next: (task) => finish(task.state === 'Failed' ? task : streamed),
        error: (error: unknown) => {
          if (!shouldRetry(error, attempt + 1) || !afterBackoff(() => fetchFailureEvents(streamed))) finish(streamed);
        },
      });
    };

    /** A stream ended OK without a terminal task: ask GetTask where the task is. */
    const checkAfterEmptyEnd = (): void => {
      const own = nextStep();
      call(own, options.get(), {
        next: (task) => {
          if (offer(task)) return;
          if (!afterBackoff(startCycle)) fail(new TaskWatchGaveUpError(attempt - 1));
        },
        error: (error: unknown) => {
          if (!shouldRetry(error, attempt + 1) || !afterBackoff(startCycle)) fail(error);
        },
      });
    };

    /** One cycle: a WatchTask stream and, alongside, a reconciling GetTask. */
    const startCycle = (reconcile = true): void => {
      const own = nextStep();
      call(own, options.watch(), {
        next: (task) => {
          attempt = 0;
          offer(task);
        },
        error: (error: unknown) => {
          if (!shouldRetry(error, attempt + 1) || !afterBackoff(startCycle)) fail(error);
        },
        complete: () => checkAfterEmptyEnd(),
      });
      if (!reconcile || !isCurrent(own)) return;
      call(own, options.get(), {
        next: (task) => {
          offer(task);
        },
        error: (error: unknown) => {
          if (!shouldRetry(error, attempt + 1)) fail(error);
        },
      });
    };

    startCycle(options.reconcileAtStart ?? true);
    return () => {
      if (ended) return; // finished on its own: draining calls end by themselves
      ended = true;
      current.subscription.unsubscribe();
      for (const step of draining) step.subscription.unsubscribe();
      draining.clear();
    };
  });
}

import { Observable, SchedulerLike, Subscriber, Unsubscribable, asyncScheduler } from 'rxjs';
import { Task, TaskState, isTerminalTaskState } from '../../model/flame/types.js';
import { BackoffPolicy, backoffDelay, defaultBackoffPolicy } from '../../transport/backoff.js';
import { ShouldRetry, retryTransient } from '../../transport/should-retry.js';
import { taskFailureMessage } from '../operators/flame/task-failure.js';
import { TaskWatchGaveUpError } from './task-watch-gave-up-error.js';
import { CallRole, Step, TaskCall, TaskCallOwner } from './watch-task-calls.js';
import { afterThisTurn, type DrainBatches } from './drain-later.js';

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
   * Whether each `watch()` subscription first delivers the task's current state (Flame 0.7
   * WatchTasks sends a snapshot for every registration). Then no cycle reconciles with
   * GetTask; GetTask is still asked after an empty end and for missing failure events.
   * Default false (0.6 WatchTask sends nothing until the task changes).
   */
  readonly streamSendsCurrentState?: boolean;
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
  return new Observable<Task>((subscriber) => new TaskWatch(options, subscriber).start());
}

/**
 * The step of a watch before its first cycle and after its end: closed, so it holds no
 * calls or timers, and shared, so neither costs an object per watch.
 */
const NO_STEP = new Step();
NO_STEP.unsubscribe();

/** Progress order of task states: Pending < Running < any terminal state. */
const STATE_RANK: Record<TaskState, number> = { Pending: 0, Running: 1, Succeed: 2, Failed: 2, Cancelled: 2 };


/**
 * The state of one subscription to `watchTaskWith`: one object whose methods live on the
 * prototype (thousands of watches may be open at once), and its subscription's teardown.
 * Options are read when used, so nothing of them is copied per watch.
 */
class TaskWatch implements Unsubscribable, TaskCallOwner {
  #lastRank: number;
  /** Consecutive retries without a streamed message. */
  #attempt = 0;
  #ended = false;
  /** The current step: its calls and delay. Callbacks of any other step are ignored. */
  #current: Step = NO_STEP;
  /** Former steps whose calls are left to end by themselves (bounded by drainMs); made when first needed. */
  #draining: Set<Step> | undefined = undefined;

  constructor(
    private readonly options: WatchTaskCoreOptions,
    private readonly subscriber: Subscriber<Task>,
  ) {
    this.#lastRank = options.seenState === undefined ? -1 : STATE_RANK[options.seenState];
  }

  start(): this {
    this.#startCycle(this.options.reconcileAtStart ?? true);
    return this;
  }

  #reconciles(): boolean {
    return this.options.streamSendsCurrentState !== true;
  }

  unsubscribe(): void {
    if (this.#ended) return; // finished on its own: draining calls end by themselves
    this.#ended = true;
    this.#current.unsubscribe();
    if (!this.#draining) return;
    for (const step of this.#draining) step.unsubscribe();
    this.#draining.clear();
  }

  isCurrent(own: Step): boolean {
    return !this.#ended && this.#current === own;
  }

  /** A call of `own` has ended: a draining step whose last call ended is done. */
  settled(own: Step): void {
    if (own.running === 0 && this.#draining?.delete(own)) own.unsubscribe();
  }

  /** What a call's value does (only while its step is current). */
  next(call: TaskCall, task: Task): void {
    switch (call.role) {
      case 'stream':
        this.#attempt = 0;
        this.#offer(task);
        return;
      case 'reconcile':
        this.#offer(task);
        return;
      case 'check':
        if (this.#offer(task)) return;
        if (!this.#afterBackoff()) this.#fail(new TaskWatchGaveUpError(this.#attempt - 1));
        return;
      case 'failure':
        this.#finish(task.state === 'Failed' ? task : call.streamed!);
        return;
    }
  }

  /** What a call's error does (only while its step is current). */
  error(call: TaskCall, error: unknown): void {
    const retry = this.#shouldRetry(error, this.#attempt + 1);
    switch (call.role) {
      case 'reconcile':
        if (!retry) this.#fail(error);
        return;
      case 'failure':
        if (!retry || !this.#afterBackoff(call.streamed)) this.#finish(call.streamed!);
        return;
      default: // 'stream', 'check'
        if (!retry || !this.#afterBackoff()) this.#fail(error);
    }
  }

  /** What a call's completion does (only while its step is current). */
  complete(call: TaskCall): void {
    if (call.role === 'stream') this.#checkAfterEmptyEnd();
  }

  #shouldRetry(error: unknown, attempt: number): boolean {
    return (this.options.shouldRetry ?? retryTransient)(error, attempt);
  }

  /** Ends a step that is no longer current: cancels its delay, lets its calls drain. */
  #retire(old: Step): void {
    if (old.running === 0) {
      old.unsubscribe();
      return;
    }
    (this.#draining ??= new Set()).add(old);
    const scheduler = this.options.scheduler ?? asyncScheduler;
    // In real time, the bound is only set on calls still running a turn later: a stream
    // ends right after its terminal message, and most would set a timer only to clear it.
    if (scheduler === asyncScheduler) afterThisTurn(this, old);
    else old.setTimer(scheduler.schedule(() => this.drainExpired(old), this.#drainMs));
  }

  /** A turn after its retirement, bounds a step whose calls still run (see `afterThisTurn`). */
  boundDrain(old: Step, batches: DrainBatches): void {
    // Not draining any more: its calls have ended, or the watch was unsubscribed.
    if (this.#draining?.has(old)) old.setTimer(batches.enrol(this.#drainMs, this, old));
  }

  get #drainMs(): number {
    return this.options.drainMs ?? DEFAULT_WATCH_DRAIN_MS;
  }

  /** A retired step outlived its drain bound: its calls are cancelled. */
  drainExpired(old: Step): void {
    this.#draining?.delete(old);
    old.unsubscribe();
  }

  #nextStep(): Step {
    this.#retire(this.#current);
    this.#current = new Step();
    return this.#current;
  }

  /** Subscribes a call as part of a step. */
  #call(own: Step, source: Observable<Task>, role: CallRole, streamed?: Task): void {
    own.running += 1;
    const call = new TaskCall(this, own, role, streamed);
    own.addCall(call);
    source.subscribe(call);
  }

  #end(): void {
    this.#ended = true;
    this.#retire(this.#current);
    this.#current = NO_STEP;
  }

  #fail(error: unknown): void {
    this.#end();
    this.subscriber.error(error);
  }

  #finish(task: Task): void {
    this.#end();
    this.subscriber.next(task);
    this.subscriber.complete();
  }

  /** Offers a task seen from either call; returns true when it was terminal. */
  #offer(task: Task): boolean {
    if (isTerminalTaskState(task.state)) {
      if (task.state === 'Failed' && taskFailureMessage(task) === undefined) this.#fetchFailureEvents(task);
      else this.#finish(task);
      return true;
    }
    const rank = STATE_RANK[task.state];
    if (rank > this.#lastRank) {
      this.#lastRank = rank;
      this.subscriber.next(task);
    }
    return false;
  }

  /**
   * After the delay of the next attempt, fetches the failure events of `streamed` if given,
   * else starts a new cycle; false when the policy is spent.
   */
  #afterBackoff(streamed?: Task): boolean {
    this.#attempt += 1;
    const delayMs = backoffDelay(this.options.policy ?? defaultBackoffPolicy, this.#attempt, this.options.random);
    if (delayMs === undefined) return false;
    const own = this.#nextStep();
    own.setTimer(
      (this.options.scheduler ?? asyncScheduler).schedule(() => {
        if (!this.isCurrent(own)) return;
        if (streamed) this.#fetchFailureEvents(streamed);
        else this.#startCycle();
      }, delayMs),
    );
    return true;
  }

  /** A Failed task without its failure event: GetTask once more for the events. */
  #fetchFailureEvents(streamed: Task): void {
    const own = this.#nextStep();
    this.#call(own, this.options.get(), 'failure', streamed);
  }

  /** A stream ended OK without a terminal task: ask GetTask where the task is. */
  #checkAfterEmptyEnd(): void {
    const own = this.#nextStep();
    this.#call(own, this.options.get(), 'check');
  }

  /** One cycle: a WatchTask stream and, alongside, a reconciling GetTask. */
  #startCycle(reconcile = true): void {
    const own = this.#nextStep();
    this.#call(own, this.options.watch(), 'stream');
    if (!reconcile || !this.#reconciles() || !this.isCurrent(own)) return;
    this.#call(own, this.options.get(), 'reconcile');
  }
}

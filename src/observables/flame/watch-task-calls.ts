import { Subscriber, Subscription, TeardownLogic, Unsubscribable } from 'rxjs';
import type { Task } from '../../model/flame/types.js';

// The per-call machinery of `watchTaskWith` (watch-task-core.ts): a step's calls and timer,
// and the subscriber of one call. Kept apart from the algorithm itself.

/** What a call reports to: the watch it belongs to (`TaskWatch` in watch-task-core.ts). */
export interface TaskCallOwner {
  isCurrent(step: Step): boolean;
  next(call: TaskCall, task: Task): void;
  error(call: TaskCall, error: unknown): void;
  complete(call: TaskCall): void;
  settled(step: Step): void;
}

/**
 * The calls and the timer of one step of the algorithm; unsubscribing cancels them. Held
 * in fields rather than an array: a step has at most two calls (a cycle's stream and
 * GetTask) and one timer (a backoff delay, or the drain bound once retired).
 */
export class Step implements Unsubscribable {
  /** Calls of this step that have not ended yet. */
  running = 0;
  #closed = false;
  #first: Unsubscribable | undefined = undefined;
  #second: Unsubscribable | undefined = undefined;
  #timer: Unsubscribable | undefined = undefined;

  addCall(call: Unsubscribable): void {
    if (this.#closed) call.unsubscribe();
    else if (this.#first === undefined) this.#first = call;
    else this.#second = call;
  }

  removeCall(call: Unsubscribable): void {
    if (this.#first === call) this.#first = undefined;
    else if (this.#second === call) this.#second = undefined;
  }

  setTimer(timer: Unsubscribable): void {
    if (this.#closed) timer.unsubscribe();
    else this.#timer = timer;
  }

  unsubscribe(): void {
    if (this.#closed) return;
    this.#closed = true;
    const first = this.#first;
    const second = this.#second;
    const timer = this.#timer;
    this.#first = this.#second = this.#timer = undefined;
    first?.unsubscribe();
    second?.unsubscribe();
    timer?.unsubscribe();
  }
}

/**
 * What a call is for, which decides what its answer does: the cycle's WatchTask stream,
 * the cycle's reconciling GetTask, the GetTask after an empty end, or the GetTask that
 * fetches a Failed task's events.
 */
export type CallRole = 'stream' | 'reconcile' | 'check' | 'failure';

/**
 * The subscriber of one call: hands its notifications to the watch while its step is
 * current. A `Subscriber` itself, so that subscribing adds no wrapper objects per call.
 */
export class TaskCall extends Subscriber<Task> {
  /** The call's own teardown (see `add`). */
  #sourceTeardown: Unsubscribable | (() => void) | undefined = undefined;

  constructor(
    private readonly watch: TaskCallOwner,
    private readonly step: Step,
    readonly role: CallRole,
    readonly streamed: Task | undefined,
  ) {
    super();
  }

  /**
   * Subscribing adds the source's teardown here; the first one that is not itself a
   * `Subscription` is kept in a field instead of the finalizer array `Subscription`
   * would allocate for it (an open call has nothing else to tear down). Anything else
   * goes the usual way.
   */
  override add(teardown: TeardownLogic): void {
    if (this.#sourceTeardown === undefined && !this.closed && teardown && !(teardown instanceof Subscription)) {
      this.#sourceTeardown = teardown;
      return;
    }
    super.add(teardown);
  }

  override unsubscribe(): void {
    if (this.closed) return;
    super.unsubscribe();
    const teardown = this.#sourceTeardown;
    this.#sourceTeardown = undefined;
    if (typeof teardown === 'function') teardown();
    else teardown?.unsubscribe();
  }

  protected override _next(task: Task): void {
    if (this.watch.isCurrent(this.step)) this.watch.next(this, task);
  }

  protected override _error(error: unknown): void {
    try {
      this.#settle();
      if (this.watch.isCurrent(this.step)) this.watch.error(this, error);
    } finally {
      this.unsubscribe();
    }
  }

  protected override _complete(): void {
    try {
      this.#settle();
      if (this.watch.isCurrent(this.step)) this.watch.complete(this);
    } finally {
      this.unsubscribe();
    }
  }

  /**
   * The call has ended: it no longer counts for its step, nor stays referenced by it (a
   * long watch would keep every GetTask reply alive).
   */
  #settle(): void {
    this.step.running -= 1;
    this.step.removeCall(this);
    this.watch.settled(this.step);
  }
}

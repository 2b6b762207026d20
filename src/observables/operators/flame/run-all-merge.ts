import { Observable, ObservableInput, Subscriber, Subscription, TeardownLogic, from } from 'rxjs';
import { Admission, type AdmissionOwner, withAdmission } from './admission.js';

/**
 * The engine of `runAll`: subscribes an inner Observable per input while fewer than
 * `concurrency` hold a slot (inputs beyond wait in order), and frees an inner's slot once
 * it is admitted (see `admittedOnce`) or has ended. Admitted inners run on without a
 * slot. `ordered` emits results in input order (see `RunAllOptions.ordered`).
 */
export function runAllInto<I, R>(
  source: Observable<I>,
  subscriber: Subscriber<R>,
  project: (input: I, index: number) => ObservableInput<R>,
  concurrency: number,
  ordered: boolean,
): TeardownLogic {
  return new RunAll(subscriber, project, concurrency, ordered).subscribeTo(source);
}

/** Results of one input whose turn has not come yet (ordered only). */
interface Slot<R> {
  values: R[];
  done: boolean;
}

/** What a `RunAllInner` reports to (its `RunAll`). */
interface RunAllParent<R> extends AdmissionOwner {
  readonly inners: Set<Subscription>;
  value(index: number, slot: Slot<R> | undefined, value: R): void;
  ended(index: number, slot: Slot<R> | undefined, admission: Admission): void;
  stop(error: unknown): void;
}

/**
 * The state of one `runAll` subscription. Its methods live on the prototype and each
 * inner Observable reports through one `RunAllInner`: thousands of inputs go through it.
 */
class RunAll<I, R> implements RunAllParent<R> {
  // Inner subscriptions still running, in a Set: rxjs's `Subscription.remove` searches an
  // array, which made each ending inner cost O(running) with thousands of watches open.
  readonly inners = new Set<Subscription>();
  // Inputs waiting for a slot, oldest at `waitingHead` (compacted as it advances).
  #waiting: I[] = [];
  #waitingHead = 0;
  // Results of inputs whose turn has not come yet (ordered only), by input index.
  readonly #results = new Map<number, Slot<R>>();
  #nextIndex = 0;
  #head = 0;
  #holding = 0;
  #running = 0;
  #sourceDone = false;
  #stopped = false;
  #draining = false;

  constructor(
    private readonly subscriber: Subscriber<R>,
    private readonly project: (input: I, index: number) => ObservableInput<R>,
    private readonly concurrency: number,
    private readonly ordered: boolean,
  ) {}

  subscribeTo(source: Observable<I>): TeardownLogic {
    const sourceSubscription = source.subscribe({
      next: (input) => {
        this.#waiting.push(input);
        this.drain();
      },
      error: (error: unknown) => this.stop(error),
      complete: () => {
        this.#sourceDone = true;
        this.#maybeComplete();
      },
    });
    return () => {
      this.#stopped = true;
      sourceSubscription.unsubscribe();
      for (const inner of this.inners) inner.unsubscribe();
      this.inners.clear();
    };
  }

  stop(error: unknown): void {
    this.#stopped = true;
    this.subscriber.error(error);
  }

  /** An inner Observable gave its slot back (admitted, or ended): see `AdmissionOwner`. */
  released(): void {
    this.#holding -= 1;
    this.drain();
  }

  /** A value of the inner Observable of input `index`. */
  value(index: number, slot: Slot<R> | undefined, value: R): void {
    if (slot === undefined) this.subscriber.next(value);
    else {
      slot.values.push(value);
      if (index === this.#head) this.#flush();
    }
  }

  /** The inner Observable of input `index` has completed: its results are done, its slot is free. */
  ended(index: number, slot: Slot<R> | undefined, admission: Admission): void {
    this.#running -= 1;
    if (slot !== undefined) {
      slot.done = true;
      if (index === this.#head) this.#flush();
    }
    admission.end();
    this.#maybeComplete();
  }

  drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    while (!this.#stopped && this.#holding < this.concurrency && this.#waitingHead < this.#waiting.length) {
      const input = this.#waiting[this.#waitingHead]!;
      this.#waiting[this.#waitingHead++] = undefined as I;
      this.#start(input, this.#nextIndex++);
    }
    if (this.#waitingHead > 1024 && this.#waitingHead * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#waitingHead);
      this.#waitingHead = 0;
    }
    this.#draining = false;
    this.#maybeComplete();
  }

  #start(input: I, index: number): void {
    this.#holding += 1;
    this.#running += 1;
    let slot: Slot<R> | undefined;
    if (this.ordered) this.#results.set(index, (slot = { values: [], done: false }));
    let inner: Observable<R>;
    try {
      inner = from(this.project(input, index));
    } catch (error) {
      this.stop(error);
      return;
    }
    const call = new RunAllInner(this, index, slot);
    withAdmission(call.admission, () => inner.subscribe(call));
    if (!call.closed && !this.#stopped) this.inners.add(call);
  }

  #flush(): void {
    const results = this.#results;
    for (let slot = results.get(this.#head); slot !== undefined; slot = results.get(this.#head)) {
      const values = slot.values;
      slot.values = [];
      for (let i = 0; i < values.length; i++) this.subscriber.next(values[i]!);
      if (!slot.done) return;
      results.delete(this.#head);
      this.#head += 1;
    }
  }

  #maybeComplete(): void {
    if (!this.#stopped && this.#sourceDone && this.#running === 0 && this.#waitingHead === this.#waiting.length) this.subscriber.complete();
  }
}

/** The subscriber of one inner Observable of a `RunAll`, and its slot's admission. */
class RunAllInner<R> extends Subscriber<R> {
  readonly admission: Admission;

  constructor(
    private readonly owner: RunAllParent<R>,
    private readonly index: number,
    private readonly slot: Slot<R> | undefined,
  ) {
    super();
    this.admission = new Admission(owner);
  }

  protected override _next(value: R): void {
    this.owner.value(this.index, this.slot, value);
  }

  protected override _error(error: unknown): void {
    try {
      this.owner.stop(error);
    } finally {
      this.unsubscribe();
    }
  }

  protected override _complete(): void {
    try {
      this.owner.inners.delete(this);
      this.owner.ended(this.index, this.slot, this.admission);
    } finally {
      this.unsubscribe();
    }
  }
}

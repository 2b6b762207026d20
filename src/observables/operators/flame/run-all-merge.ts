import { Observable, ObservableInput, Subscriber, Subscription, TeardownLogic, from } from 'rxjs';
import { Admission, withAdmission } from './admission.js';

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
  // Inner subscriptions still running, in a Set: rxjs's `Subscription.remove` searches an
  // array, which made each ending inner cost O(running) with thousands of watches open.
  const inners = new Set<Subscription>();
  // Inputs waiting for a slot, oldest at `waitingHead` (compacted as it advances).
  let waiting: I[] = [];
  let waitingHead = 0;
  // Results of inputs whose turn has not come yet (ordered only), by input index.
  const results = new Map<number, { values: R[]; done: boolean }>();
  let nextIndex = 0;
  let head = 0;
  let holding = 0;
  let running = 0;
  let sourceDone = false;
  let stopped = false;
  let draining = false;

  const stop = (error: unknown): void => {
    stopped = true;
    subscriber.error(error);
  };
  const flush = (): void => {
    for (let slot = results.get(head); slot !== undefined; slot = results.get(head)) {
      const values = slot.values;
      slot.values = [];
      for (const value of values) subscriber.next(value);
      if (!slot.done) return;
      results.delete(head);
      head += 1;
    }
  };
  const maybeComplete = (): void => {
    if (!stopped && sourceDone && running === 0 && waitingHead === waiting.length) subscriber.complete();
  };
  const start = (input: I, index: number): void => {
    holding += 1;
    running += 1;
    const slot = { values: [] as R[], done: false };
    if (ordered) results.set(index, slot);
    const admission = new Admission(() => {
      holding -= 1;
      drain();
    });
    let inner: Observable<R>;
    try {
      inner = from(project(input, index));
    } catch (error) {
      stop(error);
      return;
    }
    let subscription: Subscription | undefined;
    let ended = false;
    const end = (): void => {
      ended = true;
      running -= 1;
      if (subscription) inners.delete(subscription);
      if (ordered) {
        slot.done = true;
        if (index === head) flush();
      }
      admission.end();
      maybeComplete();
    };
    subscription = withAdmission(admission, () =>
      inner.subscribe({
        next: (value) => {
          if (!ordered) subscriber.next(value);
          else {
            slot.values.push(value);
            if (index === head) flush();
          }
        },
        error: (error: unknown) => stop(error),
        complete: end,
      }),
    );
    if (!ended && !stopped) inners.add(subscription);
  };
  const drain = (): void => {
    if (draining) return;
    draining = true;
    while (!stopped && holding < concurrency && waitingHead < waiting.length) {
      const input = waiting[waitingHead]!;
      waiting[waitingHead++] = undefined as I;
      start(input, nextIndex++);
    }
    if (waitingHead > 1024 && waitingHead * 2 > waiting.length) {
      waiting = waiting.slice(waitingHead);
      waitingHead = 0;
    }
    draining = false;
    maybeComplete();
  };

  const sourceSubscription = source.subscribe({
    next: (input) => {
      waiting.push(input);
      drain();
    },
    error: (error: unknown) => stop(error),
    complete: () => {
      sourceDone = true;
      maybeComplete();
    },
  });
  return () => {
    stopped = true;
    sourceSubscription.unsubscribe();
    for (const inner of inners) inner.unsubscribe();
    inners.clear();
  };
}

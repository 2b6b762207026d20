import { Observable } from 'rxjs';

// How a task submission tells `runAll` that its task has been created, so that the slot
// it held can admit the next input while the task itself is still followed to its end.
// `runAll` opens an admission around the synchronous subscription of each inner
// Observable; `admittedOnce` sources subscribed within it (CreateTask in `runTask`) claim
// it and release it at their first notification.

/** What an `Admission` tells when its slot is given back: the `runAll` it belongs to. */
export interface AdmissionOwner {
  released(): void;
}

/**
 * One inner Observable's slot in a `runAll`. An inner Observable that nothing claimed while
 * it was subscribed holds its slot until it ends; one that was claimed gives the slot back
 * as soon as every claim is released.
 */
export class Admission {
  #claims = 0;
  #claimed = false;
  #subscribing = true;
  #released = false;

  constructor(private readonly owner: AdmissionOwner) {}

  /** A claim (only while subscribing; later ones are ignored); the function returned releases it, once. */
  claim(): () => void {
    if (!this.#subscribing || this.#released) return noop;
    this.#claims += 1;
    this.#claimed = true;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#claims -= 1;
      this.#settle();
    };
  }

  /** The inner Observable is subscribed: released now if it was claimed and every claim is released. */
  subscribed(): void {
    this.#subscribing = false;
    this.#settle();
  }

  /** The inner Observable ended (or was unsubscribed): the slot is released whatever the claims. */
  end(): void {
    if (this.#released) return;
    this.#released = true;
    this.owner.released();
  }

  #settle(): void {
    if (this.#claimed && this.#claims === 0 && !this.#subscribing) this.end();
  }
}

const noop = (): void => undefined;

let current: Admission | undefined;

/**
 * Subscribes `subscribe` with `admission` open to claims, then closes it. Returns what
 * `subscribe` returned.
 */
export function withAdmission<T>(admission: Admission, subscribe: () => T): T {
  const previous = current;
  current = admission;
  try {
    return subscribe();
  } finally {
    current = previous;
    admission.subscribed();
  }
}

/**
 * Claims the `runAll` slot being subscribed right now, if any, as `admittedOnce` does; the
 * returned function releases it (idempotent; a no-op outside `runAll`).
 *
 * @example
 * ```ts
 * import { claimAdmission } from './admission.js'; // internal to the Flame operators
 * const release = claimAdmission();
 * release(); // the slot admits the next input
 * ```
 */
export function claimAdmission(): () => void {
  return current === undefined ? noop : current.claim();
}

/**
 * `source`, which claims the `runAll` slot it is subscribed in (if any) until its first
 * notification or its teardown: a task submission wraps its CreateTask in it, so that
 * `runAll` admits the next input once the task exists rather than once it has finished.
 * Outside `runAll` it is `source` as is.
 *
 * @example
 * ```ts
 * import { admittedOnce, createTask } from 'flame-pie-rx/flame';
 * admittedOnce(createTask(client, sessionId, input)).subscribe((t) => console.log(t.id));
 * ```
 */
export function admittedOnce<T>(source: Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const admission = current;
    if (admission === undefined) return source.subscribe(subscriber);
    const release = admission.claim();
    const subscription = source.subscribe({
      next: (value) => {
        release();
        subscriber.next(value);
      },
      error: (error: unknown) => {
        release();
        subscriber.error(error);
      },
      complete: () => {
        release();
        subscriber.complete();
      },
    });
    subscription.add(release);
    return subscription;
  });
}

import { Observable, type Subscriber } from 'rxjs';

/**
 * A hot multicast of the frames a connection pushes, like a `Subject` that never errors,
 * with less work per value: rxjs 7's `Subject.next` wraps every value in an error-context
 * closure and iterates its observers through a fresh iterator (its CommonJS build is ES5),
 * which is paid once per process event. Subscribers added or removed during a `next`
 * take effect from the next value; after `complete` new subscribers complete at once.
 *
 * @example
 * ```ts
 * import { PushMulticast } from './push-multicast.js'; // internal to the transport
 * const pushes = new PushMulticast<string>();
 * pushes.observable.subscribe((frame) => console.log(frame));
 * pushes.next('a'); // logs 'a'
 * pushes.complete();
 * ```
 */
export class PushMulticast<T> {
  /** Replaced (never mutated) on subscribe and unsubscribe, so `next` can loop over it as is. */
  private subscribers: readonly Subscriber<T>[] = [];
  private completed = false;

  readonly observable: Observable<T> = new Observable<T>((subscriber) => {
    if (this.completed) {
      subscriber.complete();
      return undefined;
    }
    this.subscribers = [...this.subscribers, subscriber];
    return () => {
      this.subscribers = this.subscribers.filter((other) => other !== subscriber);
    };
  });

  /** Whether anybody listens. */
  get observed(): boolean {
    return this.subscribers.length > 0;
  }

  next(value: T): void {
    const subscribers = this.subscribers;
    for (let i = 0; i < subscribers.length; i++) subscribers[i]!.next(value);
  }

  complete(): void {
    if (this.completed) return;
    this.completed = true;
    const subscribers = this.subscribers;
    this.subscribers = [];
    for (const subscriber of subscribers) subscriber.complete();
  }
}

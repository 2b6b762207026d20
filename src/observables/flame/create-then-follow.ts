import { Observable } from 'rxjs';
import { claimAdmission } from '../operators/flame/admission.js';

/**
 * `admittedOnce(created$).pipe(followCreated(follow, emitFirst))` for a `created$` of one
 * value (a task submission's CreateTask), in one subscriber instead of four: claims the
 * `runAll` slot until `created$` first notifies, emits the created value when `emitFirst`
 * says so, then hands the subscriber to `follow(created)`, whose notifications are the
 * rest of the stream. An error of either, or one thrown by `follow`, errors the stream;
 * unsubscribing cancels whichever runs. Every `runTask` goes through it.
 *
 * @example
 * ```ts
 * import { createThenFollow } from './create-then-follow.js'; // internal to runTask
 * createThenFollow(createTask(client, sessionId, input), (t) => watchTask(client, sessionId, t.id), () => true)
 *   .subscribe((task) => console.log(task.state));
 * ```
 */
export function createThenFollow<T, R>(
  created$: Observable<T>,
  follow: (created: T) => Observable<R>,
  emitFirst: (created: T) => boolean,
): Observable<T | R> {
  return new Observable<T | R>((subscriber) => {
    const release = claimAdmission();
    let following = false;
    const creation = created$.subscribe({
      next: (created) => {
        release();
        if (following) return; // a second value: one-value sources only
        if (emitFirst(created)) subscriber.next(created);
        if (subscriber.closed) return;
        let inner: Observable<R>;
        try {
          inner = follow(created);
        } catch (error) {
          subscriber.error(error);
          return;
        }
        following = true;
        // The subscriber itself: `follow`'s teardown is added to it, its completion ends the stream.
        inner.subscribe(subscriber);
      },
      error: (error: unknown) => {
        release();
        subscriber.error(error);
      },
      complete: () => {
        release();
        if (!following) subscriber.complete();
      },
    });
    return () => {
      release();
      creation.unsubscribe();
    };
  });
}

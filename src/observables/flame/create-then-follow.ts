import { Observable, Subscriber } from 'rxjs';
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
  return new Observable<T | R>((subscriber) => created$.subscribe(new Creation(subscriber, follow, emitFirst, claimAdmission())));
}

/**
 * The subscriber of `created$`, which is also the teardown of the stream until `follow`
 * takes over: one object per task submission in place of an observer and its closures.
 */
class Creation<T, R> extends Subscriber<T> {
  #following = false;

  constructor(
    private readonly outer: Subscriber<T | R>,
    private readonly follow: (created: T) => Observable<R>,
    private readonly emitFirst: (created: T) => boolean,
    private readonly release: () => void,
  ) {
    super();
  }

  protected override _next(created: T): void {
    this.release();
    if (this.#following) return; // a second value: one-value sources only
    const outer = this.outer;
    if (this.emitFirst(created)) outer.next(created);
    if (outer.closed) return;
    let inner: Observable<R>;
    try {
      inner = this.follow(created);
    } catch (error) {
      outer.error(error);
      return;
    }
    this.#following = true;
    // The subscriber itself: `follow`'s teardown is added to it, its completion ends the stream.
    inner.subscribe(outer);
  }

  protected override _error(error: unknown): void {
    this.release();
    this.outer.error(error);
    this.unsubscribe();
  }

  protected override _complete(): void {
    this.release();
    if (!this.#following) this.outer.complete();
    this.unsubscribe();
  }

  override unsubscribe(): void {
    if (this.closed) return;
    super.unsubscribe();
    this.release();
  }
}

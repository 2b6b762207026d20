import { Observable, OperatorFunction, Subscription } from 'rxjs';

/**
 * For a source that announces one thing (a CreateTask reply): emits each source value, then
 * the values of `follow(value)` (the task's watch), and completes when the followed
 * Observable completes; a later source value switches to following it. The same as
 * `switchMap((v) => concat(of(v), follow(v)))` with one subscriber instead of four per call:
 * every task submission goes through it. A source that completes without a value
 * completes the output. `emitFirst(value)` returning false leaves the source value out
 * (the followed Observable speaks for it: a reconciled task that has already ended).
 *
 * @example
 * ```ts
 * import { followCreated } from 'flame-pie-rx';
 * createTask(client, sessionId, input).pipe(followCreated((t) => watchTask(client, sessionId, t.id)));
 * ```
 */
export function followCreated<T, R>(
  follow: (value: T) => Observable<R>,
  emitFirst?: (value: T) => boolean,
): OperatorFunction<T, T | R> {
  return (source) =>
    new Observable<T | R>((subscriber) => {
      let following: Subscription | undefined;
      let sourceDone = false;
      let followDone = true;
      const all = new Subscription();
      all.add(
        source.subscribe({
          next: (value) => {
            following?.unsubscribe();
            followDone = false;
            if (emitFirst === undefined || emitFirst(value)) subscriber.next(value);
            if (subscriber.closed) return;
            let inner: Observable<R>;
            try {
              inner = follow(value);
            } catch (error) {
              subscriber.error(error);
              return;
            }
            following = inner.subscribe({
              next: (v) => subscriber.next(v),
              error: (error: unknown) => subscriber.error(error),
              complete: () => {
                followDone = true;
                if (sourceDone) subscriber.complete();
              },
            });
            all.add(following);
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            sourceDone = true;
            if (followDone) subscriber.complete();
          },
        }),
      );
      return all;
    });
}

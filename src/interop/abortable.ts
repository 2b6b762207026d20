import { Observable, type MonoTypeOperatorFunction } from 'rxjs';

/**
 * The `signal` option every operation takes. Aborting works as for `fetch`: an already
 * aborted signal fails the operation at once with `signal.reason` and sends nothing; an
 * abort while it runs unsubscribes (which cancels it on the wire) and errors with the
 * reason; once the operation ends, its listener is removed from the signal.
 *
 * @example
 * ```ts
 * import type { AbortOptions } from 'flame-pie-rx';
 * const options: AbortOptions = { signal: AbortSignal.timeout(5_000) };
 * ```
 */
export interface AbortOptions {
  /** Aborting cancels the operation and errors it with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Ties an operation to an `AbortSignal`: aborting unsubscribes from the source (which cancels
 * it on the wire) and errors the stream with the signal's reason, as `fetch` does. Without a
 * signal the source is returned as it is.
 *
 * @example
 * ```ts
 * import { abortable } from 'flame-pie-rx';
 * const controller = new AbortController();
 * client.launchProcess('echo@1.0.0', 'hi').pipe(abortable(controller.signal)).subscribe(console.log);
 * controller.abort(); // the process stream ends with an AbortError
 * ```
 */
export function abortable<T>(signal: AbortSignal | undefined): MonoTypeOperatorFunction<T> {
  if (signal === undefined) return (source) => source;
  return (source) =>
    new Observable<T>((subscriber) => {
      if (signal.aborted) {
        subscriber.error(signal.reason);
        return undefined;
      }
      const onAbort = (): void => subscriber.error(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      const subscription = source.subscribe(subscriber);
      return () => {
        signal.removeEventListener('abort', onAbort);
        subscription.unsubscribe();
      };
    });
}

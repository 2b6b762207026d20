// Wraps a backend operation that counts bytes into an Observable of progress events and a
// final `done`, or into an Observable of the result alone.
import { Observable } from 'rxjs';
import type { CacheTransferEvent } from '../../../model/flame/cache-types.js';
import type { BytesCounter } from './backend.js';

/** `start(onBytes)` runs the operation; the events carry the running byte count. */
export function withProgress<T>(totalBytes: number | undefined, start: (onBytes: BytesCounter) => Observable<T>): Observable<CacheTransferEvent<T>> {
  return new Observable<CacheTransferEvent<T>>((subscriber) => {
    let bytes = 0;
    const onBytes: BytesCounter = (n) => {
      bytes += n;
      subscriber.next(totalBytes === undefined ? { kind: 'progress', bytes } : { kind: 'progress', bytes, totalBytes });
    };
    return start(onBytes).subscribe({
      next: (result) => subscriber.next({ kind: 'done', result }),
      error: (error) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
  });
}

const ignoreBytes: BytesCounter = () => undefined;

/** The operation without progress. */
export function withoutProgress<T>(start: (onBytes: BytesCounter) => Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => start(ignoreBytes).subscribe(subscriber));
}

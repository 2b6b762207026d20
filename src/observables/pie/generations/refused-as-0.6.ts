import { Observable, defer, filter } from 'rxjs';
import { PieGenerationError } from '../../../model/pie/errors.js';
import type { PieServerNotice } from '../../../transport/ws/connection-options.js';
import type { PieGenerationTracker } from './generation-tracker.js';

/** What a 0.5 gateway answers a 0.6 upload with (pie-server 0.5.2, a text notice). */
const MISSING_MANIFEST = /missing field `manifest`/;

/**
 * An upload by a client told to speak 0.6, failing with `PieGenerationError` as soon as
 * the gateway refuses its frame for lacking a `manifest` (a 0.5 gateway does, with a text
 * notice and no reply), instead of waiting for the request timeout. Other generations'
 * uploads pass through unchanged.
 *
 * @example
 * ```ts
 * refusedAs06(addProgram(connection, options, tracker), connection.notices$, tracker).subscribe();
 * ```
 */
export function refusedAs06<T>(upload: Observable<T>, notices$: Observable<PieServerNotice>, tracker: PieGenerationTracker): Observable<T> {
  return defer(() => {
    if (tracker.requested !== '0.6') return upload;
    return new Observable<T>((subscriber) => {
      const refusal = notices$
        .pipe(filter((notice) => notice.type === 'error' && MISSING_MANIFEST.test(notice.message ?? '')))
        .subscribe((notice) =>
          subscriber.error(
            new PieGenerationError({ expected: '0.6', found: 'a Pie 0.5 gateway', evidence: `add_program was refused: ${notice.message ?? ''}` }),
          ),
        );
      const running = upload.subscribe(subscriber);
      return () => {
        refusal.unsubscribe();
        running.unsubscribe();
      };
    });
  });
}

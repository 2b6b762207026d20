import { MAX_CORR_ID } from './codec.js';
import { PieError } from '../../model/pie/errors.js';

/**
 * Allocates u32 correlation ids: 1, 2, 3, … up to 2^32−1, then wraps to 1, skipping any id
 * still pending. Ids are never reused while pending, and an answered id only comes back
 * after 2^32−1 further requests, so a stray late reply (spec 5.3) cannot match a new
 * request.
 *
 * @example
 * ```ts
 * import { CorrelationIds } from 'flame-pie-rx/pie';
 * const ids = new CorrelationIds();
 * ids.next(() => false); // => 1
 * ids.next((id) => id === 2); // => 3 (2 is still pending)
 * ```
 */
export class CorrelationIds {
  private last: number;

  /** `start` is the first id handed out (tests use it to exercise the wrap-around). */
  constructor(start = 1) {
    if (!Number.isInteger(start) || start < 1 || start > MAX_CORR_ID) throw new PieError('correlation id start must be within [1, 2^32-1]');
    this.last = start - 1;
  }

  /** The next free id; `isPending(id)` says whether an id is still waiting for its reply. */
  next(isPending: (id: number) => boolean): number {
    for (let tries = 0; tries < MAX_CORR_ID; tries++) {
      this.last = this.last >= MAX_CORR_ID ? 1 : this.last + 1;
      if (!isPending(this.last)) return this.last;
    }
    throw new PieError('all 2^32-1 correlation ids are pending');
  }
}

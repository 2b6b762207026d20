// Retired watch steps whose calls were still running: their drain bounds are set one turn
// of the event loop later, in one batch, for the few whose calls have not ended by then
// (watch-task-core.ts). A stream that delivered a terminal state ends right after it, in
// the same or the next read, so most finished watches need no timer of their own: the
// steps bounded in one turn with the same bound share one timer, cleared once the last of
// them has ended (about three in four finished watches of a busy pipeline are still
// waiting for their stream's trailers a turn later, and each set and cleared a timer).
import type { Unsubscribable } from 'rxjs';

interface DrainBounded<S> {
  /** Bounds `step` if its calls still run: `batches.enrol(...)`, else nothing. */
  boundDrain(step: S, batches: DrainBatches): void;
  /** `step` outlived its bound: cancel its calls. */
  drainExpired(step: S): void;
}

/** The drain timers of one turn, one per distinct bound. */
export interface DrainBatches {
  /** Bounds `step` of `owner` by `ms`; unsubscribing the result (the step ended) releases it. */
  enrol<S>(ms: number, owner: DrainBounded<S>, step: S): Unsubscribable;
}

/** One step in a batch: ended (unsubscribed) or still draining when the timer fires. */
class Member implements Unsubscribable {
  closed = false;
  constructor(
    readonly batch: Batch,
    readonly owner: DrainBounded<unknown>,
    readonly step: unknown,
  ) {}

  unsubscribe(): void {
    if (this.closed) return;
    this.closed = true;
    this.batch.left();
  }
}

/** The steps of one turn with the same bound, and their one timer. */
class Batch {
  readonly members: Member[] = [];
  #open = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ms: number) {
    this.#timer = setTimeout(() => this.#expire(), ms);
  }

  add(owner: DrainBounded<unknown>, step: unknown): Member {
    const member = new Member(this, owner, step);
    this.members.push(member);
    this.#open += 1;
    return member;
  }

  left(): void {
    this.#open -= 1;
    if (this.#open === 0 && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #expire(): void {
    this.#timer = undefined;
    for (const member of this.members) {
      if (member.closed) continue;
      member.closed = true;
      member.owner.drainExpired(member.step);
    }
  }
}

/** The batches of one turn, one per bound (nearly always one: the default drainMs). */
class TurnBatches implements DrainBatches {
  readonly #byMs = new Map<number, Batch>();

  enrol<S>(ms: number, owner: DrainBounded<S>, step: S): Unsubscribable {
    let batch = this.#byMs.get(ms);
    if (batch === undefined) this.#byMs.set(ms, (batch = new Batch(ms)));
    return batch.add(owner as DrainBounded<unknown>, step);
  }
}

let owners: DrainBounded<never>[] = [];
let steps: unknown[] = [];
let scheduled = false;

function flush(): void {
  scheduled = false;
  const batchOwners = owners;
  const batchSteps = steps;
  owners = [];
  steps = [];
  const batches = new TurnBatches();
  for (let i = 0; i < batchOwners.length; i++) (batchOwners[i] as DrainBounded<unknown>).boundDrain(batchSteps[i], batches);
}

/**
 * Calls `owner.boundDrain(step, batches)` after the current turn of the event loop (its
 * I/O included), batched with every other step retired in the same turn; the steps it
 * enrols with the same bound share one timer, and each that outlives it gets
 * `owner.drainExpired(step)`.
 *
 * @example
 * ```ts
 * import { afterThisTurn } from './drain-later.js'; // internal to watchTaskWith
 * const owner = {
 *   boundDrain: (step: string, batches: DrainBatches) => void batches.enrol(50, owner, step),
 *   drainExpired: (step: string) => console.log('cancelled after 50 ms:', step),
 * };
 * afterThisTurn(owner, 'step 1');
 * ```
 */
export function afterThisTurn<S>(owner: DrainBounded<S>, step: S): void {
  owners.push(owner as DrainBounded<never>);
  steps.push(step);
  if (scheduled) return;
  scheduled = true;
  setImmediate(flush);
}

// Retired watch steps whose calls were still running: their drain bounds are set one turn
// of the event loop later, in one batch, for the few whose calls have not ended by then
// (watch-task-core.ts). A stream that delivered a terminal state ends right after it, in
// the same or the next read, so most finished watches need no timer at all.

interface DrainBounded<S> {
  boundDrain(step: S): void;
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
  for (let i = 0; i < batchOwners.length; i++) (batchOwners[i] as DrainBounded<unknown>).boundDrain(batchSteps[i]);
}

/**
 * Calls `owner.boundDrain(step)` after the current turn of the event loop (its I/O
 * included), batched with every other step retired in the same turn.
 *
 * @example
 * ```ts
 * import { afterThisTurn } from './drain-later.js'; // internal to watchTaskWith
 * afterThisTurn({ boundDrain: (step: string) => console.log('still running:', step) }, 'step 1');
 * ```
 */
export function afterThisTurn<S>(owner: DrainBounded<S>, step: S): void {
  owners.push(owner as DrainBounded<never>);
  steps.push(step);
  if (scheduled) return;
  scheduled = true;
  setImmediate(flush);
}

import type { BehaviorSubject } from 'rxjs';
import type { PieConnectionLike } from './connection-like.js';
import type { PauseGate } from '../processes/pause-gate.js';
import type { ProcessEventRouter } from '../processes/process-router.js';
import type { PieGenerationTracker } from '../generations/generation-tracker.js';

/**
 * What the pieces of a `PieClient` share: the connection, the event router, the current
 * session number (0 before the first ready, then 1, 2, … after each reconnect) and the
 * reference-counted pause of socket reads.
 *
 * @example
 * ```ts
 * const context: PieClientContext = { connection, router, session$: new BehaviorSubject(0), pauseGate };
 * ```
 */
export interface PieClientContext {
  readonly connection: PieConnectionLike;
  readonly router: ProcessEventRouter;
  readonly session$: BehaviorSubject<number>;
  readonly pauseGate: PauseGate;
  /** The generation spoken (absent: a 0.4 engine). */
  readonly generation?: PieGenerationTracker;
}

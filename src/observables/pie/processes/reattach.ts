import { PieProcessLostError } from '../../../model/pie/errors.js';
import type { PieResponse } from '../../../transport/ws/messages.js';

/** The part of a process route that reattachment decisions read. */
export interface ReattachCandidate {
  readonly id: string;
  /** Someone still wants the events (see `ProcessRoute.wanted`). */
  readonly wanted: boolean;
  /** Session the process is currently attached on. */
  readonly attachedSession: number;
}

/**
 * Which processes to re-attach when the connection becomes ready for session `session`:
 * after a reconnect (session > 1), every wanted process attached on an older session. A
 * process first attached on this very session (launched after the reconnect) is left alone.
 *
 * @example
 * ```ts
 * processesToReattach([{ id: 'a', wanted: true, attachedSession: 1 }, { id: 'b', wanted: false, attachedSession: 1 }], 2);
 * // => ['a']
 * ```
 */
export function processesToReattach(candidates: Iterable<ReattachCandidate>, session: number): string[] {
  if (session <= 1) return [];
  const ids: string[] = [];
  for (const candidate of candidates) {
    if (candidate.wanted && candidate.id !== '' && candidate.attachedSession < session) ids.push(candidate.id);
  }
  return ids;
}

/**
 * Result text of a successful `attach_process` (spec 2.4.9).
 *
 * @example
 * ```ts
 * PROCESS_ATTACHED_RESULT; // => 'Process attached'
 * ```
 */
export const PROCESS_ATTACHED_RESULT = 'Process attached';

/**
 * What an `attach_process` reply sent while reattaching means: `'attached'`, or the
 * `PieProcessLostError` the process stream fails with. For `Process not found` the error
 * explains the engine limitation of spec 4.7 (no detach on disconnect), or with `gateway`
 * that a gateway ends an attached process with its connection.
 *
 * @example
 * ```ts
 * reattachOutcome('p1', { type: 'response', corr_id: 3, ok: true, result: 'Process attached' }); // => 'attached'
 * reattachOutcome('p1', { type: 'response', corr_id: 3, ok: false, result: 'Process not found' }) instanceof Error; // => true
 * ```
 */
export function reattachOutcome(processId: string, response: PieResponse, gateway = false): 'attached' | PieProcessLostError {
  if (response.ok) return 'attached';
  return PieProcessLostError.reattachRefused(processId, response.result, gateway);
}

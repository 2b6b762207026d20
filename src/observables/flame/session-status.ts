import { Observable, SchedulerLike, asyncScheduler, distinctUntilChanged, exhaustMap, takeWhile, timer } from 'rxjs';
import type { Session } from '../../model/flame/types.js';
import { InvalidOptionsError } from '../operators/flame/invalid-options-error.js';
import type { FlameClientCallOptions, FlameClientContext } from './context.js';
import { getSession } from './session-queries.js';
import { type AbortOptions, abortable } from '../../interop/abortable.js';

/** Options of `sessionStatus`; `signal` stops the polling (see `AbortOptions`). */
export interface SessionStatusOptions extends AbortOptions {
  /** Polling period in ms (a positive number). Default 1000. */
  readonly intervalMs?: number;
  /** Where the polling timer runs. Default: the client's scheduler. */
  readonly scheduler?: SchedulerLike;
  /** Options of each GetSession call. */
  readonly call?: FlameClientCallOptions;
}

/**
 * Default polling period of `sessionStatus`, ms.
 *
 * @example
 * ```ts
 * import { DEFAULT_SESSION_STATUS_INTERVAL_MS } from 'flame-pie-rx/flame';
 * client.sessionStatus(id, { intervalMs: DEFAULT_SESSION_STATUS_INTERVAL_MS / 2 });
 * ```
 */
export const DEFAULT_SESSION_STATUS_INTERVAL_MS = 1000;

/**
 * Whether two reads of a session show the same status: same state, task counters,
 * completion time and number of session events.
 *
 * @example
 * ```ts
 * import { sameSessionStatus } from 'flame-pie-rx/flame';
 * sameSessionStatus(before, after); // false once a task finished
 * ```
 */
export function sameSessionStatus(a: Session, b: Session): boolean {
  return (
    a.state === b.state &&
    a.pending === b.pending &&
    a.running === b.running &&
    a.succeed === b.succeed &&
    a.failed === b.failed &&
    a.cancelled === b.cancelled &&
    a.events.length === b.events.length &&
    a.completionTime?.getTime() === b.completionTime?.getTime()
  );
}

/**
 * Polls a session with `get()` every `intervalMs` (first read at once) and emits each read
 * whose status differs from the previous one (`sameSessionStatus`). Completes after the
 * first read that shows the session Closed: a closed session no longer changes. A read
 * still running when the next tick comes makes that tick skipped (no overlapping calls).
 * Errors of `get()` error the Observable.
 *
 * @example
 * ```ts
 * import { sessionStatusWith } from 'flame-pie-rx/flame';
 * sessionStatusWith({ get: () => client.getSession(id), intervalMs: 500 }).subscribe((s) => console.log(s.succeed));
 * ```
 */
export function sessionStatusWith(options: {
  readonly get: () => Observable<Session>;
  readonly intervalMs?: number;
  readonly scheduler?: SchedulerLike;
}): Observable<Session> {
  const intervalMs = options.intervalMs ?? DEFAULT_SESSION_STATUS_INTERVAL_MS;
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
    throw new InvalidOptionsError('intervalMs', `expected a positive number of ms, got ${String(intervalMs)}`);
  }
  return timer(0, intervalMs, options.scheduler ?? asyncScheduler).pipe(
    exhaustMap(() => options.get()),
    distinctUntilChanged(sameSessionStatus),
    takeWhile((session) => session.state !== 'Closed', true),
  );
}

/**
 * Session status as a stream: GetSession on an interval, emitting only changes (Flame has
 * no session watch RPC). Useful to show progress (pending/running/succeed counters) and to
 * notice bind failures (session events 1001/1002), which leave tasks Pending forever.
 * Completes once the session is Closed; an unknown session errors with
 * `FlameNotFoundError`.
 *
 * @example
 * ```ts
 * import { sessionStatus } from 'flame-pie-rx/flame';
 * sessionStatus(client, 'echo-a1B2c3', { intervalMs: 500, signal: AbortSignal.timeout(60_000) })
 *   .subscribe((s) => console.log(`${s.succeed} done, ${s.pending} pending`));
 * ```
 */
export function sessionStatus(
  context: FlameClientContext,
  sessionId: string,
  options: SessionStatusOptions = {},
): Observable<Session> {
  return sessionStatusWith({
    get: () => getSession(context, sessionId, options.call),
    ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
    scheduler: options.scheduler ?? context.scheduler,
  }).pipe(abortable(options.signal));
}

import { Observable, SchedulerLike, catchError, defaultIfEmpty, defer, filter, forkJoin, map, of, repeat, scan, switchMap, take, takeUntil, timer } from 'rxjs';
import { PieError } from '../../model/pie/errors.js';

/** Heartbeat settings: a ping every `intervalMs`; `maxMissed` consecutive unanswered pings mean the peer is dead. */
export interface HeartbeatSettings {
  readonly intervalMs: number;
  readonly maxMissed: number;
}

export interface HeartbeatOptions extends HeartbeatSettings {
  /** Sends one ping; its first value (before `intervalMs` elapses) counts as the reply. An error counts as no reply. */
  readonly ping: () => Observable<unknown>;
  /** Where the interval runs; a TestScheduler drives it in virtual time. */
  readonly scheduler: SchedulerLike;
}

/** The signal `heartbeat` emits when the peer stopped answering. */
export interface HeartbeatDeath {
  readonly kind: 'dead';
  /** How many consecutive pings went unanswered (equals `maxMissed`). */
  readonly missed: number;
}

/**
 * Pure liveness logic. The first ping goes out `intervalMs` after subscription and then one
 * every `intervalMs`; each ping has exactly one interval to be answered (a ping still open
 * at the next tick is unsubscribed, which lets the caller forget its request). After
 * `maxMissed` consecutive pings without a reply, it emits one `HeartbeatDeath` and
 * completes. A reply resets the count. So a peer that never answers is declared dead
 * `(maxMissed + 1) * intervalMs` after subscription.
 *
 * @example
 * ```ts
 * import { asyncScheduler } from 'rxjs';
 * import { heartbeat } from 'flame-pie-rx/pie';
 * heartbeat({ ping: () => connection.request({ type: 'ping' }), intervalMs: 10_000, maxMissed: 3, scheduler: asyncScheduler })
 *   .subscribe(() => console.log('peer is dead'));
 * ```
 */
export function heartbeat(options: HeartbeatOptions): Observable<HeartbeatDeath> {
  const { ping, intervalMs, maxMissed, scheduler } = options;
  if (!(intervalMs > 0)) throw new PieError('heartbeat intervalMs must be > 0');
  if (!(Number.isInteger(maxMissed) && maxMissed >= 1)) throw new PieError('heartbeat maxMissed must be an integer >= 1');

  // One round lasts exactly one interval and says whether its ping was answered in it.
  const round: Observable<boolean> = defer(() => {
    const windowEnd = timer(intervalMs, scheduler);
    const answered = ping().pipe(
      take(1),
      map(() => true),
      catchError(() => of(false)),
      takeUntil(windowEnd),
      defaultIfEmpty(false),
    );
    return forkJoin([answered, timer(intervalMs, scheduler)]).pipe(map(([ok]) => ok));
  });

  return timer(intervalMs, scheduler).pipe(
    switchMap(() => round.pipe(repeat())),
    scan((missed, answered) => (answered ? 0 : missed + 1), 0),
    filter((missed) => missed >= maxMissed),
    take(1),
    map((missed): HeartbeatDeath => ({ kind: 'dead', missed })),
  );
}

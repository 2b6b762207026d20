import { Observable, SchedulerLike, Subscription, asyncScheduler } from 'rxjs';
import { BackoffPolicy, backoffDelay, defaultBackoffPolicy } from '../backoff.js';
import type { ConnectionState } from '../connection-state.js';

/** What one connection attempt reports while it lives. */
export type SessionPhase = 'authenticating' | 'ready';

export interface ReconnectLoopOptions {
  /**
   * Starts connection attempt number `attempt` (1-based since the last `ready`, so 1 after a
   * loss too). The Observable emits `'authenticating'` once the socket is open and `'ready'`
   * once authenticated, errors when the session is lost or fails, and completes only for a
   * deliberate end (which closes the loop without an error).
   */
  readonly connect: (attempt: number) => Observable<SessionPhase>;
  /** Whether an error may be retried; a refused one closes the loop with that error. */
  readonly shouldRetry: (error: unknown) => boolean;
  readonly policy?: BackoffPolicy;
  /** Where backoff delays run; a TestScheduler drives them in virtual time. */
  readonly scheduler?: SchedulerLike;
  /** Random source for jitter, [0, 1). */
  readonly random?: () => number;
}

/**
 * The reconnect state machine, pure and scheduler-driven: emits `connecting {attempt}`,
 * then the session's phases (`authenticating`, `ready`); when a session errors with a
 * retryable error it emits `reconnecting {attempt, lastError, delayMs}`, waits the backoff
 * delay on the scheduler and connects again. Failures are counted since the last `ready`
 * (a success resets the count). It ends with `closed {error}` when the error is not
 * retryable or the policy runs out of attempts, and with `closed {}` when a session
 * completes. Unsubscribing tears down the current session or pending delay.
 *
 * @example
 * ```ts
 * import { reconnectLoop } from 'flame-pie-rx/pie';
 * reconnectLoop({ connect: () => openSession(), shouldRetry: () => true })
 *   .subscribe((state) => console.log(state.kind));
 * ```
 */
export function reconnectLoop(options: ReconnectLoopOptions): Observable<ConnectionState> {
  const policy = options.policy ?? defaultBackoffPolicy;
  const scheduler = options.scheduler ?? asyncScheduler;
  return new Observable<ConnectionState>((subscriber) => {
    let failures = 0;
    let current: Subscription | undefined;

    const connect = (): void => {
      subscriber.next({ kind: 'connecting', attempt: failures + 1 });
      const session = new Subscription();
      current = session; // set first: a synchronous error below replaces it with the delay
      session.add(options.connect(failures + 1).subscribe({
        next: (phase) => {
          if (phase === 'ready') failures = 0;
          subscriber.next({ kind: phase });
        },
        error: (error: unknown) => lost(error),
        complete: () => {
          subscriber.next({ kind: 'closed' });
          subscriber.complete();
        },
      }));
    };

    const lost = (error: unknown): void => {
      failures += 1;
      const lastError = error instanceof Error ? error : new Error(String(error));
      const delayMs = options.shouldRetry(error) ? backoffDelay(policy, failures, options.random) : undefined;
      if (delayMs === undefined) {
        subscriber.next({ kind: 'closed', error: lastError });
        subscriber.complete();
        return;
      }
      subscriber.next({ kind: 'reconnecting', attempt: failures, lastError, delayMs });
      current = scheduler.schedule(connect, delayMs);
    };

    connect();
    return () => current?.unsubscribe();
  });
}

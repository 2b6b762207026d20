import { connectivityState } from '@grpc/grpc-js';
import {
  EMPTY,
  type Observable,
  type OperatorFunction,
  type SchedulerLike,
  asyncScheduler,
  concat,
  defer,
  distinctUntilChanged,
  of,
  switchMap,
  takeWhile,
  tap,
  timer,
} from 'rxjs';
import { type BackoffPolicy, backoffDelay } from '../backoff.js';
import type { ConnectionState } from '../connection-state.js';

/** Why a reconnect is needed: the last try failed, or a working connection went away. */
export type ReconnectReason = 'connect-failed' | 'connection-lost';

export interface ReconnectStatesOptions {
  /** Paces the reconnect prompts and the `delayMs` reported in `reconnecting` states. */
  readonly policy: BackoffPolicy;
  /** Where the delays run; a TestScheduler drives them in virtual time. */
  readonly scheduler?: SchedulerLike;
  /** Random source for jitter, [0, 1). */
  readonly random?: () => number;
  /** Asks the channel to connect (grpc-js: `getConnectivityState(true)`); called when a delay ends. */
  readonly connect: () => void;
  /** The `lastError` of a `reconnecting` state. */
  readonly errorFor?: (reason: ReconnectReason) => Error;
}

const defaultErrorFor = (reason: ReconnectReason): Error =>
  new Error(reason === 'connection-lost' ? 'connection lost' : 'connection attempt failed');

/**
 * Turns a channel's connectivity states (grpc-js `connectivityState` values) into
 * `ConnectionState`s, and decides when to ask for a new connection:
 *
 * - IDLE before any attempt → `idle`; CONNECTING → `connecting {attempt}` where attempt is
 *   1 + the failures since the last READY; READY → `ready` (failures reset to 0).
 * - TRANSIENT_FAILURE → `reconnecting {attempt, lastError, delayMs}` with the policy's delay;
 *   when it ends, `connect()` is called and, if the channel is still failing (grpc-js keeps
 *   retrying on its own while in TRANSIENT_FAILURE and reports no state change until it
 *   succeeds), the next `reconnecting` follows with the next delay.
 * - IDLE after a connection (lost, or the peer went away) → `reconnecting` likewise, then
 *   `connect()`; the CONNECTING that follows is reported as usual.
 * - SHUTDOWN → `closed`, then completes.
 *
 * When the policy runs out of attempts the last `reconnecting` state stays and no more
 * prompts are made (grpc-js still reconnects when a call needs the channel). A new
 * connectivity state cancels any pending delay.
 *
 * @example
 * ```ts
 * import { reconnectStates, backoffPolicy } from 'flame-pie-rx/flame';
 * connectivity$.pipe(reconnectStates({ policy: backoffPolicy(), connect: () => channel.getConnectivityState(true) }))
 *   .subscribe((s) => console.log(s.kind));
 * ```
 */
export function reconnectStates(
  options: ReconnectStatesOptions,
): OperatorFunction<connectivityState, ConnectionState> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const errorFor = options.errorFor ?? defaultErrorFor;
  return (connectivity$) =>
    defer(() => {
      let failures = 0;
      let previous: connectivityState | undefined;

      const retry = (reason: ReconnectReason, keepsFailing: boolean): Observable<ConnectionState> => {
        failures += 1;
        const attempt = failures;
        const delayMs = backoffDelay(options.policy, attempt, options.random);
        if (delayMs === undefined) return EMPTY;
        const waiting: ConnectionState = { kind: 'reconnecting', attempt, lastError: errorFor(reason), delayMs };
        const afterDelay = timer(delayMs, scheduler).pipe(
          tap(() => options.connect()),
          switchMap(() => (keepsFailing ? retry('connect-failed', true) : EMPTY)),
        );
        return concat(of(waiting), afterDelay);
      };

      const toStates = (state: connectivityState): Observable<ConnectionState> => {
        const before = previous;
        previous = state;
        switch (state) {
          case connectivityState.READY:
            failures = 0;
            return of({ kind: 'ready' });
          case connectivityState.CONNECTING:
            return of({ kind: 'connecting', attempt: failures + 1 });
          case connectivityState.TRANSIENT_FAILURE:
            return retry('connect-failed', true);
          case connectivityState.IDLE:
            if (before === undefined || before === connectivityState.IDLE) return of({ kind: 'idle' });
            return retry(before === connectivityState.READY ? 'connection-lost' : 'connect-failed', false);
          default:
            return of({ kind: 'closed' });
        }
      };

      return connectivity$.pipe(
        distinctUntilChanged(),
        takeWhile((state) => state !== connectivityState.SHUTDOWN, true),
        switchMap(toStates),
      );
    });
}

import { Observable, type Unsubscribable } from 'rxjs';
import { backoffDelay } from '../backoff.js';
import { retryTransient } from '../should-retry.js';
import type { FlameChannel } from './channel.js';
import type { FlameCallOptions } from './methods.js';

/**
 * Runs `attempt` until it succeeds, sending it again after a retryable error (UNAVAILABLE:
 * the connection dropped under the call) once the channel's backoff delay has passed, as
 * long as the channel is open, the policy allows another attempt and the deadline (counted
 * from subscription) has time left. Only for calls that may safely be repeated, and only
 * until the first value: a stream that already emitted is not restarted.
 *
 * @example
 * ```ts
 * retryingRead(channel, {}, (options) => unaryAttempt(channel, 'getTask', request, options, identity));
 * ```
 */
export function retryingRead<T>(
  channel: FlameChannel,
  options: FlameCallOptions,
  attempt: (options: FlameCallOptions) => Observable<T>,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const deadlineAt = options.deadlineMs === undefined ? undefined : Date.now() + options.deadlineMs;
    let failures = 0;
    let emitted = false;
    let current: Unsubscribable | undefined;
    let done = false;

    const start = (callOptions: FlameCallOptions): void => {
      const subscription = attempt(callOptions).subscribe({
        next: (value) => {
          emitted = true;
          subscriber.next(value);
        },
        error: (error: unknown) => retry(error),
        complete: () => {
          done = true;
          subscriber.complete();
        },
      });
      // Ended synchronously: whatever follows (a scheduled retry) is already `current`.
      if (!subscription.closed) current = subscription;
    };

    const retry = (error: unknown): void => {
      failures += 1;
      const delayMs = emitted || channel.closed || !retryTransient(error, failures) ? undefined : backoffDelay(channel.backoff, failures, channel.random);
      const left = deadlineAt === undefined ? undefined : deadlineAt - Date.now() - (delayMs ?? 0);
      if (delayMs === undefined || (left !== undefined && left <= 0)) {
        done = true;
        subscriber.error(error);
        return;
      }
      current = channel.scheduler.schedule(() => {
        current = undefined;
        start(left === undefined ? options : { ...options, deadlineMs: Math.max(0, deadlineAt! - Date.now()) });
      }, delayMs);
    };

    start(options);
    return () => {
      done = true;
      current?.unsubscribe();
    };
  });
}

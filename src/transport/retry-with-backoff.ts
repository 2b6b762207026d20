import { MonoTypeOperatorFunction, SchedulerLike, asyncScheduler, retry, throwError, timer } from 'rxjs';
import { BackoffPolicy, backoffDelay, defaultBackoffPolicy } from './backoff.js';
import { ShouldRetry, retryTransient } from './should-retry.js';

export interface RetryWithBackoffOptions {
  readonly policy?: BackoffPolicy;
  readonly shouldRetry?: ShouldRetry;
  /** Where the delays are scheduled; a TestScheduler drives them in virtual time. */
  readonly scheduler?: SchedulerLike;
  /** Random source for jitter, [0, 1). */
  readonly random?: () => number;
  /** Start counting attempts from 1 again after the source emits. Default true. */
  readonly resetOnSuccess?: boolean;
  /** Called before each wait, e.g. to publish a `reconnecting` state. */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/**
 * Resubscribes to the source after an error that `shouldRetry` accepts, waiting the
 * policy's delay on the given scheduler; gives up (re-throws the last error) when the
 * predicate refuses or the policy runs out of attempts.
 *
 * @example
 * ```ts
 * import { defer } from 'rxjs';
 * import { retryWithBackoff, backoffPolicy, retryAlways } from 'flame-pie-rx';
 * defer(() => fetchSomething()).pipe(
 *   retryWithBackoff({ policy: backoffPolicy({ maxAttempts: 3 }), shouldRetry: retryAlways }),
 * );
 * ```
 */
export function retryWithBackoff<T>(options: RetryWithBackoffOptions = {}): MonoTypeOperatorFunction<T> {
  const policy = options.policy ?? defaultBackoffPolicy;
  const shouldRetry = options.shouldRetry ?? retryTransient;
  const scheduler = options.scheduler ?? asyncScheduler;
  return retry<T>({
    resetOnSuccess: options.resetOnSuccess ?? true,
    delay: (error: unknown, attempt: number) => {
      const delayMs = shouldRetry(error, attempt) ? backoffDelay(policy, attempt, options.random) : undefined;
      if (delayMs === undefined) return throwError(() => error);
      options.onRetry?.({ attempt, delayMs, error });
      return timer(delayMs, scheduler);
    },
  });
}

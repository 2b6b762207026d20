import { MonoTypeOperatorFunction, SchedulerLike } from 'rxjs';
import { TaskFailedError } from '../../../model/flame/errors.js';
import { BackoffPolicy, backoffPolicy } from '../../../transport/backoff.js';
import { retryWithBackoff } from '../../../transport/retry-with-backoff.js';

/** Options of `resubmitFailedTasks`. */
export interface ResubmitFailedTasksOptions {
  /**
   * Delays between resubmissions and how many there may be. Default: 100 ms doubling,
   * no jitter, at most 2 resubmissions (3 tasks in all).
   */
  readonly policy?: BackoffPolicy;
  /**
   * Whether a failure is worth a new task; `attempt` is 1 for the first resubmission.
   * Default: only tasks that ended `Failed` (a `Cancelled` task means its session was
   * closed, where a new task would be refused).
   */
  readonly shouldRetry?: (error: TaskFailedError, attempt: number) => boolean;
  /** Where the delays are scheduled; a TestScheduler drives them in virtual time. */
  readonly scheduler?: SchedulerLike;
  /** Random source for the policy's jitter, [0, 1). */
  readonly random?: () => number;
  /** Called before each wait, e.g. to log the resubmission. */
  readonly onResubmit?: (info: { attempt: number; delayMs: number; error: TaskFailedError }) => void;
}

/**
 * Default policy of `resubmitFailedTasks`: 100 ms, 200 ms, then give up.
 *
 * @example
 * ```ts
 * import { defaultResubmitPolicy, backoffPolicy } from 'flame-pie-rx';
 * const patient = backoffPolicy({ ...defaultResubmitPolicy, maxAttempts: 5 });
 * ```
 */
export const defaultResubmitPolicy: BackoffPolicy = backoffPolicy({ initialDelayMs: 100, jitter: 0, maxAttempts: 2 });

const resubmitFailedOnly = (error: TaskFailedError): boolean => error.state === 'Failed';

/**
 * Resubscribes to a task submission that errored with `TaskFailedError`, after the
 * policy's delay. Resubscribing runs the submission again, which creates a NEW task on
 * the server with a new task id: Flame has no idempotency key and no way to re-run a task
 * (spec 3.4.11), so use this only for work that is safe to do twice. Any other error
 * (transport, NOT_FOUND, codec) passes through at once. When the policy or `shouldRetry`
 * refuses, the last `TaskFailedError` is re-thrown.
 *
 * Apply it to a cold Observable that both creates and awaits the task, such as
 * `session.invoke(input)` or `client.runTask(...).pipe(taskOutput())`; values emitted
 * before a failure are emitted again by the new attempt.
 *
 * @example
 * ```ts
 * import { resubmitFailedTasks, backoffPolicy } from 'flame-pie-rx';
 * session.invoke(input).pipe(
 *   resubmitFailedTasks({ policy: backoffPolicy({ initialDelayMs: 200, jitter: 0, maxAttempts: 3 }) }),
 * );
 * ```
 */
export function resubmitFailedTasks<T>(options: ResubmitFailedTasksOptions = {}): MonoTypeOperatorFunction<T> {
  const accept = options.shouldRetry ?? resubmitFailedOnly;
  return retryWithBackoff<T>({
    policy: options.policy ?? defaultResubmitPolicy,
    shouldRetry: (error, attempt) => error instanceof TaskFailedError && accept(error, attempt),
    scheduler: options.scheduler,
    random: options.random,
    resetOnSuccess: false,
    onRetry: options.onResubmit
      ? ({ attempt, delayMs, error }) => options.onResubmit!({ attempt, delayMs, error: error as TaskFailedError })
      : undefined,
  });
}

/**
 * The same operator as `resubmitFailedTasks`, under the name the pipeline guide uses:
 * every retry submits a NEW task (Flame has no idempotency).
 *
 * @example
 * ```ts
 * import { retryFailedTasks } from 'flame-pie-rx';
 * session.invoke(input).pipe(retryFailedTasks());
 * ```
 */
export const retryFailedTasks: typeof resubmitFailedTasks = resubmitFailedTasks;

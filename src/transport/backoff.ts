/**
 * The one backoff policy both transports use: exponential, capped, with jitter and a
 * maximum number of attempts. A pure function of the attempt number and a random source,
 * so it is tested on its own and injected wherever a delay is needed.
 */
export interface BackoffPolicy {
  /** Delay before the first retry, in ms. */
  readonly initialDelayMs: number;
  /** Upper bound of any delay, in ms (applied before jitter). */
  readonly maxDelayMs: number;
  /** Growth factor between attempts. */
  readonly multiplier: number;
  /**
   * Fraction of the delay that is randomised, 0 to 1. With jitter `j` the delay is drawn
   * uniformly from `[d * (1 - j), d]`; 0 gives exact delays (what marble tests use).
   */
  readonly jitter: number;
  /** Retries allowed before giving up; `Infinity` retries forever. */
  readonly maxAttempts: number;
}

/** Defaults: 100 ms, doubling, capped at 10 s, 20 % jitter, unlimited attempts. */
export const defaultBackoffPolicy: BackoffPolicy = Object.freeze({
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  multiplier: 2,
  jitter: 0.2,
  maxAttempts: Number.POSITIVE_INFINITY,
});

/**
 * Builds a policy from the defaults and the fields given.
 *
 * @example
 * ```ts
 * import { backoffPolicy } from 'flame-pie-rx';
 * const policy = backoffPolicy({ initialDelayMs: 50, maxAttempts: 5, jitter: 0 });
 * ```
 */
export function backoffPolicy(overrides: Partial<BackoffPolicy> = {}): BackoffPolicy {
  const policy = { ...defaultBackoffPolicy, ...overrides };
  if (!(policy.initialDelayMs >= 0) || !(policy.maxDelayMs >= 0) || !(policy.multiplier >= 1)) {
    throw new RangeError('backoff policy: delays must be >= 0 and multiplier >= 1');
  }
  if (!(policy.jitter >= 0 && policy.jitter <= 1)) throw new RangeError('backoff policy: jitter must be within [0, 1]');
  if (!(policy.maxAttempts >= 0)) throw new RangeError('backoff policy: maxAttempts must be >= 0');
  return Object.freeze(policy);
}

/**
 * The delay before retry number `attempt` (1-based), or `undefined` when the policy allows
 * no more attempts. `random` returns a number in [0, 1) and defaults to `Math.random`.
 *
 * @example
 * ```ts
 * import { backoffDelay, backoffPolicy } from 'flame-pie-rx';
 * const p = backoffPolicy({ initialDelayMs: 100, jitter: 0, maxAttempts: 3 });
 * [1, 2, 3, 4].map((n) => backoffDelay(p, n)); // => [100, 200, 400, undefined]
 * ```
 */
export function backoffDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number | undefined {
  if (attempt < 1 || attempt > policy.maxAttempts) return undefined;
  const exponential = policy.initialDelayMs * Math.pow(policy.multiplier, attempt - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  const jittered = capped * (1 - policy.jitter * random());
  return Math.round(jittered);
}

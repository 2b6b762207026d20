// How many executors one session may have and must keep, and how long an idle executor
// beyond that minimum stays bound (flame.md 3.5: max_instances, min_instances, delay_release).
import type { ApplicationSpec } from '../../gen/flame/v1/types.js';
import type { FlameHandleOptions } from './handler.js';
import type { SessionRecord } from './records.js';
import { DEFAULT_APPLICATION_DELAY_RELEASE, DEFAULT_APPLICATION_MAX_INSTANCES } from './to-proto.js';

/** Longest delay `setTimeout` honours (a larger one would fire at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Executor bounds of one session: `limit` executors at most, `minimum` kept bound even
 * without work.
 *
 * @example
 * ```ts
 * import type { ExecutorBounds } from './executor-sizing.js';
 * const bounds: ExecutorBounds = { limit: 4, minimum: 2 };
 * ```
 */
export interface ExecutorBounds {
  readonly limit: number;
  readonly minimum: number;
}

/**
 * The bounds of a session: limit = min(handler maxInstances ?? application max_instances,
 * session max_instances ?? ∞); minimum = min(max(handler minInstances, session
 * min_instances), limit).
 *
 * @example
 * ```ts
 * import { executorBounds } from './executor-sizing.js';
 * import type { SessionRecord } from './records.js';
 * const session = { minInstances: 0, maxInstances: 1 } as SessionRecord;
 * executorBounds({ minInstances: 2 }, undefined, session); // => { limit: 1, minimum: 1 }
 * ```
 */
export function executorBounds(
  options: FlameHandleOptions,
  application: ApplicationSpec | undefined,
  session: SessionRecord,
): ExecutorBounds {
  const limit = Math.min(
    options.maxInstances ?? application?.maxInstances ?? DEFAULT_APPLICATION_MAX_INSTANCES,
    session.maxInstances ?? Number.POSITIVE_INFINITY,
  );
  const wanted = Math.max(options.minInstances ?? 0, session.minInstances);
  return { limit, minimum: Math.max(0, Math.min(wanted, limit)) };
}

/**
 * How long (ms) an idle executor beyond the minimum stays bound: the handler's
 * `delayReleaseMs`, else the application's delay_release seconds × 1000 (60 s when absent);
 * negative values count as 0, values beyond a timer's range are capped (about 24.8 days).
 *
 * @example
 * ```ts
 * import { releaseDelayMs } from './executor-sizing.js';
 * releaseDelayMs({}, undefined); // => 60000
 * releaseDelayMs({ delayReleaseMs: 50 }, undefined); // => 50
 * ```
 */
export function releaseDelayMs(options: FlameHandleOptions, application: ApplicationSpec | undefined): number {
  const ms =
    options.delayReleaseMs ?? Number(application?.delayRelease ?? DEFAULT_APPLICATION_DELAY_RELEASE) * 1000;
  return Math.min(Math.max(0, ms), MAX_TIMER_MS);
}

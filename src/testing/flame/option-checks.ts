// Checks of the emulator's own options (not of RPC input): bad values become a
// FlameEmulatorError instead of a silent misbehaviour.
import { DEFAULT_CALL_LOG_LIMIT } from './call-registry.js';
import { FlameEmulatorError } from './errors.js';
import type { FlameHandleOptions } from './handler.js';

/**
 * The call log limit to use: the default (10 000) when absent; throws `FlameEmulatorError`
 * unless it is a non-negative integer or Infinity.
 *
 * @example
 * ```ts
 * import { checkCallLogLimit } from './option-checks.js';
 * checkCallLogLimit(undefined); // => 10000
 * checkCallLogLimit(0); // => 0 (keep no calls)
 * ```
 */
export function checkCallLogLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_CALL_LOG_LIMIT;
  if (limit === Number.POSITIVE_INFINITY || (Number.isInteger(limit) && limit >= 0)) return limit;
  throw new FlameEmulatorError(`callLogLimit must be a non-negative integer or Infinity, got ${String(limit)}`);
}

/**
 * Throws `FlameEmulatorError` for a `minInstances` that is not a non-negative integer or a
 * `delayReleaseMs` that is not a non-negative number.
 *
 * @example
 * ```ts
 * import { checkHandleOptions } from './option-checks.js';
 * checkHandleOptions({ minInstances: 2, delayReleaseMs: 100 }); // passes
 * ```
 */
export function checkHandleOptions(options: FlameHandleOptions): void {
  const { minInstances, delayReleaseMs } = options;
  if (minInstances !== undefined && !(Number.isInteger(minInstances) && minInstances >= 0)) {
    throw new FlameEmulatorError(`minInstances must be a non-negative integer, got ${String(minInstances)}`);
  }
  if (delayReleaseMs !== undefined && !(typeof delayReleaseMs === 'number' && delayReleaseMs >= 0)) {
    throw new FlameEmulatorError(`delayReleaseMs must be a non-negative number, got ${String(delayReleaseMs)}`);
  }
}

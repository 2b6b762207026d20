/**
 * A "should retry" predicate: given the error and the 1-based attempt number, whether the
 * failed operation may be tried again. Tiny and pure, injected into the retrying code.
 */
export type ShouldRetry = (error: unknown, attempt: number) => boolean;

/** Retries every error. */
export const retryAlways: ShouldRetry = () => true;

/** Retries nothing. */
export const retryNever: ShouldRetry = () => false;

/**
 * Retries errors that carry `retryable: true` (the library's transport errors do: a lost
 * connection, an unavailable server), and nothing else.
 *
 * @example
 * ```ts
 * import { retryTransient } from 'flame-pie-rx';
 * retryTransient(Object.assign(new Error('down'), { retryable: true }), 1); // => true
 * retryTransient(new Error('bad input'), 1); // => false
 * ```
 */
export const retryTransient: ShouldRetry = (error) =>
  typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;

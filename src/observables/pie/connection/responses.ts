import { type OperatorFunction, map } from 'rxjs';
import { type PieError, PieNotFoundError, PieRequestError } from '../../../model/pie/errors.js';
import type { PieResponse } from '../../../transport/ws/messages.js';

const NOT_FOUND_RESULTS = new Set(['Process not found', 'Workflow not found', 'Service not found']);

/**
 * The typed error for an `ok=false` reply: `PieNotFoundError` for the engine's "not
 * found" texts, `PieRequestError` otherwise; both keep the engine's text in `serverMessage`.
 *
 * @example
 * ```ts
 * responseError('terminate_process', 'Process not found') instanceof PieNotFoundError; // => true
 * ```
 */
export function responseError(request: string, result: string): PieError {
  if (NOT_FOUND_RESULTS.has(result)) return new PieNotFoundError(result, { request });
  return new PieRequestError(request, result);
}

/**
 * Maps a reply to its `result` text, turning `ok=false` into the error of `responseError`.
 *
 * @example
 * ```ts
 * connection.request({ type: 'ping' }).pipe(okResult('ping')); // emits 'Pong'
 * ```
 */
export function okResult(request: string): OperatorFunction<PieResponse, string> {
  return map((response) => {
    if (!response.ok) throw responseError(request, response.result);
    return response.result;
  });
}

import type { FlameMethodName } from './methods.js';

/**
 * The Frontend RPCs that only read: sending one again after a dropped connection cannot
 * change anything on the server, so `unaryCall` retries them on UNAVAILABLE (a call sent
 * the instant the server died fails with `read ECONNRESET` even while waiting for ready).
 * Writes are not here: CreateTask has its own reconciliation (`createTaskOnce`), the
 * others fail with the retryable error for the caller to decide.
 *
 * @example
 * ```ts
 * import { isIdempotentRead } from 'flame-pie-rx/flame';
 * isIdempotentRead('getTask'); // => true
 * isIdempotentRead('createTask'); // => false
 * ```
 */
export function isIdempotentRead(method: FlameMethodName): boolean {
  return IDEMPOTENT_READS.has(method);
}

const IDEMPOTENT_READS: ReadonlySet<FlameMethodName> = new Set<FlameMethodName>([
  'getApplication',
  'listApplication',
  'listApplications',
  'listExecutor',
  'listExecutors',
  'listNodes',
  'getNode',
  'getSession',
  'listSession',
  'listSessions',
  'getTask',
  'listTask',
  'listTasks',
]);

/**
 * grpc-js reports some connection losses as INTERNAL: a connection the server closed with
 * GOAWAY INTERNAL_ERROR (its HTTP/2 rapid-reset defence after a burst of stream
 * cancellations) ends every stream on it with `Received RST_STREAM with code 2 ... Session
 * closed with error code 2`. Those say nothing about the request, so they are treated as
 * UNAVAILABLE (retryable), like any other dropped connection.
 *
 * @example
 * ```ts
 * import { isConnectionLossStatus } from 'flame-pie-rx/flame';
 * isConnectionLossStatus({ code: 13, details: 'Received RST_STREAM with code 2 triggered by internal client error: Session closed with error code 2' }); // => true
 * ```
 */
export function isConnectionLossStatus(status: { code: number; details?: string }): boolean {
  return status.code === INTERNAL && CONNECTION_LOSS.test(status.details ?? '');
}

const INTERNAL = 13;
const CONNECTION_LOSS = /Session closed with error code \d+|Received RST_STREAM with code \d+ triggered by internal client error|Connection dropped|\bECONNRESET\b|\bEPIPE\b/;

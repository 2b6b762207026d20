// Errors for non-OK gRPC statuses from the Flame server, and the status codes themselves.
import { ClientError } from '../errors.js';

/**
 * The numeric gRPC status codes (OK = 0 … UNAUTHENTICATED = 16), as the Flame server sends
 * them. A plain object, so this module needs no gRPC library.
 *
 * @example
 * ```ts
 * import { GrpcStatusCode } from 'flame-pie-rx/flame';
 * GrpcStatusCode.NOT_FOUND; // => 5
 * ```
 */
export const GrpcStatusCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** One of the numeric gRPC status codes. */
export type GrpcStatusCode = (typeof GrpcStatusCode)[keyof typeof GrpcStatusCode];

const STATUS_NAMES: readonly string[] = Object.keys(GrpcStatusCode);

/**
 * The name of a gRPC status code (`5` → `'NOT_FOUND'`); codes outside 0…16 read as `CODE_<n>`.
 *
 * @example
 * ```ts
 * import { grpcStatusName } from 'flame-pie-rx/flame';
 * grpcStatusName(14); // => 'UNAVAILABLE'
 * ```
 */
export function grpcStatusName(code: number): string {
  return Number.isInteger(code) && code >= 0 && code < STATUS_NAMES.length
    ? STATUS_NAMES[code]!
    : `CODE_${code}`;
}

/**
 * A failed Flame gRPC call: keeps the status `code`, its `codeName`, the server's bare
 * message (`serverMessage`, e.g. just the session id for an unknown session) and the RPC
 * `method`. Subclasses name the common codes; other codes are plain `FlameError`s.
 *
 * @example
 * ```ts
 * import { FlameError } from 'flame-pie-rx/flame';
 * const e = new FlameError({ code: 2, details: 'odd', method: 'GetTask' });
 * e.message; // => 'GetTask failed: UNKNOWN: odd'
 * ```
 */
export class FlameError extends ClientError {
  readonly code: number;
  readonly codeName: string;
  readonly serverMessage: string;
  readonly method?: string;

  constructor(
    status: { code: number; details: string; method?: string },
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    const codeName = grpcStatusName(status.code);
    const method = status.method === undefined ? undefined : rpcDisplayName(status.method);
    const head = method ? `${method} failed: ${codeName}` : codeName;
    super(status.details ? `${head}: ${status.details}` : head, options);
    this.code = status.code;
    this.codeName = codeName;
    this.serverMessage = status.details;
    if (status.method !== undefined) this.method = status.method;
  }
}

/** Turns `getSession` or `/flame.v1.Frontend/GetSession` into `GetSession` for messages. */
function rpcDisplayName(method: string): string {
  const last = method.slice(method.lastIndexOf('/') + 1);
  return last.charAt(0).toUpperCase() + last.slice(1);
}

/**
 * NOT_FOUND (5): an unknown session, task, application or node.
 *
 * @example
 * ```ts
 * import { FlameNotFoundError } from 'flame-pie-rx/flame';
 * new FlameNotFoundError({ code: 5, details: 'my-ssn', method: 'GetSession' }).serverMessage; // => 'my-ssn'
 * ```
 */
export class FlameNotFoundError extends FlameError {}

/**
 * ALREADY_EXISTS (6): e.g. CreateSession with an id in use.
 *
 * @example
 * ```ts
 * import { FlameAlreadyExistsError } from 'flame-pie-rx/flame';
 * new FlameAlreadyExistsError({ code: 6, details: 'dup' }).code; // => 6
 * ```
 */
export class FlameAlreadyExistsError extends FlameError {}

/**
 * INVALID_ARGUMENT (3): a bad request, and also Flame's "wrong state" errors (spec 3.2).
 *
 * @example
 * ```ts
 * import { FlameInvalidArgumentError } from 'flame-pie-rx/flame';
 * new FlameInvalidArgumentError({ code: 3, details: 'invalid task id' }).message; // => 'INVALID_ARGUMENT: invalid task id'
 * ```
 */
export class FlameInvalidArgumentError extends FlameError {}

/**
 * UNAVAILABLE (14): the server could not be reached or dropped the call; `retryable`.
 *
 * @example
 * ```ts
 * import { FlameUnavailableError } from 'flame-pie-rx/flame';
 * new FlameUnavailableError({ code: 14, details: 'down' }).retryable; // => true
 * ```
 */
export class FlameUnavailableError extends FlameError {
  constructor(status: { code: number; details: string; method?: string }, options: { cause?: unknown } = {}) {
    super(status, { ...options, retryable: true });
  }
}

/**
 * FAILED_PRECONDITION (9). The Flame server never sends it (spec 3.2), but other
 * servers in front of it may.
 *
 * @example
 * ```ts
 * import { FlameFailedPreconditionError } from 'flame-pie-rx/flame';
 * new FlameFailedPreconditionError({ code: 9, details: 'closed' }).codeName; // => 'FAILED_PRECONDITION'
 * ```
 */
export class FlameFailedPreconditionError extends FlameError {}

/**
 * INTERNAL (13): a server-side failure, including "Cannot close session with running tasks".
 *
 * @example
 * ```ts
 * import { FlameInternalError } from 'flame-pie-rx/flame';
 * new FlameInternalError({ code: 13, details: 'storage' }).retryable; // => false
 * ```
 */
export class FlameInternalError extends FlameError {}

/**
 * CANCELLED (1): the call was cancelled (by this client or by the server).
 *
 * @example
 * ```ts
 * import { FlameCancelledError } from 'flame-pie-rx/flame';
 * new FlameCancelledError({ code: 1, details: 'Cancelled on client' }).codeName; // => 'CANCELLED'
 * ```
 */
export class FlameCancelledError extends FlameError {}

/**
 * DEADLINE_EXCEEDED (4): the call's deadline passed. Not retryable by default, because the
 * call may have taken effect (a created task, for one).
 *
 * @example
 * ```ts
 * import { FlameDeadlineExceededError } from 'flame-pie-rx/flame';
 * new FlameDeadlineExceededError({ code: 4, details: 'Deadline exceeded' }).code; // => 4
 * ```
 */
export class FlameDeadlineExceededError extends FlameError {}

/**
 * The server's answer could not be read: its header block (an error status with a huge
 * `grpc-message` or `grpc-status-details-bin`, or other huge metadata) was larger than the
 * client's HTTP/2 layer accepts, which then dropped the connection (more than 8
 * CONTINUATION frames) or that call (on Node 22+, a field above 64 KiB). `code` is what the
 * transport reported (INTERNAL); `refusal` its words; the server's own message was never
 * read. Not retryable: the server would send the same status again.
 *
 * @example
 * ```ts
 * import { FlameStatusTooLargeError } from 'flame-pie-rx/flame';
 * new FlameStatusTooLargeError({ code: 13, refusal: 'Too many CONTINUATION frames following a HEADER frame', method: 'GetTask' }).message;
 * // => "GetTask failed: INTERNAL: the server's status was larger than the client accepts (Too many CONTINUATION frames following a HEADER frame)"
 * ```
 */
export class FlameStatusTooLargeError extends FlameError {
  /** What the client's HTTP/2 layer said when it refused the header block. */
  readonly refusal: string;

  constructor(fields: { code: number; refusal: string; method?: string }, options: { cause?: unknown } = {}) {
    const details = `the server's status was larger than the client accepts (${fields.refusal})`;
    super({ code: fields.code, details, ...(fields.method === undefined ? {} : { method: fields.method }) }, options);
    this.refusal = fields.refusal;
  }
}

/**
 * Builds the typed error for a non-OK gRPC status. Only UNAVAILABLE (a transport-level
 * failure) is `retryable`; every other code says something about the request itself.
 *
 * @example
 * ```ts
 * import { flameErrorFromStatus } from 'flame-pie-rx/flame';
 * const e = flameErrorFromStatus({ code: 5, details: 'my-ssn', method: 'GetSession' });
 * e.message; // => 'GetSession failed: NOT_FOUND: my-ssn'
 * ```
 */
export function flameErrorFromStatus(
  status: { code: number; details: string; method?: string },
  options: { cause?: unknown } = {},
): FlameError {
  switch (status.code) {
    case GrpcStatusCode.NOT_FOUND:
      return new FlameNotFoundError(status, options);
    case GrpcStatusCode.ALREADY_EXISTS:
      return new FlameAlreadyExistsError(status, options);
    case GrpcStatusCode.INVALID_ARGUMENT:
      return new FlameInvalidArgumentError(status, options);
    case GrpcStatusCode.UNAVAILABLE:
      return new FlameUnavailableError(status, options);
    case GrpcStatusCode.FAILED_PRECONDITION:
      return new FlameFailedPreconditionError(status, options);
    case GrpcStatusCode.INTERNAL:
      return new FlameInternalError(status, options);
    case GrpcStatusCode.CANCELLED:
      return new FlameCancelledError(status, options);
    case GrpcStatusCode.DEADLINE_EXCEEDED:
      return new FlameDeadlineExceededError(status, options);
    default:
      return new FlameError(status, options);
  }
}

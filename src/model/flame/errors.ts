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

/**
 * An application RPC (Register/Update/UnregisterApplication) answered gRPC OK but with
 * `Result.return_code != 0`: Flame reports most application failures in-band (spec 3.2).
 * Any non-zero code counts as failure (the Rust SDK only checks `< 0`; spec 3.2 says `!= 0`).
 *
 * @example
 * ```ts
 * import { ApplicationRequestError } from 'flame-pie-rx/flame';
 * const e = new ApplicationRequestError({ returnCode: -1, serverMessage: 'exists', operation: 'RegisterApplication', name: 'app' });
 * e.message; // => 'RegisterApplication app failed: return code -1: exists'
 * ```
 */
export class ApplicationRequestError extends ClientError {
  readonly returnCode: number;
  readonly serverMessage?: string;
  readonly operation: string;
  /** The application the request was about (`name` is taken by `Error.name`). */
  readonly applicationName: string;

  constructor(fields: { returnCode: number; serverMessage?: string; operation: string; name: string }) {
    const head = `${fields.operation} ${fields.name} failed: return code ${fields.returnCode}`;
    super(fields.serverMessage ? `${head}: ${fields.serverMessage}` : head);
    this.returnCode = fields.returnCode;
    if (fields.serverMessage !== undefined) this.serverMessage = fields.serverMessage;
    this.operation = fields.operation;
    this.applicationName = fields.name;
  }
}

/**
 * Throws `ApplicationRequestError` when an application RPC's `Result` carries a non-zero
 * `returnCode`; returns quietly on 0.
 *
 * @example
 * ```ts
 * import { checkApplicationResult } from 'flame-pie-rx/flame';
 * checkApplicationResult({ returnCode: 0 }, 'RegisterApplication', 'app'); // ok
 * checkApplicationResult({ returnCode: -1, message: 'exists' }, 'RegisterApplication', 'app'); // throws
 * ```
 */
export function checkApplicationResult(
  result: { returnCode: number; message?: string | undefined },
  operation: string,
  name: string,
): void {
  if (result.returnCode === 0) return;
  throw new ApplicationRequestError({
    returnCode: result.returnCode,
    ...(result.message === undefined ? {} : { serverMessage: result.message }),
    operation,
    name,
  });
}

/**
 * A task ended in a state other than `Succeed` (Failed or Cancelled). The message names the
 * task, its session, the state and the failure message when one is known.
 *
 * @example
 * ```ts
 * import { TaskFailedError } from 'flame-pie-rx/flame';
 * new TaskFailedError({ taskId: '3', sessionId: 'demo-x1Y2z3', state: 'Failed', failureMessage: 'boom' }).message;
 * // => 'task 3 of session demo-x1Y2z3 ended Failed: boom'
 * ```
 */
export class TaskFailedError extends ClientError {
  readonly taskId: string;
  readonly sessionId: string;
  readonly state: string;
  readonly failureMessage?: string;
  /** Code of the task's last event, when the failure came with events. */
  readonly failureCode?: number;

  constructor(fields: {
    taskId: string;
    sessionId: string;
    state: string;
    failureMessage?: string;
    failureCode?: number;
    cause?: unknown;
  }) {
    const head = `task ${fields.taskId} of session ${fields.sessionId} ended ${fields.state}`;
    super(fields.failureMessage ? `${head}: ${fields.failureMessage}` : head, { cause: fields.cause });
    this.taskId = fields.taskId;
    this.sessionId = fields.sessionId;
    this.state = fields.state;
    if (fields.failureMessage !== undefined) this.failureMessage = fields.failureMessage;
    if (fields.failureCode !== undefined) this.failureCode = fields.failureCode;
  }
}

/**
 * The client configuration (`~/.flame/flame.yaml` or another file, plus environment) is
 * unusable. `path` is the file concerned, when there is one; `problem` the bare reason.
 *
 * @example
 * ```ts
 * import { FlameConfigError } from 'flame-pie-rx/flame';
 * new FlameConfigError('Context <dev> not found', { path: '/home/me/.flame/flame.yaml' }).message;
 * // => 'Flame config /home/me/.flame/flame.yaml: Context <dev> not found'
 * ```
 */
export class FlameConfigError extends ClientError {
  readonly path?: string;
  readonly problem: string;

  constructor(problem: string, options: { path?: string; cause?: unknown } = {}) {
    super(options.path ? `Flame config ${options.path}: ${problem}` : `Flame config: ${problem}`, {
      cause: options.cause,
    });
    this.problem = problem;
    if (options.path !== undefined) this.path = options.path;
  }
}

/**
 * A resource requirement holds values Flame cannot carry (negative, fractional, too large).
 *
 * @example
 * ```ts
 * import { ResourceRequirementError } from 'flame-pie-rx/flame';
 * new ResourceRequirementError('cpu must be a non-negative integer, got -1').message;
 * ```
 */
export class ResourceRequirementError extends ClientError {}

/**
 * A resource requirement string (`cpu=2,mem=4g,gpu=1`) could not be parsed. Names the whole
 * `input`, the offending `entry` (when one is to blame) and the `problem`.
 *
 * @example
 * ```ts
 * import { ResourceRequirementParseError } from 'flame-pie-rx/flame';
 * new ResourceRequirementParseError({ input: 'cpu=x', entry: 'cpu=x', problem: 'cpu is not an unsigned integer' }).message;
 * // => 'invalid resource requirement "cpu=x": entry "cpu=x": cpu is not an unsigned integer'
 * ```
 */
export class ResourceRequirementParseError extends ResourceRequirementError {
  readonly input: string;
  readonly entry?: string;
  readonly problem: string;

  constructor(fields: { input: string; entry?: string; problem: string }) {
    const where = fields.entry === undefined ? '' : `entry "${fields.entry}": `;
    super(`invalid resource requirement "${fields.input}": ${where}${fields.problem}`);
    this.input = fields.input;
    if (fields.entry !== undefined) this.entry = fields.entry;
    this.problem = fields.problem;
  }
}

/**
 * Session options are invalid (empty application, malformed id, mismatched id, …).
 *
 * @example
 * ```ts
 * import { SessionOptionsError } from 'flame-pie-rx/flame';
 * new SessionOptionsError('session application must not be empty').message;
 * ```
 */
export class SessionOptionsError extends ClientError {}

/**
 * A task payload could not be encoded or decoded by a `TaskCodec`.
 *
 * @example
 * ```ts
 * import { CodecError } from 'flame-pie-rx/flame';
 * new CodecError('invalid JSON in task payload: Unexpected token').message;
 * ```
 */
export class CodecError extends ClientError {}

/**
 * A message from the server could not be turned into the client's model: a required field is
 * missing, an enum number is unknown, or a 64-bit number is beyond `Number.MAX_SAFE_INTEGER`.
 * `field` is the dotted path of the offending field.
 *
 * @example
 * ```ts
 * import { FlameDecodeError } from 'flame-pie-rx/flame';
 * new FlameDecodeError('Task.status.state', 'unknown TaskState -1').message;
 * // => 'cannot decode Task.status.state: unknown TaskState -1'
 * ```
 */
export class FlameDecodeError extends ClientError {
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`cannot decode ${field}: ${problem}`);
    this.field = field;
  }
}

/**
 * An application spec holds a value the wire cannot carry (e.g. a fractional
 * `maxInstances`), caught before anything is sent.
 *
 * @example
 * ```ts
 * import { ApplicationSpecError } from 'flame-pie-rx/flame';
 * new ApplicationSpecError('maxInstances must be an unsigned 32-bit integer, got -1').message;
 * ```
 */
export class ApplicationSpecError extends ClientError {}

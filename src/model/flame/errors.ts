// Every error the Flame model raises. The gRPC status family lives in status-errors.ts and
// is re-exported here; the rest are client-side errors.
import { ClientError } from '../errors.js';

export * from './status-errors.js';

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

export * from './version-errors.js';

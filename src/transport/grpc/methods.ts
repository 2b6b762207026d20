import { type CallOptions, Metadata, type ServiceError } from '@grpc/grpc-js';
import { type FlameError, FlameStatusTooLargeError, flameErrorFromStatus } from '../../model/flame/errors.js';
import { FlameTransportOptionError } from './errors.js';
import { isConnectionLossStatus } from './idempotent-reads.js';
import { isOversizedStatus } from './oversized-status.js';
import { FLAME_FRONTEND_METHODS } from './frontend-06.js';

export { FLAME_FRONTEND_METHODS, FrontendService06, FrontendService07 } from './frontend-06.js';

type Frontend = typeof FLAME_FRONTEND_METHODS;

/**
 * A Frontend RPC by its grpc-js method name, of either version (`'getTask'`, `'watchTask'`
 * (0.6), `'watchTasks'` (0.7), `'listSession'` (0.6), `'listSessions'` (0.7), ...).
 */
export type FlameMethodName = keyof Frontend;

/** The Frontend RPCs answered by one message. */
export type FlameUnaryMethodName = {
  [K in FlameMethodName]: Frontend[K]['responseStream'] extends false ? K : never;
}[FlameMethodName];

/** The Frontend RPCs with one request answered by a stream of messages. */
export type FlameServerStreamMethodName = {
  [K in FlameMethodName]: Frontend[K]['responseStream'] extends true
    ? Frontend[K]['requestStream'] extends false
      ? K
      : never
    : never;
}[FlameMethodName];

/** The Frontend RPCs with a stream each way (0.7 `watchTasks`). */
export type FlameBidiStreamMethodName = {
  [K in FlameMethodName]: Frontend[K]['requestStream'] extends true ? K : never;
}[FlameMethodName];

/** The request message of a Frontend RPC. */
export type FlameRequest<K extends FlameMethodName> = Parameters<Frontend[K]['requestSerialize']>[0];

/** The response message (or each streamed message) of a Frontend RPC. */
export type FlameResponse<K extends FlameMethodName> = ReturnType<Frontend[K]['responseDeserialize']>;

/** Per-call options. */
export interface FlameCallOptions {
  /** Fail with `FlameDeadlineExceededError` when the call has not finished this many ms after subscription. */
  readonly deadlineMs?: number;
  /**
   * Wait for the channel to be ready instead of failing at once with UNAVAILABLE while it
   * is down (bounded by the deadline, if any). Default true.
   */
  readonly waitForReady?: boolean;
  /** Aborting unsubscribes (the call is cancelled on the wire) and errors with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** The generated definition of a method, with the types of its key. */
export interface FlameMethodDefinition<K extends FlameMethodName> {
  readonly path: string;
  /** The RPC name as in the proto (`GetTask`), used in errors. */
  readonly rpcName: string;
  readonly serialize: (request: FlameRequest<K>) => Buffer;
  readonly deserialize: (bytes: Buffer) => FlameResponse<K>;
}

/**
 * The definition of a Frontend method of either version, typed by its grpc-js name.
 *
 * @example
 * ```ts
 * import { flameMethod } from 'flame-pie-rx/flame';
 * flameMethod('getTask').path; // => '/flame.v1.Frontend/GetTask'
 * ```
 */
export function flameMethod<K extends FlameMethodName>(method: K): FlameMethodDefinition<K> {
  const cached = methodDefinitions.get(method);
  if (cached) return cached as FlameMethodDefinition<K>;
  const definition = FLAME_FRONTEND_METHODS[method];
  const made: FlameMethodDefinition<K> = {
    path: definition.path,
    rpcName: definition.path.slice(definition.path.lastIndexOf('/') + 1),
    serialize: definition.requestSerialize as unknown as (request: FlameRequest<K>) => Buffer,
    deserialize: definition.responseDeserialize as unknown as (bytes: Buffer) => FlameResponse<K>,
  };
  methodDefinitions.set(method, made);
  return made;
}

/** One definition per method, made on first use (every call of a method shares it). */
const methodDefinitions = new Map<FlameMethodName, FlameMethodDefinition<never>>();

/** What grpc-js takes for one call: metadata (which carries wait-for-ready) and call options. */
export interface GrpcCallSettings {
  readonly metadata: Metadata;
  readonly callOptions: CallOptions;
}

/**
 * The grpc-js settings for `FlameCallOptions`: wait-for-ready (a metadata option in
 * grpc-js, default true here) and the deadline counted from now. A negative or non-finite
 * deadline throws `FlameTransportOptionError`.
 *
 * @example
 * ```ts
 * import { grpcCallSettings } from 'flame-pie-rx/flame';
 * grpcCallSettings({ deadlineMs: 1000 }).metadata.getOptions().waitForReady; // => true
 * ```
 */
export function grpcCallSettings(options: FlameCallOptions = {}): GrpcCallSettings {
  const metadata = new Metadata({ waitForReady: options.waitForReady ?? true });
  return { metadata, callOptions: deadlineCallOptions(options) ?? {} };
}

/** The call options with the deadline counted from now, or undefined without a deadline. */
function deadlineCallOptions(options: FlameCallOptions): CallOptions | undefined {
  if (options.deadlineMs === undefined) return undefined;
  if (!(options.deadlineMs >= 0) || !Number.isFinite(options.deadlineMs)) {
    throw new FlameTransportOptionError('deadlineMs', 'must be a finite number >= 0');
  }
  return { deadline: Date.now() + options.deadlineMs };
}

/**
 * `grpcCallSettings` for the library's own calls, without per-call allocations when
 * nothing is asked: the metadata (which carries only wait-for-ready) is one shared
 * instance per wait-for-ready value, and without a deadline the call options are one
 * shared empty object. grpc-js neither keeps nor modifies either: a call clones its
 * metadata when it starts. The result must not be modified; use `grpcCallSettings` for
 * settings of one's own.
 *
 * @example
 * ```ts
 * import { sharedGrpcCallSettings } from 'flame-pie-rx/flame';
 * sharedGrpcCallSettings({}).metadata === sharedGrpcCallSettings({}).metadata; // => true
 * ```
 */
export function sharedGrpcCallSettings(options: FlameCallOptions = {}): GrpcCallSettings {
  const shared = options.waitForReady === false ? sharedWithoutWaitForReady : sharedWithWaitForReady;
  const callOptions = deadlineCallOptions(options);
  return callOptions === undefined ? shared : { metadata: shared.metadata, callOptions };
}

const sharedWithWaitForReady: GrpcCallSettings = { metadata: new Metadata({ waitForReady: true }), callOptions: {} };
const sharedWithoutWaitForReady: GrpcCallSettings = { metadata: new Metadata({ waitForReady: false }), callOptions: {} };

/**
 * Starts a grpc-js call (`start` makes it) without V8 capturing the caller's stack. grpc-js
 * records that stack for every call (an `Error` kept for the life of the call, whose
 * frames hold on to the functions and receivers on the stack) only to append it to the
 * error of a failed call. This library reports failed calls as its own `FlameError` and
 * never reads that stack, so for long calls such as task watches the capture is pure
 * weight: several hundred bytes per open stream. Should `start` throw, it is run once more
 * with stack capture on, so that the thrown error carries its stack (grpc-js throws before
 * starting anything, so nothing is started twice).
 *
 * @example
 * ```ts
 * import { FlameChannel, startWithoutCallerStack } from 'flame-pie-rx/flame';
 * const channel = new FlameChannel('http://127.0.0.1:8080');
 * const call = startWithoutCallerStack(() => channel.frontend.getTask({ sessionId: 'ssn-1', taskId: '1' }, () => undefined));
 * call.cancel();
 * ```
 */
export function startWithoutCallerStack<T>(start: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return start();
  } catch {
    Error.stackTraceLimit = limit;
    return start();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * The typed error for a failed call's status. A connection loss that grpc-js reports as
 * INTERNAL (`isConnectionLossStatus`) becomes `FlameUnavailableError` (retryable); a server
 * status the client refused as too large (`isOversizedStatus`), `FlameStatusTooLargeError`.
 *
 * @example
 * ```ts
 * import { flameErrorFromServiceError } from 'flame-pie-rx/flame';
 * flameErrorFromServiceError({ code: 5, details: 'ssn-1' } as never, 'GetSession').serverMessage; // => 'ssn-1'
 * ```
 */
export function flameErrorFromServiceError(error: Pick<ServiceError, 'code' | 'details'>, rpcName: string): FlameError {
  if (isOversizedStatus(error)) return new FlameStatusTooLargeError({ code: error.code, refusal: error.details, method: rpcName });
  const code = isConnectionLossStatus(error) ? UNAVAILABLE : error.code;
  return flameErrorFromStatus({ code, details: error.details ?? '', method: rpcName });
}

const UNAVAILABLE = 14;


import { type StatusObject, status } from '@grpc/grpc-js';
import { abortable } from '../../interop/abortable.js';
import { Observable, type Subscriber, type Unsubscribable, identity } from 'rxjs';
import type { FlameChannel } from './channel.js';
import type { GrpcCallTarget, GrpcMethod } from './call-target.js';
import { type CallReceiver, ChannelCall } from './channel-call.js';
import { FlameChannelClosedError } from './errors.js';
import { isIdempotentRead } from './idempotent-reads.js';
import { retryingRead } from './retrying-read.js';
import {
  type FlameCallOptions,
  type FlameRequest,
  type FlameResponse,
  type FlameUnaryMethodName,
  type GrpcCallSettings,
  flameErrorFromServiceError,
  flameMethod,
  sharedGrpcCallSettings,
} from './methods.js';

/**
 * A unary Frontend call as a cold Observable: each subscription makes one call, emits the
 * response and completes; a non-OK status errors with the typed `FlameError` from
 * `flameErrorFromStatus`. Unsubscribing before the answer cancels the call on the wire
 * (the resulting CANCELLED status is not reported). The call waits for a down channel
 * unless `waitForReady: false`; `deadlineMs` bounds it (`FlameDeadlineExceededError`).
 * Reads (`isIdempotentRead`) that fail with UNAVAILABLE, e.g. sent the instant the server
 * died, are sent again after the channel's backoff delay, within the same deadline.
 *
 * @example
 * ```ts
 * import { FlameChannel, unaryCall } from 'flame-pie-rx/flame';
 * const channel = new FlameChannel('http://127.0.0.1:8080');
 * unaryCall(channel, 'getTask', { sessionId: 'ssn-1', taskId: '1' }, { deadlineMs: 5000 })
 *   .subscribe((task) => console.log(task.status?.state));
 * ```
 */
export function unaryCall<K extends FlameUnaryMethodName>(
  channel: FlameChannel,
  method: K,
  request: FlameRequest<K>,
  options: FlameCallOptions = {},
): Observable<FlameResponse<K>> {
  return unaryCallMapped(channel, method, request, options, identity);
}

/**
 * `unaryCall` with the response passed through `project`: the same as
 * `.pipe(map(project))`, without the operator's subscriber per call. An error thrown by
 * `project` errors the Observable.
 *
 * @example
 * ```ts
 * import { FlameChannel, taskFromProto, unaryCallMapped } from 'flame-pie-rx/flame';
 * const channel = new FlameChannel('http://127.0.0.1:8080');
 * unaryCallMapped(channel, 'getTask', { sessionId: 'ssn-1', taskId: '1' }, {}, taskFromProto)
 *   .subscribe((task) => console.log(task.state));
 * ```
 */
export function unaryCallMapped<K extends FlameUnaryMethodName, T>(
  channel: FlameChannel,
  method: K,
  request: FlameRequest<K>,
  options: FlameCallOptions,
  project: (response: FlameResponse<K>) => T,
): Observable<T> {
  const call$ =
    isIdempotentRead(method) && options.waitForReady !== false
      ? retryingRead(channel, options, (attemptOptions) => unaryAttempt(channel, method, request, attemptOptions, project))
      : unaryAttempt(channel, method, request, options, project);
  // Around the retries: an abort during a backoff delay ends the call too.
  return call$.pipe(abortable(options.signal));
}

/** One call, no retry. */
function unaryAttempt<K extends FlameUnaryMethodName, T>(
  channel: FlameChannel,
  method: K,
  request: FlameRequest<K>,
  options: FlameCallOptions,
  project: (response: FlameResponse<K>) => T,
): Observable<T> {
  return grpcUnary(channel, flameMethod(method), request, () => sharedGrpcCallSettings(options), project);
}

/**
 * The unary call shape over any channel and method (the Frontend's and the object cache's):
 * each subscription makes one call with the settings `settings()` gives at that moment (a
 * deadline counts from the subscription), emits `project` of the response and completes.
 * Unsubscribing before the answer cancels the call; a channel's `close()` cancels it too.
 */
export function grpcUnary<Req, Res, T>(
  target: GrpcCallTarget,
  method: GrpcMethod<Req, Res>,
  request: Req,
  settings: () => GrpcCallSettings,
  project: (response: Res) => T,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    if (target.closed) {
      subscriber.error(new FlameChannelClosedError(method.rpcName));
      return undefined;
    }
    const running = new UnaryCall(target, method, request, settings(), subscriber, project);
    return running.start();
  });
}

/** One running unary call and its subscriber; the subscription's teardown once started. */
class UnaryCall<Req, Res, T> implements CallReceiver<Res>, Unsubscribable {
  #finished = false;
  #answer: Res | undefined = undefined;
  readonly #call: ChannelCall<Req, Res>;

  constructor(
    private readonly target: GrpcCallTarget,
    private readonly method: GrpcMethod<Req, Res>,
    request: Req,
    settings: GrpcCallSettings,
    private readonly subscriber: Subscriber<T>,
    private readonly project: (response: Res) => T,
  ) {
    this.#call = new ChannelCall(target.grpcClient.getChannel(), method, request, settings, false, this);
  }

  /** Starts the call; undefined when it answered at once (nothing to tear down). */
  start(): Unsubscribable | undefined {
    this.target.trackCall(this.#call);
    this.#call.start();
    return this.#finished ? undefined : this;
  }

  message(response: Res): void {
    this.#answer = response;
  }

  status(received: StatusObject): void {
    this.target.untrackCall(this.#call);
    if (this.#finished) return; // cancelled by unsubscribing: its CANCELLED is not reported
    this.#finished = true;
    if (received.code !== status.OK) {
      this.subscriber.error(flameErrorFromServiceError(received, this.method.rpcName));
      return;
    }
    let value: T;
    try {
      value = this.project(this.#answer as Res);
    } catch (projectError) {
      this.subscriber.error(projectError);
      return;
    }
    this.subscriber.next(value);
    this.subscriber.complete();
  }

  unsubscribe(): void {
    this.target.untrackCall(this.#call);
    if (this.#finished) return;
    this.#finished = true;
    this.#call.cancel();
  }
}

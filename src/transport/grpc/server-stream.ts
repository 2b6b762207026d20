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
  type FlameServerStreamMethodName,
  type GrpcCallSettings,
  flameErrorFromServiceError,
  flameMethod,
  sharedGrpcCallSettings,
} from './methods.js';

/**
 * A server-streaming Frontend call (`watchTask`, `listTask`) as a cold Observable: each
 * subscription opens one stream, emits every message, and completes when the server ends
 * the stream with OK; a non-OK status errors with the typed `FlameError`. Unsubscribing
 * cancels the stream on the wire (the resulting CANCELLED status is not reported).
 * `waitForReady` (default true) and `deadlineMs` as for `unaryCall`.
 *
 * @example
 * ```ts
 * import { FlameChannel, serverStreamCall } from 'flame-pie-rx/flame';
 * const channel = new FlameChannel('http://127.0.0.1:8080');
 * serverStreamCall(channel, 'watchTask', { sessionId: 'ssn-1', taskId: '1' })
 *   .subscribe({ next: (task) => console.log(task.status?.state), complete: () => console.log('done') });
 * ```
 */
export function serverStreamCall<K extends FlameServerStreamMethodName>(
  channel: FlameChannel,
  method: K,
  request: FlameRequest<K>,
  options: FlameCallOptions = {},
): Observable<FlameResponse<K>> {
  return serverStreamCallMapped(channel, method, request, options, identity);
}

/**
 * `serverStreamCall` with each message passed through `project` on its way out: the same
 * as `.pipe(map(project))`, without the operator's subscriber per call. An error thrown by
 * `project` errors the Observable and cancels the stream.
 *
 * @example
 * ```ts
 * import { FlameChannel, serverStreamCallMapped, taskFromProto } from 'flame-pie-rx/flame';
 * const channel = new FlameChannel('http://127.0.0.1:8080');
 * serverStreamCallMapped(channel, 'listTask', { sessionId: 'ssn-1' }, {}, taskFromProto)
 *   .subscribe((task) => console.log(task.id, task.state));
 * ```
 */
export function serverStreamCallMapped<K extends FlameServerStreamMethodName, T>(
  channel: FlameChannel,
  method: K,
  request: FlameRequest<K>,
  options: FlameCallOptions,
  project: (message: FlameResponse<K>) => T,
): Observable<T> {
  // A list read again from the start is safe while nothing of it was emitted; after the
  // first message a break is the caller's (retryingRead never re-sends then).
  const call$ =
    isIdempotentRead(method) && options.waitForReady !== false
      ? retryingRead(channel, options, (attemptOptions) => streamAttempt(channel, method, request, attemptOptions, project))
      : streamAttempt(channel, method, request, options, project);
  // Around the retries: an abort during a backoff delay ends the call too.
  return call$.pipe(abortable(options.signal));
}

/** One server-stream call, no retry. */
function streamAttempt<K extends FlameServerStreamMethodName, T>(
  channel: FlameChannel,
  method: K,
  request: FlameRequest<K>,
  options: FlameCallOptions,
  project: (message: FlameResponse<K>) => T,
): Observable<T> {
  return grpcServerStream(channel, flameMethod(method), request, () => sharedGrpcCallSettings(options), project);
}

/**
 * The server-stream call shape over any channel and method (the Frontend's and the object
 * cache's): each subscription opens one stream with the settings `settings()` gives then,
 * emits `project` of every message and completes on OK. Unsubscribing cancels the stream
 * (paced when the channel has a `cancelPacer`); a channel's `close()` cancels it too.
 */
export function grpcServerStream<Req, Res, T>(
  target: GrpcCallTarget,
  method: GrpcMethod<Req, Res>,
  request: Req,
  settings: () => GrpcCallSettings,
  project: (message: Res) => T,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    if (target.closed) {
      subscriber.error(new FlameChannelClosedError(method.rpcName));
      return undefined;
    }
    const open = new OpenStream(target, method, request, settings(), subscriber, project);
    open.start();
    return open;
  });
}

/** One open stream and the subscriber it feeds; also the subscription's teardown. */
class OpenStream<Req, M, T> implements CallReceiver<M>, Unsubscribable {
  #finished = false;
  readonly #call: ChannelCall<Req, M>;
  readonly #rpcName: string;

  constructor(
    private readonly channel: GrpcCallTarget,
    method: GrpcMethod<Req, M>,
    request: Req,
    settings: GrpcCallSettings,
    private readonly subscriber: Subscriber<T>,
    private readonly project: (message: M) => T,
  ) {
    this.#rpcName = method.rpcName;
    this.#call = new ChannelCall(channel.grpcClient.getChannel(), method, request, settings, true, this);
  }

  start(): void {
    this.channel.trackCall(this.#call);
    this.#call.start();
  }

  message(message: M): void {
    if (this.#finished) return;
    let value: T;
    try {
      value = this.project(message);
    } catch (error) {
      this.subscriber.error(error);
      return;
    }
    this.subscriber.next(value);
  }

  status(received: StatusObject): void {
    this.channel.untrackCall(this.#call);
    if (this.#finished) return; // cancelled: its CANCELLED is not reported
    this.#finished = true;
    if (received.code === status.OK) this.subscriber.complete();
    else this.subscriber.error(flameErrorFromServiceError(received, this.#rpcName));
  }

  unsubscribe(): void {
    if (this.#finished) {
      this.channel.untrackCall(this.#call);
      return;
    }
    // Paced (see `CancelPacing`): a mass unsubscribe must not trip the server's
    // rapid-reset defence. Until its turn the stream stays tracked, so `close()` still
    // cancels it, and what it receives goes to the closed subscriber, which ignores it.
    const pacer = this.channel.cancelPacer;
    if (pacer) pacer.cancel(this);
    else this.cancelNow();
  }

  /** Resets the stream now, unless it ended meanwhile. */
  cancelNow(): void {
    this.channel.untrackCall(this.#call);
    if (this.#finished) return;
    this.#finished = true;
    this.#call.cancel();
  }
}

import type { ClientReadableStream, ServiceError } from '@grpc/grpc-js';
import { abortable } from '../../interop/abortable.js';
import { Observable, type Subscriber, type Unsubscribable, identity } from 'rxjs';
import type { FlameChannel } from './channel.js';
import type { GrpcCallTarget, GrpcMethod } from './call-target.js';
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
  startWithoutCallerStack,
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
    const { metadata, callOptions } = settings();
    const stream: ClientReadableStream<Res> = startWithoutCallerStack(() =>
      target.grpcClient.makeServerStreamRequest<Req, Res>(method.path, method.serialize, method.deserialize, request, metadata, callOptions),
    );
    return new OpenStream(target, stream, subscriber, method.rpcName, project);
  });
}

/**
 * One open stream and the subscriber it feeds; also the subscription's teardown. Its
 * stream listeners are shared functions that find it under the `OPEN_STREAM` key of the
 * stream (a stream holds no per-call closures: many watches stay open at once).
 */
class OpenStream<M, T> implements Unsubscribable {
  #finished = false;

  constructor(
    private readonly channel: GrpcCallTarget,
    private readonly stream: ClientReadableStream<M>,
    private readonly subscriber: Subscriber<T>,
    private readonly rpcName: string,
    private readonly project: (message: M) => T,
  ) {
    (stream as unknown as Keyed)[OPEN_STREAM] = this as OpenStream<unknown, unknown>;
    stream.on('data', onStreamData);
    channel.trackCall(stream);
    // grpc-js emits 'error' (non-OK status) before 'end', so an errored stream never completes.
    stream.on('error', onStreamError);
    stream.on('end', onStreamEnd);
  }

  message(message: M): void {
    let value: T;
    try {
      value = this.project(message);
    } catch (error) {
      this.subscriber.error(error);
      return;
    }
    this.subscriber.next(value);
  }

  failed(error: ServiceError): void {
    this.#finish();
    this.subscriber.error(flameErrorFromServiceError(error, this.rpcName));
  }

  ended(): void {
    this.#finish();
    this.subscriber.complete();
  }

  unsubscribe(): void {
    if (this.#finished) {
      this.channel.untrackCall(this.stream);
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
    this.channel.untrackCall(this.stream);
    if (this.#finished) return;
    this.#finished = true;
    // The CANCELLED status that follows arrives as an 'error' event; the listener stays
    // attached (an EventEmitter 'error' without a listener would throw), and the closed
    // subscriber ignores it.
    this.stream.cancel();
  }

  #finish(): void {
    this.#finished = true;
    this.channel.untrackCall(this.stream);
  }
}

/**
 * Where a stream holds its `OpenStream`, for the shared listeners. A property of the
 * stream rather than a WeakMap entry: an entry per stream costs a hash lookup per message
 * and ephemeron work in every collection while the stream is young (measured with
 * `perf` on 2,000-task runs, see docs/benchmarks.md).
 */
const OPEN_STREAM = Symbol('flame-pie-rx.openStream');
interface Keyed {
  [OPEN_STREAM]?: OpenStream<unknown, unknown>;
}

// EventEmitter listeners run with `this` bound to the emitting stream.
function onStreamData(this: Keyed, message: unknown): void {
  this[OPEN_STREAM]?.message(message);
}
function onStreamError(this: Keyed, error: ServiceError): void {
  this[OPEN_STREAM]?.failed(error);
}
function onStreamEnd(this: Keyed): void {
  this[OPEN_STREAM]?.ended();
}

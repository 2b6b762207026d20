import { ReplaySubject, type Observable, type SchedulerLike, type Subscription, asyncScheduler } from 'rxjs';
import { FrontendClient } from '../../gen/flame/v1/frontend.js';
import { GrpcStatusCode, flameErrorFromStatus } from '../../model/flame/errors.js';
import { type BackoffPolicy, defaultBackoffPolicy } from '../backoff.js';
import type { ConnectionState } from '../connection-state.js';
import { CancelPacer, type CancelPacing } from './cancel-pacer.js';
import { flameGrpcChannelOptions } from './channel-options.js';
import { channelConnectivity } from './channel-state.js';
import { flameChannelCredentials } from './credentials.js';
import { type FlameEndpoint, parseFlameEndpoint } from './endpoint.js';
import { FlameTransportOptionError } from './errors.js';
import { type ReconnectReason, reconnectStates } from './reconnect-states.js';

/** Options of a `FlameChannel`; all optional. */
export interface FlameChannelOptions {
  /** PEM file with the CA that signs the server certificate (`https` endpoints only). */
  readonly caFile?: string;
  /** The CA as PEM text or bytes, instead of `caFile`. */
  readonly ca?: string | Uint8Array;
  /** Largest message the client accepts, in bytes. Default 64 MiB (grpc-js: 4 MiB). */
  readonly maxReceiveMessageBytes?: number;
  /** HTTP/2 keepalive ping interval, ms. Default 15000. */
  readonly keepaliveTimeMs?: number;
  /** How long a ping may stay unanswered before the connection is dropped, ms. Default 5000. */
  readonly keepaliveTimeoutMs?: number;
  /** Reconnect pacing; also bounds grpc-js's own reconnect backoff. Default `defaultBackoffPolicy`. */
  readonly backoff?: BackoffPolicy;
  /** Where reconnect delays run. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Random source for backoff jitter, [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /**
   * Paces the resets of cancelled streams (`CancelPacing`, e.g. `DEFAULT_CANCEL_PACING`);
   * default (undefined or false): each is reset at once. A mass unsubscribe can trip the
   * server's rapid-reset defence, which closes the connection; the calls on it are then
   * recovered like after any dropped connection (watches resume, reads retry, CreateTask
   * reconciles), so pacing is only worth it against a server that resets connections at a
   * known rate (docs/reliability.md has the measurements).
   */
  readonly cancelPacing?: CancelPacing | false;
}

/**
 * One gRPC connection to a Flame Frontend: a single grpc-js channel (the generated
 * `frontend` client's), TLS per the endpoint's scheme, a raised receive limit, HTTP/2
 * keepalive, and a `state$` that tells whether it is connected and when it tries again.
 * It starts connecting at once and reconnects on its own; calls made while it is down
 * wait for it (see `unaryCall`). Call `close()` when done: until then reconnect timers
 * keep the process alive.
 *
 * @example
 * ```ts
 * import { FlameChannel, unaryCall } from 'flame-pie-rx/flame';
 * const channel = new FlameChannel('http://127.0.0.1:8080');
 * channel.state$.subscribe((s) => console.log(s.kind));
 * unaryCall(channel, 'listApplication', {}).subscribe((list) => console.log(list.applications.length));
 * channel.close();
 * ```
 */
export class FlameChannel {
  /** The endpoint as given. */
  readonly endpoint: string;
  /** The endpoint parsed: scheme, host, port, gRPC target. */
  readonly parsedEndpoint: FlameEndpoint;
  /** The generated Frontend client; its `getChannel()` is the one channel. */
  readonly frontend: FrontendClient;
  /** The connection state; replays the current one, completes after `closed`. */
  readonly state$: Observable<ConnectionState>;
  /** Reconnect pacing; also paces the retries of idempotent reads (`unaryCall`). */
  readonly backoff: BackoffPolicy;
  /** Where the channel's delays run. */
  readonly scheduler: SchedulerLike;
  /** Random source for jitter. */
  readonly random: () => number;
  /** Paces stream cancellations (`serverStreamCall` hands its cancels to it); undefined when pacing is off. */
  readonly cancelPacer: CancelPacer | undefined;

  readonly #state = new ReplaySubject<ConnectionState>(1);
  readonly #stateSubscription: Subscription;
  readonly #runningCalls = new Set<{ cancel(): void }>();
  #closed = false;
  #stateCompleted = false;

  constructor(endpoint: string, options: FlameChannelOptions = {}) {
    this.endpoint = endpoint;
    this.parsedEndpoint = parseFlameEndpoint(endpoint);
    checkPositiveInteger('maxReceiveMessageBytes', options.maxReceiveMessageBytes);
    checkPositiveInteger('keepaliveTimeMs', options.keepaliveTimeMs);
    checkPositiveInteger('keepaliveTimeoutMs', options.keepaliveTimeoutMs);
    const credentials = flameChannelCredentials(this.parsedEndpoint, options);
    const policy = options.backoff ?? defaultBackoffPolicy;
    this.backoff = policy;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.random = options.random ?? Math.random;
    this.cancelPacer = options.cancelPacing ? new CancelPacer(options.cancelPacing) : undefined;
    this.frontend = new FrontendClient(
      this.parsedEndpoint.target,
      credentials,
      flameGrpcChannelOptions({ ...options, backoff: policy }),
    );
    const grpcChannel = this.frontend.getChannel();
    const target = this.parsedEndpoint.target;
    this.#stateSubscription = channelConnectivity(grpcChannel)
      .pipe(
        reconnectStates({
          policy,
          scheduler: options.scheduler ?? asyncScheduler,
          ...(options.random ? { random: options.random } : {}),
          connect: () => {
            if (!this.#closed) grpcChannel.getConnectivityState(true);
          },
          errorFor: (reason) => connectionError(target, reason),
        }),
      )
      .subscribe({
        next: (state) => this.#state.next(state),
        complete: () => this.#completeState(),
      });
    this.state$ = this.#state.asObservable();
    grpcChannel.getConnectivityState(true);
  }

  /** The grpc-js client the call shapes use (the `frontend` client). */
  get grpcClient(): FrontendClient {
    return this.frontend;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Registers a running call so that `close()` cancels it (grpc-js lets calls outlive a
   * closed channel); returns the function that unregisters it when the call ends.
   * `unaryCall` and `serverStreamCall` do this for every call.
   *
   * @example
   * ```ts
   * const call = channel.frontend.getTask({ sessionId: 's', taskId: '1' }, () => {});
   * const done = channel.trackCall(call);
   * done();
   * ```
   */
  trackCall(call: { cancel(): void }): () => void {
    this.#runningCalls.add(call);
    return () => this.untrackCall(call);
  }

  /**
   * Unregisters a call registered with `trackCall` (the same as calling the function
   * `trackCall` returned, for callers that would rather not keep a function per call).
   * Unknown calls are ignored.
   *
   * @example
   * ```ts
   * const call = channel.frontend.getTask({ sessionId: 's', taskId: '1' }, () => {});
   * channel.trackCall(call);
   * channel.untrackCall(call);
   * ```
   */
  untrackCall(call: { cancel(): void }): void {
    this.#runningCalls.delete(call);
  }

  /**
   * Closes the channel: running calls end with CANCELLED (`FlameCancelledError`), `state$` emits `closed` and
   * completes, and no further calls can start. Idempotent.
   *
   * @example
   * ```ts
   * const channel = new FlameChannel('http://127.0.0.1:8080');
   * channel.close();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.cancelPacer?.flush();
    for (const call of [...this.#runningCalls]) call.cancel();
    this.#runningCalls.clear();
    this.frontend.close();
    // grpc-js reports SHUTDOWN synchronously; this covers the case where it did not.
    this.#stateSubscription.unsubscribe();
    this.#completeState();
  }

  #completeState(): void {
    if (this.#stateCompleted) return;
    this.#stateCompleted = true;
    let last: ConnectionState | undefined;
    this.#state.subscribe((s) => (last = s)).unsubscribe();
    if (last?.kind !== 'closed') this.#state.next({ kind: 'closed' });
    this.#state.complete();
  }
}

function checkPositiveInteger(option: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value <= 0) throw new FlameTransportOptionError(option, 'must be a positive integer');
}

function connectionError(target: string, reason: ReconnectReason): Error {
  const details = reason === 'connection-lost' ? `connection to ${target} lost` : `cannot connect to ${target}`;
  return flameErrorFromStatus({ code: GrpcStatusCode.UNAVAILABLE, details });
}

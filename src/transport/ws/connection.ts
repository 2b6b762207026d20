import {
  BehaviorSubject,
  Observable,
  ReplaySubject,
  SchedulerLike,
  Subject,
  Subscription,
  asyncScheduler,
  defer,
  distinctUntilChanged,
  filter,
  map,
  merge,
  of,
  switchMap,
  take,
  takeWhile,
  throwError,
} from 'rxjs';
import type { ConnectionState } from '../connection-state.js';
import { PieConnectionLostError, PieError, PieProtocolError } from '../../model/pie/errors.js';
import { decodeServerFrame, encodeClientMessage } from './codec.js';
import {
  PieConnectionOptions,
  PieServerNotice,
  PieRequestFramesOptions,
  PieRequestOptions,
  checkTimeout,
  shouldReconnect,
  validateConnectionOptions,
} from './connection-options.js';
import { shapeForWire } from './generations.js';
import { heartbeat } from './heartbeat.js';
import { InboundGate } from './inbound-gate.js';
import type { PieFireAndForgetMessage, PiePushFrame, PieRequestMessage, PieResponse } from './messages.js';
import { reconnectLoop } from './reconnect-loop.js';
import { exchange } from './request-exchange.js';
import { RequestDeadlines } from './request-deadlines.js';
import { RequestTable } from './request-table.js';
import { requestTimeout } from './request-timeout.js';
import { type RequestSink, SingleFrameRequestContext, singleFrameRequest, startSingleFrameRequest } from './single-frame-request.js';
import { pieSession } from './session.js';
import { PushMulticast } from './push-multicast.js';
import type { SocketEvent } from './socket-events.js';
import { WebSocketLike, openWebSocket } from './socket.js';

type InboundFrame = Exclude<SocketEvent, { kind: 'open' }>;

/**
 * A reconnecting, authenticated WebSocket connection to a Pie engine speaking MessagePack.
 * It connects at once; `state$` reports `connecting` → `authenticating` → `ready`, and after
 * a drop or heartbeat death `reconnecting {attempt, lastError, delayMs}` → … → `ready`
 * again (`ready$` then emits the next session number, so callers can reattach). Requests
 * wait for `ready`; a `PieAuthError` from `authenticate` closes the connection for good.
 *
 * @example
 * ```ts
 * import { PieConnection } from 'flame-pie-rx/pie';
 * const connection = PieConnection.open({
 *   url: 'ws://127.0.0.1:8080',
 *   authenticate: (auth) => auth.request({ type: 'auth_identify', username: 'me' }),
 * });
 * connection.request({ type: 'ping' }).subscribe((r) => console.log(r.result)); // 'Pong'
 * ```
 */
export class PieConnection {
  /** The connection state; replays the current one (also `closed` after completion). Completes after `closed`. */
  readonly state$: Observable<ConnectionState>;
  /** Session numbers: 1 on the first `ready`, 2, 3, … after each reconnect. Replays the current one while ready. */
  readonly ready$: Observable<number>;
  /** Server frames that are not responses: process events, file chunks, MCP relay requests. */
  readonly pushes$: Observable<PiePushFrame>;
  /** Frames the connection could not understand; the connection keeps going. */
  readonly errors$: Observable<PieProtocolError>;
  /** A gateway's JSON text notices (`turn_done`, `error` for a refused frame); see `PieServerNotice`. */
  readonly notices$: Observable<PieServerNotice>;

  private readonly options: ReturnType<typeof validateConnectionOptions>;
  private readonly scheduler: SchedulerLike;
  private readonly table = new RequestTable();
  // A ReplaySubject (not a BehaviorSubject) so that `closed` is still replayed after completion.
  private readonly state = new ReplaySubject<ConnectionState>(1);
  private readonly session = new BehaviorSubject<number | undefined>(undefined);
  private readonly readySocket = new BehaviorSubject<WebSocketLike | undefined>(undefined);
  private readonly pushes = new PushMulticast<PiePushFrame>();
  private readonly errors = new Subject<PieProtocolError>();
  /** One value per frame received, while the heartbeat listens (liveness). */
  private readonly inbound = new Subject<void>();
  private readonly notices = new Subject<PieServerNotice>();
  private readonly gate = new InboundGate<InboundFrame>((frame) => this.handleFrame(frame));
  private readonly loop: Subscription;
  private readonly deadlines: RequestDeadlines;
  private readonly single: SingleFrameRequestContext;
  private openSocket: WebSocketLike | undefined;
  private sessions = 0;
  private closed = false;

  /**
   * Opens a connection (it starts connecting immediately). Invalid options throw `PieError`.
   *
   * @example
   * ```ts
   * import { PieConnection } from 'flame-pie-rx/pie';
   * const connection = PieConnection.open({ url: 'ws://127.0.0.1:8080', authenticate: (a) => a.request({ type: 'auth_identify', username: 'me' }) });
   * ```
   */
  static open(options: PieConnectionOptions): PieConnection {
    return new PieConnection(options);
  }

  private constructor(options: PieConnectionOptions) {
    this.options = validateConnectionOptions(options);
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.deadlines = new RequestDeadlines(this.scheduler);
    this.single = {
      table: this.table,
      deadlines: this.deadlines,
      scheduler: this.scheduler,
      highWaterMarkBytes: this.options.highWaterMarkBytes,
      readySocket: () => this.liveSocket(),
      whenReady: () => this.whenReady(),
      ...(options.wireDialect ? { shape: this.shaper() } : {}),
    };
    this.state$ = this.state.asObservable();
    this.ready$ = this.session.pipe(
      filter((n): n is number => n !== undefined),
      distinctUntilChanged(),
    );
    this.pushes$ = this.pushes.observable;
    this.errors$ = this.errors.asObservable();
    this.notices$ = this.notices.asObservable();
    this.loop = reconnectLoop({
      connect: () => this.connectOnce(),
      shouldRetry: options.shouldReconnect ?? shouldReconnect,
      ...(options.backoff ? { policy: options.backoff } : {}),
      ...(options.random ? { random: options.random } : {}),
      scheduler: this.scheduler,
    }).subscribe((state) => this.onState(state));
  }

  /**
   * Sends a request with a fresh `corr_id` once the connection is ready and emits its
   * response (`ok` true or false), then completes. Errors: `PieTimeoutError` (measured from
   * subscription, including any wait for `ready`), `PieConnectionLostError` when the socket
   * drops while the request is in flight, the closing error once the connection is closed.
   * Unsubscribing forgets the id.
   *
   * @example
   * ```ts
   * connection.request({ type: 'list_processes' }, { timeoutMs: 5_000 }).subscribe((r) => console.log(r.ok, r.result));
   * ```
   */
  request(message: PieRequestMessage, options?: PieRequestOptions): Observable<PieResponse> {
    return singleFrameRequest(this.single, message, options?.timeoutMs ?? this.options.requestTimeoutMs);
  }

  /**
   * `request` without an Observable of its own, for code that is inside one already: starts
   * at once, reports the response (then `complete`) or the error to `sink` (a `Subscriber`
   * is one), and returns the teardown that forgets the request. Same errors as `request`.
   *
   * @example
   * ```ts
   * const ping$ = new Observable<boolean>((subscriber) =>
   *   connection.requestTo({ next: (r) => subscriber.next(r.ok), error: (e) => subscriber.error(e),
   *     complete: () => subscriber.complete(), get closed() { return subscriber.closed; } }, { type: 'ping' }));
   * ```
   */
  requestTo(sink: RequestSink, message: PieRequestMessage, options?: PieRequestOptions): () => void {
    return startSingleFrameRequest(this.single, message, options?.timeoutMs ?? this.options.requestTimeoutMs, sink);
  }

  /**
   * Sends several frames that share ONE `corr_id` (the chunks of an `add_program` upload)
   * and emits the first response with that id. Sending respects the socket's buffered
   * amount; `onFrameSent(index)` reports progress. A response that arrives before the last
   * frame (a failing chunk) ends the request and stops sending.
   *
   * @example
   * ```ts
   * connection.requestFrames(chunks.map((chunk_data, i) => ({ type: 'add_program', program_hash, manifest,
   *   force_overwrite: true, chunk_index: i, total_chunks: chunks.length, chunk_data })), { onFrameSent: (i) => console.log(i) });
   * ```
   */
  requestFrames(messages: Iterable<PieRequestMessage>, options: PieRequestFramesOptions = {}): Observable<PieResponse> {
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    if (Array.isArray(messages) && messages.length === 1) {
      // The common case (every request but an upload) skips the multi-frame machinery; it
      // shapes its message itself when subscribed (see `SingleFrameRequestContext.shape`).
      return singleFrameRequest(this.single, (messages as PieRequestMessage[])[0]!, timeoutMs, options.onFrameSent);
    }
    if (this.options.wireDialect) {
      // Shaped when subscribed, for the generation of that moment; a kind it lacks fails
      // with PieUnsupportedError before anything is sent.
      const shape = this.shaper();
      const given = messages;
      return defer(() => this.sendFrames(Array.from(given, (message) => shape(message)), options, timeoutMs));
    }
    return this.sendFrames(messages, options, timeoutMs);
  }

  private sendFrames(messages: Iterable<PieRequestMessage>, options: PieRequestFramesOptions, timeoutMs: number): Observable<PieResponse> {
    const request = Array.isArray(messages) ? ((messages as PieRequestMessage[])[0]?.type ?? 'request') : 'request';
    return defer(() => {
      checkTimeout(timeoutMs, 'timeoutMs');
      return this.whenReady().pipe(
        switchMap((socket) =>
          exchange({
            table: this.table,
            sink: socket,
            messages,
            request,
            scheduler: this.scheduler,
            ...(this.options.highWaterMarkBytes !== undefined ? { highWaterMarkBytes: this.options.highWaterMarkBytes } : {}),
            ...(options.onFrameSent ? { onFrameSent: options.onFrameSent } : {}),
          }),
        ),
        requestTimeout(timeoutMs, request, this.scheduler),
      );
    });
  }

  /**
   * Sends a message that gets no reply (`signal_process`, `transfer_file`, `mcp_response`)
   * once the connection is ready; emits once it was handed to the socket, then completes.
   *
   * @example
   * ```ts
   * connection.send({ type: 'signal_process', process_id: id, message: 'stop' }).subscribe();
   * ```
   */
  send(message: PieFireAndForgetMessage): Observable<void> {
    return defer(() =>
      this.whenReady().pipe(
        map((socket) => {
          const shaped = this.shaper()(message);
          try {
            socket.send(encodeClientMessage(shaped));
          } catch (error) {
            throw new PieConnectionLostError(`could not send ${message.type}`, { cause: error });
          }
        }),
      ),
    );
  }

  /**
   * Stops delivering inbound frames (and, with `ws`, stops reading the socket) until
   * `resume()`. Heartbeat misses are not counted while paused, and with `ws` a dropped
   * socket is only noticed once reading resumes. A session that (re)connects while paused
   * authenticates normally and is paused once ready.
   *
   * @example
   * ```ts
   * connection.pause(); // a consumer is full
   * connection.resume(); // held frames are delivered in order
   * ```
   */
  pause(): void {
    if (this.gate.isPaused || this.closed) return;
    this.gate.pause();
    this.liveSocket()?.pause?.();
  }

  /**
   * Resumes delivery after `pause()`.
   *
   * @example
   * ```ts
   * connection.resume();
   * ```
   */
  resume(): void {
    if (!this.gate.isPaused || this.closed) return;
    this.liveSocket()?.resume?.();
    this.gate.resume();
  }

  /**
   * Closes the connection: state `closed`, every stream completes, waiting and pending
   * requests fail with a (non-retryable) `PieError('connection closed')`.
   *
   * @example
   * ```ts
   * connection.close();
   * ```
   */
  close(): void {
    if (this.closed) return;
    this.loop.unsubscribe();
    this.finish(undefined, new PieError('connection closed'));
  }

  /** Shapes a message for the dialect of the moment (as given while it is unknown). */
  private shaper(): <M extends PieFireAndForgetMessage | PieRequestMessage>(message: M) => M {
    return (message) => {
      const dialect = this.options.wireDialect?.();
      return dialect === undefined ? message : shapeForWire(message, dialect);
    };
  }

  /** The ready socket, if any (the subject has errored once closed, so never read it then). */
  private liveSocket(): WebSocketLike | undefined {
    return this.closed ? undefined : this.readySocket.value;
  }

  private whenReady(): Observable<WebSocketLike> {
    return this.readySocket.pipe(
      filter((socket): socket is WebSocketLike => socket !== undefined),
      take(1),
    );
  }

  private connectOnce(): Observable<'authenticating' | 'ready'> {
    const heartbeatSettings = this.options.heartbeat;
    return pieSession({
      url: this.options.url,
      webSocketFactory: this.options.webSocketFactory ?? openWebSocket,
      ...(this.options.headers ? { init: { headers: this.options.headers } } : {}),
      onOpen: (socket) => {
        this.openSocket = socket;
      },
      authenticate: (socket) =>
        this.options.authenticate({
          request: (message, options = {}) => {
            const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
            return defer(() =>
              socket === this.openSocket ? exchange({ table: this.table, sink: socket, messages: [message] }) : throwError(() => new PieConnectionLostError('the socket being authenticated is gone')),
            ).pipe(requestTimeout(timeoutMs, message.type, this.scheduler));
          },
          notices$: this.notices$.pipe(takeWhile(() => socket === this.openSocket)),
        }),
      ...(heartbeatSettings
        ? {
            heartbeat: (socket: WebSocketLike) =>
              heartbeat({
                ...heartbeatSettings,
                scheduler: this.scheduler,
                // Liveness is judged from traffic received: any frame in the round, or the
                // ping's reply, counts (pending requests prove nothing: a half-open link
                // leaves them pending forever). Only a request the engine answers after
                // long work (run_processes, a compile: nothing else is answered before it,
                // spec 2.3) and a paused socket, which is not read, count as alive.
                ping: () =>
                  this.gate.isPaused || this.table.hasBlockingPending()
                    ? of(true)
                    : merge(this.inbound, exchange({ table: this.table, sink: socket, messages: [{ type: 'ping' }], heartbeat: true })),
              }),
          }
        : {}),
      onFrame: (frame, socket) => {
        if (this.inbound.observed) this.inbound.next();
        // Until the session is ready (authenticating), frames bypass a paused gate so
        // authentication can finish.
        if (socket === this.liveSocket()) this.gate.push(frame);
        else this.handleFrame(frame);
      },
      onEnd: (error, socket) => {
        if (socket === this.openSocket) this.openSocket = undefined;
        this.session.next(undefined);
        this.readySocket.next(undefined);
        if (error) {
          const lost = error instanceof PieConnectionLostError ? error : new PieConnectionLostError(error.message, { cause: error });
          this.table.failAll(lost);
        }
      },
    });
  }

  private onState(state: ConnectionState): void {
    if (state.kind === 'closed') {
      this.finish(state.error, state.error ?? new PieError('connection closed'));
      return;
    }
    this.state.next(state);
    if (state.kind === 'ready' && this.openSocket) {
      this.sessions += 1;
      if (this.gate.isPaused) this.openSocket.pause?.();
      this.readySocket.next(this.openSocket);
      this.session.next(this.sessions);
    }
  }

  private handleFrame(frame: InboundFrame): void {
    if (frame.kind === 'text') {
      this.handleText(frame.data);
      return;
    }
    let message;
    try {
      message = decodeServerFrame(frame.data);
    } catch (error) {
      this.errors.next(error instanceof PieProtocolError ? error : new PieProtocolError(String(error), { cause: error }));
      return;
    }
    if (message.type === 'response') this.table.settle(message);
    else this.pushes.next(message);
  }

  /** A gateway's JSON notice goes to `notices$` (an `error` one also to `errors$`); any other text is a protocol error. */
  private handleText(text: string): void {
    // A gateway sends this exact text after every answered request: skip JSON.parse for it.
    if (text === TURN_DONE_TEXT) {
      this.notices.next(TURN_DONE);
      return;
    }
    let notice: PieServerNotice | undefined;
    try {
      const value = JSON.parse(text) as unknown;
      if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') {
        const { type, message } = value as { type: string; message?: unknown };
        notice = typeof message === 'string' ? { type, message } : { type };
      }
    } catch {
      notice = undefined;
    }
    if (notice === undefined) {
      this.errors.next(new PieProtocolError('received a text frame that is not a JSON notice; the engine sends binary MessagePack frames'));
      return;
    }
    this.notices.next(notice);
    if (notice.type === 'error') this.errors.next(new PieProtocolError(`the server refused a frame: ${notice.message ?? '(no message)'}`));
  }

  private finish(stateError: Error | undefined, requestError: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.openSocket = undefined;
    this.gate.clear();
    this.table.failAll(requestError);
    this.session.next(undefined);
    this.state.next(stateError ? { kind: 'closed', error: stateError } : { kind: 'closed' });
    this.readySocket.error(requestError);
    this.deadlines.dispose();
    this.state.complete();
    this.session.complete();
    this.pushes.complete();
    this.errors.complete();
    this.notices.complete();
  }
}

/** The gateway's per-request notice, byte for byte as the real 0.5 engine sends it. */
const TURN_DONE_TEXT = '{"type":"turn_done"}';
const TURN_DONE: PieServerNotice = Object.freeze({ type: 'turn_done' });

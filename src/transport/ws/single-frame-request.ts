import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { PieConnectionLostError, PieTimeoutError } from '../../model/pie/errors.js';
import { encodeRequest } from './codec.js';
import { checkTimeout } from './connection-options.js';
import type { PieRequestMessage, PieResponse } from './messages.js';
import { exchange } from './request-exchange.js';
import type { Deadline, RequestDeadlines } from './request-deadlines.js';
import type { RequestTable } from './request-table.js';
import type { WebSocketLike } from './socket.js';

/** What a one-frame request needs from its connection. */
export interface SingleFrameRequestContext {
  readonly table: RequestTable;
  readonly deadlines: RequestDeadlines;
  readonly scheduler: SchedulerLike;
  /** Above this many queued bytes the frame waits (through `exchange`) like an upload chunk would. */
  readonly highWaterMarkBytes: number | undefined;
  /** The ready socket right now, or undefined (connecting, reconnecting, closed). */
  readySocket(): WebSocketLike | undefined;
  /** Emits the socket once ready; errors with the closing error once closed. */
  whenReady(): Observable<WebSocketLike>;
  /**
   * Shapes the message for the wire dialect of the moment, when subscribed (a kind the
   * dialect lacks throws `PieUnsupportedError` before anything is sent). Absent: as given.
   */
  readonly shape?: <M extends PieRequestMessage>(message: M) => M;
}

const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;

/**
 * One request of a single frame, done with as little machinery as possible (the common
 * case: every request except `add_program` uploads). It behaves like
 * `whenReady → exchange → requestTimeout`: the timeout runs from subscription (including
 * any wait for `ready`), the frame is sent with a fresh `corr_id` as soon as the
 * connection is ready (waiting while the socket's buffer is above the high-water mark),
 * the first response with that id is emitted and completes; a failing `send` errors with
 * `PieConnectionLostError`; timing out or unsubscribing forgets the id.
 *
 * @example
 * ```ts
 * singleFrameRequest(context, { type: 'ping' }, 5_000).subscribe((r) => console.log(r.result)); // 'Pong'
 * ```
 */
export function singleFrameRequest(
  context: SingleFrameRequestContext,
  given: PieRequestMessage,
  timeoutMs: number,
  onFrameSent?: (index: number) => void,
): Observable<PieResponse> {
  return new Observable<PieResponse>((subscriber) => startSingleFrameRequest(context, given, timeoutMs, subscriber, onFrameSent));
}

/**
 * Where a request started by `startSingleFrameRequest` reports: a `Subscriber` is one. It
 * gets at most one response then `complete`, or one error; `closed` tells the start that
 * its receiver already went away.
 */
export interface RequestSink {
  next(response: PieResponse): void;
  error(error: unknown): void;
  complete(): void;
  readonly closed: boolean;
}

/**
 * `singleFrameRequest` without its Observable: starts the request at once, reports to
 * `sink`, and returns the teardown that forgets it (for callers that are an Observable
 * already, such as `PieClient.ping`).
 *
 * @example
 * ```ts
 * const stop = startSingleFrameRequest(context, { type: 'ping' }, 5_000, sink);
 * stop(); // cancels: the id is forgotten
 * ```
 */
export function startSingleFrameRequest(
  context: SingleFrameRequestContext,
  given: PieRequestMessage,
  timeoutMs: number,
  sink: RequestSink,
  onFrameSent?: (index: number) => void,
): () => void {
  checkTimeout(timeoutMs, 'timeoutMs');
  const message = context.shape ? context.shape(given) : given;
  const { table } = context;
  let id = 0; // ids start at 1: 0 means "not registered"
  let deadline: Deadline | undefined;
  let waiting: Subscription | undefined;
  let queued: Subscription | undefined;

  const respond = (response: PieResponse): void => {
    id = 0;
    deadline?.unsubscribe();
    sink.next(response);
    sink.complete();
  };
  const fail = (error: Error): void => sink.error(error);

  const start = (socket: WebSocketLike): void => {
    if (socket.bufferedAmount > (context.highWaterMarkBytes ?? DEFAULT_HIGH_WATER_MARK)) {
      queued = exchange({
        table,
        sink: socket,
        messages: [message],
        request: message.type,
        scheduler: context.scheduler,
        ...(context.highWaterMarkBytes !== undefined ? { highWaterMarkBytes: context.highWaterMarkBytes } : {}),
        ...(onFrameSent ? { onFrameSent } : {}),
      }).subscribe({ next: respond, error: fail });
      return;
    }
    id = table.register({ request: message.type, onResponse: respond, onError: fail });
    try {
      socket.send(encodeRequest(message, id));
      onFrameSent?.(0);
    } catch (error) {
      table.forget(id);
      id = 0;
      sink.error(new PieConnectionLostError(`could not send ${message.type}`, { cause: error }));
    }
  };

  const socket = context.readySocket();
  if (socket) start(socket);
  else waiting = context.whenReady().subscribe({ next: start, error: fail });
  const release = (): void => {
    waiting?.unsubscribe();
    queued?.unsubscribe();
    deadline?.unsubscribe();
    if (id !== 0) table.forget(id);
    id = 0;
  };
  if (!sink.closed) {
    deadline = context.deadlines.start(timeoutMs, () => {
      deadline = undefined;
      // Like `requestTimeout`: the request is forgotten before the error is delivered.
      release();
      sink.error(new PieTimeoutError({ request: message.type, timeoutMs }));
    });
  }
  return release;
}

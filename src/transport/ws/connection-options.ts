import type { Observable, SchedulerLike } from 'rxjs';
import type { BackoffPolicy } from '../backoff.js';
import { ClientError } from '../../model/errors.js';
import { PieAuthError, PieError, PieTimeoutError } from '../../model/pie/errors.js';
import type { HeartbeatSettings } from './heartbeat.js';
import type { PieRequestMessage, PieResponse } from './messages.js';
import type { PieWireDialect } from './generations.js';
import type { WebSocketFactory } from './socket.js';

/** Per-request options. */
export interface PieRequestOptions {
  /** Overrides the connection's `requestTimeoutMs` for this request. */
  readonly timeoutMs?: number;
}

/** Options of a multi-frame request (`add_program`). */
export interface PieRequestFramesOptions extends PieRequestOptions {
  /** Called after frame `index` (0-based) was handed to the socket: upload progress. */
  readonly onFrameSent?: (index: number) => void;
}

/**
 * A JSON text frame a gateway sends beside the MessagePack protocol: `{"type":"turn_done"}`
 * after a turn, `{"type":"error","message":"bad client frame: …"}` for a frame it could not
 * decode (seen on pie-server 0.5.2).
 */
export interface PieServerNotice {
  readonly type: string;
  readonly message?: string;
}

/** What `authenticate` gets: requests on the socket being authenticated (they do not wait for `ready`). */
export interface PieAuthChannel {
  request(message: PieRequestMessage, options?: PieRequestOptions): Observable<PieResponse>;
  /** The JSON text notices this socket receives while authenticating. */
  readonly notices$?: Observable<PieServerNotice>;
}

export interface PieConnectionOptions {
  /**
   * The WebSocket URL, used as given: `ws://host:port` for a 0.4 engine (any path),
   * `ws://host:port/v1/ws` for a gateway (`pieSocketUrl` builds it).
   */
  readonly url: string;
  /** Upgrade headers (a gateway's `x-pie-identity`); only the `ws` package (Node) can send them. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The wire table messages are shaped by (`shapeForWire`), read at each send; `undefined`
   * sends messages as given (while the generation is not known yet).
   */
  readonly wireDialect?: () => PieWireDialect | undefined;
  /**
   * Authenticates a freshly opened socket; runs on every (re)connect. Done at its first value
   * or completion (Observable) or when it resolves (Promise). Throwing `PieAuthError` closes
   * the connection for good.
   */
  readonly authenticate: (auth: PieAuthChannel) => Observable<unknown> | Promise<unknown>;
  /** Reconnect delays; see `backoffPolicy()`. */
  readonly backoff?: BackoffPolicy;
  /** Scheduler for backoff delays, request timeouts, heartbeat and upload polling. */
  readonly scheduler?: SchedulerLike;
  /** Random source for backoff jitter, [0, 1). */
  readonly random?: () => number;
  /** Default per-request timeout. Default 30 000 ms. */
  readonly requestTimeoutMs?: number;
  /** Application-level `ping` heartbeat, or `false` to disable. Default `{ intervalMs: 10_000, maxMissed: 3 }`. */
  readonly heartbeat?: HeartbeatSettings | false;
  /** Opens sockets; defaults to `openWebSocket` (platform WebSocket, else `ws`). */
  readonly webSocketFactory?: WebSocketFactory;
  /** Which session errors lead to a reconnect; default `shouldReconnect`. */
  readonly shouldReconnect?: (error: unknown) => boolean;
  /** Pause an upload while more than this many bytes wait in the socket. Default 1 MiB. */
  readonly highWaterMarkBytes?: number;
}

/**
 * Default request timeout, ms.
 *
 * @example
 * ```ts
 * import { DEFAULT_REQUEST_TIMEOUT_MS } from 'flame-pie-rx/pie';
 * DEFAULT_REQUEST_TIMEOUT_MS; // => 30000
 * ```
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Default heartbeat: a `ping` every 10 s, dead after 3 unanswered in a row (so about 40 s
 * to notice a silent engine). Pings queued behind a slow request do not count as misses.
 *
 * @example
 * ```ts
 * import { DEFAULT_HEARTBEAT } from 'flame-pie-rx/pie';
 * DEFAULT_HEARTBEAT.intervalMs * (DEFAULT_HEARTBEAT.maxMissed + 1); // => 40000
 * ```
 */
export const DEFAULT_HEARTBEAT: HeartbeatSettings = Object.freeze({ intervalMs: 10_000, maxMissed: 3 });

/**
 * The default reconnect predicate: never after `PieAuthError`; after a timeout, yes; after
 * another of this library's errors only when it is marked `retryable` (a lost connection;
 * so never after `PieUpgradeError`, `PieGenerationError` or `PieUnsupportedError`);
 * after any other error (a socket failure, an error from a custom `authenticate`), yes.
 *
 * @example
 * ```ts
 * import { shouldReconnect, PieAuthError, PieConnectionLostError } from 'flame-pie-rx/pie';
 * shouldReconnect(new PieConnectionLostError('socket closed')); // => true
 * shouldReconnect(new PieAuthError('Invalid token')); // => false
 * ```
 */
export function shouldReconnect(error: unknown): boolean {
  if (error instanceof PieAuthError) return false;
  if (error instanceof PieTimeoutError) return true;
  if (error instanceof ClientError) return error.retryable;
  return true;
}

/**
 * Checks connection options and fills in defaults; bad values throw `PieError`.
 *
 * @example
 * ```ts
 * import { validateConnectionOptions } from 'flame-pie-rx/pie';
 * validateConnectionOptions({ url: 'ws://127.0.0.1:8080', authenticate: () => Promise.resolve() }).requestTimeoutMs; // => 30000
 * ```
 */
export function validateConnectionOptions(options: PieConnectionOptions): PieConnectionOptions & {
  readonly requestTimeoutMs: number;
  readonly heartbeat: HeartbeatSettings | false;
} {
  if (typeof options?.url !== 'string' || !/^wss?:\/\//i.test(options.url)) {
    throw new PieError('PieConnection: url must be a ws:// or wss:// URL');
  }
  if (typeof options.authenticate !== 'function') throw new PieError('PieConnection: authenticate must be a function');
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  checkTimeout(requestTimeoutMs, 'requestTimeoutMs');
  const heartbeat = options.heartbeat ?? DEFAULT_HEARTBEAT;
  if (heartbeat !== false) {
    if (!(heartbeat.intervalMs > 0)) throw new PieError('PieConnection: heartbeat.intervalMs must be > 0');
    if (!(Number.isInteger(heartbeat.maxMissed) && heartbeat.maxMissed >= 1)) {
      throw new PieError('PieConnection: heartbeat.maxMissed must be an integer >= 1');
    }
  }
  return { ...options, requestTimeoutMs, heartbeat };
}

/**
 * Throws `PieError` unless `value` is a positive, finite number of milliseconds.
 *
 * @example
 * ```ts
 * import { checkTimeout } from 'flame-pie-rx/pie';
 * checkTimeout(1000, 'timeoutMs'); // ok
 * ```
 */
export function checkTimeout(value: number, name: string): void {
  if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
    throw new PieError(`${name} must be a positive number of milliseconds`);
  }
}

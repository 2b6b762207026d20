import { Observable } from 'rxjs';
import type { CredentialEcho } from '../../model/errors.js';
import { PieConnectionLostError, PieError } from '../../model/pie/errors.js';
import { WebSocketFactory, WebSocketInit, WebSocketLike } from './socket.js';
import { type RefusalResponse, readUpgradeRefusal } from './upgrade-refusal.js';

/** What one socket reports: it opened, or a frame arrived (bytes, or the text of a text frame). */
export type SocketEvent =
  | { readonly kind: 'open'; readonly socket: WebSocketLike }
  | { readonly kind: 'binary'; readonly data: Uint8Array }
  | { readonly kind: 'text'; readonly data: string };

/**
 * One socket's life as an Observable: subscribing opens it through `factory` (with `init`:
 * upgrade headers), `open` and each frame are emitted, and the Observable errors with
 * `PieConnectionLostError` when the socket fails or closes (whoever closed it), naming the
 * socket's own error (e.g. `connect ECONNREFUSED 127.0.0.1:8080`). An `error` event ends
 * the socket by itself (Node's built-in WebSocket can fire it without a `close`). With `ws`,
 * an upgrade answered with an HTTP status errors with `PieUpgradeError` (status and body).
 * Unsubscribing closes the socket.
 *
 * @example
 * ```ts
 * import { socketEvents, openWebSocket } from 'flame-pie-rx/pie';
 * socketEvents(openWebSocket, 'ws://127.0.0.1:8080').subscribe((e) => console.log(e.kind));
 * ```
 */
export function socketEvents(factory: WebSocketFactory, url: string, init: WebSocketInit = {}): Observable<SocketEvent> {
  return new Observable<SocketEvent>((subscriber) => {
    let socket: WebSocketLike | undefined;
    let lastError: string | undefined;
    let unsubscribed = false;

    let nodeListener: ((data: unknown, isBinary: boolean) => void) | undefined;
    let refusalListener: ((request: { destroy?(): void }, response: RefusalResponse) => void) | undefined;

    /** Ends this socket's life once: detaches the handlers, closes it, errors the stream. */
    const fail = (target: WebSocketLike, error: Error): void => {
      if (socket !== target) return;
      release(target);
      socket = undefined;
      try {
        target.close();
      } catch {
        // already closed or never opened
      }
      subscriber.error(error);
    };

    const release = (target: WebSocketLike): void => {
      if (nodeListener) (target as unknown as NodeEmitter).off('message', nodeListener);
      if (refusalListener) (target as unknown as NodeEmitter).off('unexpected-response', refusalListener);
      nodeListener = undefined;
      refusalListener = undefined;
      target.onopen = null;
      target.onmessage = null;
      target.onclose = null;
      // Keep an error listener: `ws` throws on an 'error' event nobody listens to.
      target.onerror = () => undefined;
    };

    const attach = (target: WebSocketLike): void => {
      if (unsubscribed) {
        release(target);
        closeSocket(target);
        return;
      }
      socket = target;
      target.onopen = () => subscriber.next({ kind: 'open', socket: target });
      if (isNodeEmitter(target)) {
        // `ws` (binaryType is now 'nodebuffer'): its own 'message' event hands over the
        // frame's Buffer as it is, without the ArrayBuffer copy and the MessageEvent wrapper
        // that `onmessage` costs per frame.
        nodeListener = (data: unknown, isBinary: boolean) => {
          if (!isBinary) subscriber.next({ kind: 'text', data: String(data) });
          // A plain Uint8Array view (no copy), so decoded bin fields are not Buffers.
          else if (data instanceof Uint8Array) subscriber.next({ kind: 'binary', data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
          else subscriber.next({ kind: 'text', data: unsupported(data) });
        };
        target.on('message', nodeListener);
        refusalListener = (request, response) => {
          readUpgradeRefusal(
            url,
            response,
            (error) => {
              try {
                request.destroy?.();
              } catch {
                // the request is gone already
              }
              fail(target, error);
            },
            headerEchoes(init.headers),
          );
        };
        target.on('unexpected-response', refusalListener);
      } else {
        target.binaryType = 'arraybuffer';
        target.onmessage = (event: { data: unknown }) => {
          const data = event.data;
          if (typeof data === 'string') subscriber.next({ kind: 'text', data });
          else if (data instanceof ArrayBuffer) subscriber.next({ kind: 'binary', data: new Uint8Array(data) });
          else if (ArrayBuffer.isView(data)) subscriber.next({ kind: 'binary', data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
          else subscriber.next({ kind: 'text', data: unsupported(data) });
        };
      }
      target.onerror = (event: { message?: unknown; error?: { message?: unknown } }) => {
        const message = event?.error?.message ?? event?.message;
        lastError = typeof message === 'string' && message ? message : 'socket error';
        // Treated as the end: Node's built-in WebSocket may never send the close that follows.
        fail(target, new PieConnectionLostError(lastError));
      };
      target.onclose = (event: { code?: number }) => {
        const code = typeof event?.code === 'number' ? ` (code ${event.code})` : '';
        fail(target, new PieConnectionLostError(lastError ? `${lastError}${code}` : `socket closed${code}`));
      };
    };

    const failed = (error: unknown): void => {
      if (unsubscribed) return;
      // A deliberate refusal of the factory (a browser asked for headers) is not a lost connection.
      if (error instanceof PieError && !error.retryable) subscriber.error(error);
      else subscriber.error(new PieConnectionLostError('could not open the WebSocket', { cause: error }));
    };
    try {
      const created = factory(url, init);
      if (isPromiseLike(created)) created.then(attach).then(undefined, failed);
      else attach(created);
    } catch (error) {
      failed(error);
    }

    return () => {
      unsubscribed = true;
      if (socket) {
        release(socket);
        closeSocket(socket);
      }
    };
  });
}

/**
 * How long a closing socket may wait for the peer's close frame before its TCP connection
 * is destroyed: 50 ms. `ws` would otherwise wait 30 s on a timer that keeps Node alive
 * (a half-open link, or a paused socket that cannot read the peer's answer).
 */
export const CLOSE_GRACE_MS = 50;

/**
 * Closes a socket: sends the close frame, and destroys the connection if the closing
 * handshake has not ended within `CLOSE_GRACE_MS` (on an unref'd timer: never keeps Node
 * alive). `terminate: true` destroys it at once (a link declared dead). Sockets without
 * `terminate` (browsers) are only closed.
 *
 * @example
 * ```ts
 * import { closeSocket } from 'flame-pie-rx/pie';
 * closeSocket(socket, { terminate: true });
 * ```
 */
export function closeSocket(socket: WebSocketLike, options: { readonly terminate?: boolean } = {}): void {
  if (options.terminate && socket.terminate) {
    socket.terminate();
    return;
  }
  try {
    socket.close();
  } catch {
    // A socket still connecting may refuse; terminate below.
  }
  if (!socket.terminate || socket.readyState === CLOSED) return;
  const timer = setTimeout(() => {
    if (socket.readyState !== CLOSED) socket.terminate?.();
  }, CLOSE_GRACE_MS);
  (timer as { unref?: () => void }).unref?.();
}

const CLOSED = 3;

interface NodeEmitter {
  on(event: 'message', listener: (data: unknown, isBinary: boolean) => void): unknown;
  on(event: 'unexpected-response', listener: (request: { destroy?(): void }, response: RefusalResponse) => void): unknown;
  off(event: 'message' | 'unexpected-response', listener: (...args: never[]) => void): unknown;
}

/** Whether the socket is the `ws` package's (an EventEmitter); if so, switches it to Node Buffers. */
function isNodeEmitter(socket: WebSocketLike): socket is WebSocketLike & NodeEmitter {
  const candidate = socket as WebSocketLike & Partial<NodeEmitter>;
  if (typeof candidate.on !== 'function' || typeof candidate.off !== 'function') return false;
  const previous = socket.binaryType;
  socket.binaryType = 'nodebuffer';
  if (socket.binaryType === 'nodebuffer') return true;
  socket.binaryType = previous;
  return false;
}

function unsupported(data: unknown): string {
  return `[unsupported frame payload ${Object.prototype.toString.call(data)}]`;
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown }).then === 'function';
}

/** The values of the upgrade's headers as credential echoes (`x-pie-identity` as `identity`). */
function headerEchoes(headers: Readonly<Record<string, string>> | undefined): CredentialEcho[] {
  return Object.entries(headers ?? {}).map(([name, value]) => ({ label: name.toLowerCase() === 'x-pie-identity' ? 'identity' : name, value }));
}

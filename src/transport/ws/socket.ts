import { PieError } from '../../model/pie/errors.js';

/**
 * The few members of a WebSocket this library uses. The browser/Node ≥ 22 `WebSocket` and
 * the `ws` package's `WebSocket` both fit. Handlers are typed loosely on purpose so that
 * either implementation's handler signatures are accepted.
 */
export interface WebSocketLike {
  binaryType: string;
  /** 0 connecting, 1 open, 2 closing, 3 closed (RFC 6455 / WHATWG numbering). */
  readonly readyState: number;
  /** Bytes queued for sending but not yet handed to the network. */
  readonly bufferedAmount: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  onopen: ((event: any) => void) | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  onmessage: ((event: any) => void) | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  onclose: ((event: any) => void) | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  onerror: ((event: any) => void) | null;
  /** `ws` only: stop reading from the network (TCP backpressure). */
  pause?(): void;
  /** `ws` only: start reading again. */
  resume?(): void;
  /** `ws` only: destroy the TCP connection at once, without the closing handshake. */
  terminate?(): void;
}

/** What a connection passes when it opens a socket. */
export interface WebSocketInit {
  /** HTTP headers of the upgrade request (`x-pie-identity` for a gateway). Only Node (`ws`) can send them. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Opens a WebSocket to a URL; the connection calls it for every (re)connect. */
export type WebSocketFactory = (url: string, init?: WebSocketInit) => WebSocketLike | Promise<WebSocketLike>;

type WebSocketConstructor = new (url: string, options?: { headers?: Record<string, string> }) => WebSocketLike;

/**
 * Whether this runs on Node.js (where the `ws` package is used, and headers can be sent).
 *
 * @example
 * ```ts
 * import { runsOnNode } from 'flame-pie-rx/pie';
 * runsOnNode(); // => true under Node, false in a browser
 * ```
 */
export function runsOnNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof proc?.versions?.node === 'string';
}

/**
 * Opens a WebSocket. On Node it always uses the `ws` package (loaded on demand, so browser
 * bundles never pull it in): it can send upgrade headers, reports a refused upgrade's HTTP
 * status and body, and always follows an error with a close, which Node's built-in
 * WebSocket does not. Elsewhere (browsers) it uses `globalThis.WebSocket`, which cannot
 * send headers: asking for some there throws `PieError`. The socket receives binary frames
 * as `ArrayBuffer` (`socketEvents` switches a `ws` socket to Node Buffers).
 *
 * @example
 * ```ts
 * import { openWebSocket } from 'flame-pie-rx/pie';
 * const socket = await openWebSocket('ws://127.0.0.1:8080/v1/ws', { headers: { 'x-pie-identity': 'default/me' } });
 * ```
 */
export async function openWebSocket(url: string, init: WebSocketInit = {}): Promise<WebSocketLike> {
  const headers = init.headers && Object.keys(init.headers).length > 0 ? { ...init.headers } : undefined;
  const native = (globalThis as { WebSocket?: unknown }).WebSocket;
  let socket: WebSocketLike;
  if (runsOnNode() || typeof native !== 'function') {
    // Loaded lazily: a static import would make the browser bundle depend on Node modules.
    const module = (await import('ws')) as unknown as { default: WebSocketConstructor; WebSocket?: WebSocketConstructor };
    const WebSocketClass = module.WebSocket ?? module.default;
    socket = headers ? new WebSocketClass(url, { headers }) : new WebSocketClass(url);
  } else {
    if (headers) {
      throw new PieError(
        `a browser WebSocket cannot send the ${Object.keys(headers).join(', ')} header; ` +
          'if an edge proxy injects the identity, pass identityInjectedByProxy: true instead of identity',
      );
    }
    socket = new (native as WebSocketConstructor)(url);
  }
  socket.binaryType = 'arraybuffer';
  return socket;
}

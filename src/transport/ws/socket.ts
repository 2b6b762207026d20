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

/** Opens a WebSocket to a URL; the connection calls it for every (re)connect. */
export type WebSocketFactory = (url: string) => WebSocketLike | Promise<WebSocketLike>;

type WebSocketConstructor = new (url: string) => WebSocketLike;

/**
 * Opens a WebSocket with the platform's `globalThis.WebSocket` when there is one (browsers,
 * Node ≥ 22), otherwise with the `ws` package loaded on demand (so bundles for the browser
 * never pull it in). The socket receives binary frames as `ArrayBuffer` (`socketEvents` switches a `ws` socket to Node Buffers).
 *
 * @example
 * ```ts
 * import { openWebSocket } from 'flame-pie-rx/pie';
 * const socket = await openWebSocket('ws://127.0.0.1:8080');
 * ```
 */
export async function openWebSocket(url: string): Promise<WebSocketLike> {
  const native = (globalThis as { WebSocket?: unknown }).WebSocket;
  let socket: WebSocketLike;
  if (typeof native === 'function') {
    socket = new (native as WebSocketConstructor)(url);
  } else {
    // Loaded lazily: a static import would make the browser bundle depend on Node modules.
    const module = (await import('ws')) as unknown as { default: WebSocketConstructor; WebSocket?: WebSocketConstructor };
    const WebSocketClass = module.WebSocket ?? module.default;
    socket = new WebSocketClass(url);
  }
  socket.binaryType = 'arraybuffer';
  return socket;
}

import { decode, encode } from '@msgpack/msgpack';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/** A decoded client message as the server saw it. */
export type ReceivedMessage = Record<string, unknown> & { type: string };

/** What a custom handler may answer: a `result` (ok=true), a full reply, or nothing (no reply). */
export type RawReply = { ok: boolean; result: string } | undefined;

export interface RawPieServerOptions {
  /** Answer `auth_identify` with ok=false (the "not authorized" text). */
  rejectAuth?: boolean;
  /** Handles messages other than auth/ping; return undefined to send no reply. */
  handle?: (message: ReceivedMessage, socket: WebSocket) => RawReply;
}

/**
 * A tiny raw WebSocket server speaking Pie's MessagePack framing, for transport tests. It
 * answers `auth_identify` and `ping` like the engine (and drops other requests before
 * authentication), and lets a test push frames, send garbage, delay or stop replies, and
 * drop the sockets.
 */
export class RawPieServer {
  readonly received: ReceivedMessage[] = [];
  readonly sockets = new Set<WebSocket>();
  connectionCount = 0;
  answerPings = true;
  replyDelayMs = 0;
  rejectAuth: boolean;
  private readonly authenticated = new WeakSet<WebSocket>();

  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
    private readonly options: RawPieServerOptions,
  ) {
    this.rejectAuth = options.rejectAuth ?? false;
    server.on('connection', (socket) => this.accept(socket));
  }

  static async start(options: RawPieServerOptions = {}): Promise<RawPieServer> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const { port } = server.address() as AddressInfo;
    return new RawPieServer(server, `ws://127.0.0.1:${port}`, options);
  }

  /** Messages of one type, in arrival order. */
  receivedOf(type: string): ReceivedMessage[] {
    return this.received.filter((m) => m.type === type);
  }

  /** Sends a frame (a map, raw bytes, or a text string) to every open socket; resolves once written. */
  async push(frame: Record<string, unknown> | Uint8Array | string): Promise<void> {
    const payload = typeof frame === 'string' || frame instanceof Uint8Array ? frame : encode(frame);
    await Promise.all([...this.sockets].map((socket) => sendOn(socket, payload)));
  }

  /** Sends a `response` frame to every open socket. */
  respond(corrId: number, ok: boolean, result: string): Promise<void> {
    return this.push({ type: 'response', corr_id: corrId, ok, result });
  }

  /** Kills every open socket abruptly (no close handshake). */
  dropConnections(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    this.connectionCount += 1;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('message', (data, isBinary) => {
      if (!isBinary) return; // the engine ignores text frames
      let message: ReceivedMessage;
      try {
        message = decode(data as Buffer) as ReceivedMessage;
      } catch {
        return; // undecodable: silently dropped, as the engine does
      }
      this.received.push(message);
      this.answer(message, socket);
    });
  }

  private answer(message: ReceivedMessage, socket: WebSocket): void {
    const corrId = message['corr_id'] as number;
    let reply: RawReply;
    if (message.type === 'auth_identify') {
      if (this.rejectAuth) reply = { ok: false, result: `User '${String(message['username'])}' is not authorized` };
      else {
        this.authenticated.add(socket);
        reply = { ok: true, result: 'Authenticated (Engine disabled authentication)' };
      }
    } else if (!this.authenticated.has(socket)) {
      return; // before authentication everything else is dropped (spec 3.1)
    } else if (message.type === 'ping') {
      reply = this.answerPings ? { ok: true, result: 'Pong' } : undefined;
    } else {
      reply = this.options.handle?.(message, socket);
    }
    if (!reply) return;
    const frame = encode({ type: 'response', corr_id: corrId, ok: reply.ok, result: reply.result });
    if (this.replyDelayMs > 0) setTimeout(() => void sendOn(socket, frame).catch(() => undefined), this.replyDelayMs);
    else void sendOn(socket, frame).catch(() => undefined);
  }
}

function sendOn(socket: WebSocket, payload: Uint8Array | string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.readyState !== WebSocket.OPEN) {
      resolve();
      return;
    }
    socket.send(payload, { binary: typeof payload !== 'string' }, (error) => (error ? reject(error) : resolve()));
  });
}

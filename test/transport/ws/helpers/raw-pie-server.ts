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
  /**
   * Behave like a Pie gateway as pie-server 0.5.2 was seen to (pie-gateway.md 7): upgrades
   * only on `/v1/ws` (else 404), only with `x-pie-identity` (else 401 with its text), no
   * authentication step (`auth_identify` answers `Already authenticated`), and a text
   * notice for a kind it does not know once a valid frame came first.
   */
  gateway?: boolean;
  /** Refuse every upgrade with this HTTP status and body. */
  refuseUpgrade?: { status: number; body: string };
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
    /** Path and `x-pie-identity` of every upgrade request, accepted or not. */
    readonly upgrades: { path: string; identity: string | undefined }[],
  ) {
    this.rejectAuth = options.rejectAuth ?? false;
    server.on('connection', (socket) => this.accept(socket));
  }

  static async start(options: RawPieServerOptions = {}): Promise<RawPieServer> {
    const upgrades: { path: string; identity: string | undefined }[] = [];
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: (info, done) => {
        const identity = info.req.headers['x-pie-identity'];
        const path = info.req.url ?? '';
        upgrades.push({ path, identity: typeof identity === 'string' ? identity : undefined });
        if (options.refuseUpgrade) return done(false, options.refuseUpgrade.status, options.refuseUpgrade.body);
        if (options.gateway && path.split('?')[0] !== '/v1/ws') return done(false, 404, '');
        if (options.gateway && typeof identity !== 'string') {
          return done(false, 401, 'identity: missing `x-pie-identity` (edge must inject verified identity)');
        }
        done(true);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const { port } = server.address() as AddressInfo;
    return new RawPieServer(server, `ws://127.0.0.1:${port}`, options, upgrades);
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
    if (this.options.gateway) {
      const known = GATEWAY_KINDS.has(message.type);
      if (!known) {
        if (this.authenticated.has(socket)) void sendOn(socket, JSON.stringify({ type: 'error', message: `bad client frame: unknown variant \`${message.type}\`` })).catch(() => undefined);
        return;
      }
      this.authenticated.add(socket); // the first valid frame opens the session
      if (message.type === 'auth_identify') reply = { ok: true, result: 'Already authenticated' };
      else if (message.type === 'ping') reply = this.answerPings ? { ok: true, result: 'Pong' } : undefined;
      else reply = this.options.handle?.(message, socket);
    } else if (message.type === 'auth_identify') {
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

const GATEWAY_KINDS = new Set(['auth_identify', 'auth_prove', 'check_program', 'query', 'add_program', 'launch_process', 'attach_process', 'terminate_process', 'signal_process', 'transfer_file', 'list_processes', 'ping']);

function sendOn(socket: WebSocket, payload: Uint8Array | string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.readyState !== WebSocket.OPEN) {
      resolve();
      return;
    }
    socket.send(payload, { binary: typeof payload !== 'string' }, (error) => (error ? reject(error) : resolve()));
  });
}

// The front of an emulated gateway: its HTTP server (routes and upgrade refusals answered as
// pie-server 0.5.2 answers them, accepted upgrades handed to the WebSocket server with the
// identity), and the reading of client frames (MessagePack or JSON text; decode errors become
// the gateway's error text frame once a first frame has decoded).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientMessage } from '../client-messages.js';
import type { ConnectionActor } from '../connection-actor.js';
import { decodeGatewayFrame } from './gateway-decode.js';
import { gatewayHttpOutcome, rawHttpAnswer } from './gateway-http.js';
import { badClientFrame } from './gateway-texts.js';
import type { GenerationProfile } from './profile.js';

/** A listening gateway front. */
export interface GatewayFront {
  http: Server;
  sockets: WebSocketServer;
}

/**
 * Listens on `host:port`; accepted upgrades call `accept` with the socket and the identity.
 *
 * @example
 * ```ts
 * const front = await listenGateway('127.0.0.1', 0, () => ['default'], (ws, req, identity) => accept(ws, identity));
 * ```
 */
export async function listenGateway(
  host: string,
  port: number,
  models: () => readonly string[],
  accept: (socket: WebSocket, request: IncomingMessage, identity: string) => void,
): Promise<GatewayFront> {
  const http = createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024, perMessageDeflate: false });
  http.on('request', (request, response) => {
    const outcome = gatewayHttpOutcome(request, models());
    const answer = 'answer' in outcome ? outcome.answer : { status: 400, headers: {}, body: '' };
    response.writeHead(answer.status, answer.headers).end(request.method === 'HEAD' ? undefined : answer.body);
  });
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const outcome = gatewayHttpOutcome(request, models());
    if ('answer' in outcome) {
      socket.end(rawHttpAnswer(outcome.answer, request.method === 'HEAD'));
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => accept(ws, request, outcome.identity));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve());
  });
  return { http, sockets };
}

/**
 * Reads one client frame of a gateway connection: a decoded message goes to `route`; an
 * undecodable one is answered with the error text frame, once a first frame has decoded
 * (seen on 0.5.2: until then undecodable frames are dropped unanswered).
 *
 * @example
 * ```ts
 * receiveGatewayFrame(profile, actor, bytes, (message) => routeGatewayMessage(engine, settings, actor, message));
 * ```
 */
export function receiveGatewayFrame(
  profile: GenerationProfile,
  actor: ConnectionActor,
  frame: Uint8Array | string,
  route: (message: ClientMessage) => void,
): void {
  const decoded = decodeGatewayFrame(profile, frame);
  if ('error' in decoded) {
    if (actor.gatewaySession) actor.enqueue(() => actor.sendText(badClientFrame(decoded.error)));
    return;
  }
  actor.gatewaySession = true;
  route(decoded.message);
}

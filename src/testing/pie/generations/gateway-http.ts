// The HTTP side of the gateway (axum in pie-server 0.5.2) as it was seen to answer: the
// WebSocket route `/v1/ws` with its upgrade refusals and the identity check, `GET /v1/models`,
// and an empty 404 for every other path.
import type { IncomingMessage } from 'node:http';
import { GATEWAY_TEXT } from './gateway-texts.js';

/** An HTTP answer of the gateway (headers besides `date` and framing). */
export interface GatewayHttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What the gateway does with a request: refuse it with an answer, or accept the upgrade. */
export type GatewayHttpOutcome = { answer: GatewayHttpAnswer } | { identity: string };

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };
const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(status: number, body: string): { answer: GatewayHttpAnswer } {
  return { answer: { status, headers: TEXT, body } };
}

function hasToken(header: string | undefined, token: string): boolean {
  return (header ?? '').split(',').some((part) => part.trim().toLowerCase() === token);
}

/** The raw value of `x-pie-identity` as bytes (Node hands header bytes over as latin1). */
function identityOf(request: IncomingMessage): { identity: string } | { answer: GatewayHttpAnswer } {
  const raw = request.headers['x-pie-identity'];
  if (raw === undefined) return text(401, GATEWAY_TEXT.missingIdentity);
  const value = Array.isArray(raw) ? raw[0]! : raw;
  let identity: string;
  try {
    identity = utf8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return text(401, GATEWAY_TEXT.identityNotUtf8);
  }
  if (identity.trim() === '') return text(401, GATEWAY_TEXT.emptyIdentity);
  return { identity };
}

function modelsAnswer(models: readonly string[]): GatewayHttpAnswer {
  const created = Math.floor(Date.now() / 1000);
  const data = models.map((id) => ({ id, object: 'model', created, owned_by: 'pie' }));
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ object: 'list', data }) };
}

/**
 * Decides an HTTP request (plain or upgrade) the way the gateway does, in its order of
 * checks: route, method, the WebSocket upgrade headers, then `x-pie-identity`.
 *
 * @example
 * ```ts
 * gatewayHttpOutcome(request, ['default']);
 * // => { answer: { status: 401, headers: {...}, body: 'identity: missing `x-pie-identity` (edge must inject verified identity)' } }
 * ```
 */
export function gatewayHttpOutcome(request: IncomingMessage, models: readonly string[]): GatewayHttpOutcome {
  const path = (request.url ?? '/').split('?')[0];
  const method = request.method ?? 'GET';
  const allowGetHead = { answer: { status: 405, headers: { allow: 'GET,HEAD' }, body: '' } };
  if (path === '/v1/models') {
    if (method !== 'GET' && method !== 'HEAD') return allowGetHead;
    return { answer: modelsAnswer(models) };
  }
  if (path !== '/v1/ws') return { answer: { status: 404, headers: {}, body: '' } };
  if (method !== 'GET' && method !== 'HEAD') return allowGetHead;
  if (method !== 'GET') return text(405, GATEWAY_TEXT.methodNotGet);
  if (!hasToken(request.headers.connection, 'upgrade')) return text(400, GATEWAY_TEXT.connectionNotUpgrade);
  if (!hasToken(request.headers.upgrade, 'websocket')) return text(400, GATEWAY_TEXT.upgradeNotWebsocket);
  if (request.headers['sec-websocket-version'] !== '13') return text(400, GATEWAY_TEXT.versionNot13);
  if (request.headers['sec-websocket-key'] === undefined) return text(400, GATEWAY_TEXT.keyMissing);
  return identityOf(request);
}

/**
 * The answer as raw HTTP/1.1 bytes, for writing to a socket that asked for an upgrade.
 *
 * @example
 * ```ts
 * socket.end(rawHttpAnswer({ status: 404, headers: {}, body: '' }));
 * ```
 */
export function rawHttpAnswer(answer: GatewayHttpAnswer, headOnly = false): string {
  const reason = { 200: 'OK', 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 405: 'Method Not Allowed' }[answer.status] ?? '';
  const lines = [`HTTP/1.1 ${answer.status} ${reason}`];
  for (const [name, value] of Object.entries(answer.headers)) lines.push(`${name}: ${value}`);
  lines.push(`content-length: ${Buffer.byteLength(answer.body)}`, `date: ${new Date().toUTCString()}`, 'connection: close', '', '');
  return lines.join('\r\n') + (headOnly ? '' : answer.body);
}

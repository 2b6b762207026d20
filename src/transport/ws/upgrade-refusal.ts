import type { CredentialEcho } from '../../model/errors.js';
import { PieUpgradeError } from '../../model/pie/errors.js';

/** At most this much of a refusal's body is kept. */
const MAX_BODY_BYTES = 4096;
/** A refusal whose body does not end within this time is reported with what arrived. */
const BODY_WAIT_MS = 2000;

/** The `http.IncomingMessage` members read here (`ws` hands one to 'unexpected-response'). */
export interface RefusalResponse {
  readonly statusCode?: number;
  on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown;
  on(event: 'end' | 'error' | 'close', listener: () => void): unknown;
}

/**
 * What a refused upgrade's status most likely means for a Pie client.
 *
 * @example
 * ```ts
 * import { upgradeRefusalHint } from 'flame-pie-rx/pie';
 * upgradeRefusalHint(401, 'identity: missing `x-pie-identity`'); // => 'a Pie gateway needs an identity: pass the identity option (sent as x-pie-identity)'
 * ```
 */
export function upgradeRefusalHint(status: number, body: string): string {
  if (status === 401 || /x-pie-identity/i.test(body)) {
    return 'a Pie gateway needs an identity: pass the identity option (sent as x-pie-identity)';
  }
  if (status === 404) {
    return 'nothing serves a WebSocket on this path: a Pie gateway serves /v1/ws, and a Pie 0.4 engine never answers an upgrade with an HTTP status';
  }
  if (status === 403) return 'the server or an edge proxy in front of it refused this identity';
  return 'a Pie 0.4 engine never answers an upgrade with an HTTP status; this is a gateway, a proxy or another HTTP server';
}

/**
 * Reads (up to 4 KiB of) the body of a refused upgrade and hands over the typed error, with
 * `secrets` (the values of the upgrade's own headers: a gateway may echo the identity)
 * redacted from its text.
 *
 * @example
 * ```ts
 * socket.on('unexpected-response', (_req, res) => readUpgradeRefusal(url, res, (error) => subscriber.error(error)));
 * ```
 */
export function readUpgradeRefusal(
  url: string,
  response: RefusalResponse,
  done: (error: PieUpgradeError) => void,
  secrets: readonly (string | CredentialEcho)[] = [],
): void {
  const status = response.statusCode ?? 0;
  const parts: Uint8Array[] = [];
  let size = 0;
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    const body = new TextDecoder().decode(bytes.subarray(0, MAX_BODY_BYTES));
    done(new PieUpgradeError({ url, status, body, hint: upgradeRefusalHint(status, body) }, { secrets }));
  };
  const timer = setTimeout(finish, BODY_WAIT_MS);
  response.on('data', (chunk) => {
    if (size >= MAX_BODY_BYTES) return;
    const part = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    parts.push(part);
    size += part.length;
  });
  response.on('end', finish);
  response.on('error', finish);
  response.on('close', finish);
}

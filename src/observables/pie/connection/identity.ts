import { PieError } from '../../../model/pie/errors.js';
import { runsOnNode } from '../../../transport/ws/socket.js';

/** The header a gateway takes the identity from (pie-gateway.md 2.2). */
export const IDENTITY_HEADER = 'x-pie-identity';

/** The client options the identity header depends on. */
export interface IdentityOptions {
  readonly identity?: string;
  readonly identityInjectedByProxy?: boolean;
  readonly webSocketFactory?: unknown;
}

/**
 * The upgrade headers for an identity: `{ 'x-pie-identity': identity }`, or none when no
 * identity is given. A malformed identity (empty, line breaks, NUL) is a `PieError`; so is
 * an identity in a browser (which cannot send headers) unless `identityInjectedByProxy`
 * says an edge proxy injects it (then nothing is sent) or a custom `webSocketFactory` is
 * given (it receives the headers).
 *
 * @example
 * ```ts
 * import { identityHeaders } from 'flame-pie-rx/pie';
 * identityHeaders({ identity: 'default/alice' }); // => { 'x-pie-identity': 'default/alice' } on Node
 * identityHeaders({ identity: 'default/alice', identityInjectedByProxy: true }, false); // => undefined in a browser
 * ```
 */
export function identityHeaders(options: IdentityOptions, onNode = runsOnNode()): Record<string, string> | undefined {
  const identity = options.identity;
  if (identity === undefined) return undefined;
  if (typeof identity !== 'string' || identity.trim() === '' || /[\r\n\0]/.test(identity)) {
    throw new PieError('identity must be a non-empty string without line breaks or NUL (it is sent as the x-pie-identity header)');
  }
  if (!onNode && !options.webSocketFactory) {
    if (options.identityInjectedByProxy) return undefined;
    throw new PieError(
      'a browser WebSocket cannot send the x-pie-identity header: let an edge proxy inject it and pass ' +
        'identityInjectedByProxy: true (without identity), or connect from Node',
    );
  }
  return { [IDENTITY_HEADER]: identity };
}

import { NEVER, Observable, concat, defer, filter, from, map, merge, of, race, switchMap, take } from 'rxjs';
import { PieAuthError, PieUnsupportedError } from '../../../model/pie/errors.js';
import type { PieServerKind } from '../generations/generation-tracker.js';
import type { PieAuthChannel } from '../../../transport/ws/connection-options.js';
import type { PieResponse } from '../../../transport/ws/messages.js';
import { decodeBase64, encodeBase64 } from './base64.js';
import { redactSecrets } from '../../../model/errors.js';
import type { CredentialEcho } from '../../../model/errors.js';
import type { ResolvedCredentials } from './credentials.js';

/**
 * The exact `auth_identify` result of an engine with authentication disabled (spec 3.2).
 *
 * @example
 * ```ts
 * response.result === AUTH_DISABLED_RESULT; // the connection is authenticated already
 * ```
 */
export const AUTH_DISABLED_RESULT = 'Authenticated (Engine disabled authentication)';
/**
 * What every auth message answers once the connection is authenticated (spec 2.4.14).
 *
 * @example
 * ```ts
 * ALREADY_AUTHENTICATED_RESULT; // => 'Already authenticated'
 * ```
 */
export const ALREADY_AUTHENTICATED_RESULT = 'Already authenticated';
/**
 * Challenge length in bytes (spec 3.2).
 *
 * @example
 * ```ts
 * decodeBase64(challengeText)?.length === CHALLENGE_BYTES; // => true for a well-formed challenge
 * ```
 */
export const CHALLENGE_BYTES = 48;

function authFailure(response: PieResponse, secrets: readonly (string | CredentialEcho)[]): PieAuthError {
  if (typeof response.result !== 'string') return new PieAuthError('refused without a reason', { secrets, clientCheck: true });
  return new PieAuthError(response.result, { secrets });
}

/**
 * Told what kind of server answered the handshake; it may throw (e.g. `PieGenerationError`
 * when a fixed generation meets the other kind), which fails the handshake.
 */
export type ServerKindListener = (kind: PieServerKind, evidence: string) => void;

/**
 * Runs the handshake of spec 3 over a connection that is authenticating, completing when
 * the server has accepted the client and erroring with `PieAuthError` (never retried; the
 * message never contains a key, passphrase or token) otherwise. The transport calls it
 * after every (re)connect. It also tells a 0.4 engine from a gateway (pie-gateway.md 2.5,
 * probe 3) and reports which to `onServerKind`: a gateway answers the first
 * `auth_identify` with `Already authenticated`; a 0.4 engine answers with its
 * disabled-auth text, a challenge or a refusal. With a token, a `ping` goes first: a
 * gateway answers it (and refuses `auth_by_token` with a text notice), which fails at once
 * with `PieUnsupportedError` instead of waiting for a reply that never comes. `secrets`
 * (default: the token and the username) are redacted from every error, the engine's texts
 * included: it echoes the username (`User '<username, 7 chars>' is not authorized`).
 *
 * @example
 * ```ts
 * PieConnection.open({ url, authenticate: authenticate({ kind: 'token', token }) });
 * ```
 */
export function authenticate(
  credentials: ResolvedCredentials,
  onServerKind: ServerKindListener = () => undefined,
  secrets: readonly (string | CredentialEcho)[] = credentials.kind === 'token' ? [credentials.token] : [{ label: 'username', value: credentials.username }],
): (auth: PieAuthChannel) => Observable<void> {
  // The evidence may become a PieGenerationError's text: it quotes the engine too.
  const found: ServerKindListener = (kind, evidence) => onServerKind(kind, redactSecrets(evidence, secrets));
  return (auth) =>
    defer(() => {
      if (credentials.kind === 'token') {
        const gatewayFound = (evidence: string): never => {
          found('gateway', evidence);
          throw new PieUnsupportedError({
            operation: 'token authentication',
            generation: 'gateway',
            hint: 'a gateway takes the identity from x-pie-identity: pass the identity option instead of a token',
          });
        };
        // A gateway answers a `ping` at once (a 0.4 engine drops everything before
        // authentication), and after that first valid frame it refuses `auth_by_token` with
        // a text notice; it drops an undecodable FIRST frame in silence (pie-server 0.5.2).
        const pong = auth.request({ type: 'ping' }).pipe(
          filter((response) => response.ok),
          map(() => gatewayFound('a ping before authentication was answered')),
        );
        const refusedByGateway = (auth.notices$ ?? NEVER).pipe(
          filter((notice) => notice.type === 'error' && /auth_by_token/.test(notice.message ?? '')),
          take(1),
          map((notice) => gatewayFound(`auth_by_token was refused: ${notice.message ?? ''}`)),
        );
        const answered = auth.request({ type: 'auth_by_token', token: credentials.token }).pipe(
          map((response) => {
            found('engine', 'auth_by_token was answered');
            if (!response.ok) throw authFailure(response, secrets);
          }),
        );
        // The probes' streams ending (the connection closing) must not count as a win of the race.
        return race(concat(merge(pong, refusedByGateway), NEVER), answered);
      }
      const { username } = credentials;
      return auth.request({ type: 'auth_identify', username }).pipe(
        switchMap((response): Observable<void> => {
          const gateway = response.ok && response.result === ALREADY_AUTHENTICATED_RESULT;
          found(gateway ? 'gateway' : 'engine', `auth_identify on a fresh connection answered ${response.ok ? '' : 'ok=false '}'${preview(redactSecrets(response.result, secrets))}'`);
          if (!response.ok) throw authFailure(response, secrets);
          if (response.result === AUTH_DISABLED_RESULT || gateway) return of(undefined);
          if (credentials.kind !== 'key') {
            throw new PieAuthError(
              `the engine requires public-key authentication for user '${username}', but no key was given`,
              { clientCheck: true, secrets },
            );
          }
          const challenge = decodeBase64(response.result);
          if (!challenge || challenge.length !== CHALLENGE_BYTES) {
            throw new PieAuthError(
              `the engine sent a malformed challenge for user '${username}' (expected ${CHALLENGE_BYTES} bytes of standard base64)`,
              { clientCheck: true, secrets },
            );
          }
          return from(credentials.signer.sign(challenge)).pipe(
            switchMap((signature) => auth.request({ type: 'auth_prove', signature: encodeBase64(signature) })),
            map((proof) => {
              if (!proof.ok) throw authFailure(proof, secrets);
            }),
          );
        }),
      );
    });
}

function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

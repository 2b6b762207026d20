import { Observable, defer, from, map, of, switchMap } from 'rxjs';
import { PieAuthError } from '../../../model/pie/errors.js';
import type { PieAuthChannel } from '../../../transport/ws/connection-options.js';
import type { PieResponse } from '../../../transport/ws/messages.js';
import { decodeBase64, encodeBase64 } from './base64.js';
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

function authFailure(response: PieResponse, secrets: string[]): PieAuthError {
  if (typeof response.result !== 'string') return new PieAuthError('refused without a reason', { secrets, clientCheck: true });
  return new PieAuthError(response.result, { secrets });
}

/**
 * Runs the authentication exchange of spec 3 over a connection that is authenticating,
 * completing when the engine has accepted the client and erroring with `PieAuthError`
 * (never retried; the message never contains a key, passphrase or token) otherwise.
 * The transport calls it after every (re)connect.
 *
 * @example
 * ```ts
 * PieConnection.open({ url, authenticate: authenticate({ kind: 'token', token }) });
 * ```
 */
export function authenticate(credentials: ResolvedCredentials): (auth: PieAuthChannel) => Observable<void> {
  const secrets = credentials.kind === 'token' ? [credentials.token] : [];
  return (auth) =>
    defer(() => {
      if (credentials.kind === 'token') {
        return auth.request({ type: 'auth_by_token', token: credentials.token }).pipe(
          map((response) => {
            if (!response.ok) throw authFailure(response, secrets);
          }),
        );
      }
      const { username } = credentials;
      return auth.request({ type: 'auth_identify', username }).pipe(
        switchMap((response): Observable<void> => {
          if (!response.ok) throw authFailure(response, secrets);
          if (response.result === AUTH_DISABLED_RESULT || response.result === ALREADY_AUTHENTICATED_RESULT) {
            return of(undefined);
          }
          if (credentials.kind !== 'key') {
            throw new PieAuthError(
              `the engine requires public-key authentication for user '${username}', but no key was given`,
              { clientCheck: true },
            );
          }
          const challenge = decodeBase64(response.result);
          if (!challenge || challenge.length !== CHALLENGE_BYTES) {
            throw new PieAuthError(
              `the engine sent a malformed challenge for user '${username}' (expected ${CHALLENGE_BYTES} bytes of standard base64)`,
              { clientCheck: true },
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

// Authentication requests (protocol reference 3, 2.4.14).
import { randomBytes } from 'node:crypto';
import { decodeStrictBase64, verifyChallengeSignature } from './auth-keys.js';
import type { ConnectionActor } from './connection-actor.js';
import type { Engine } from './engine.js';
import { invalidSignatureEncoding, PIE_TEXT, userNotAuthorized } from './strings.js';

/**
 * `auth_identify`: disabled auth accepts any name; otherwise a 48-byte challenge for a known
 * user (a second identify replaces the challenge).
 *
 * @example
 * ```ts
 * await handleAuthIdentify(engine, actor, 1, 'alice');
 * ```
 */
export async function handleAuthIdentify(engine: Engine, actor: ConnectionActor, corrId: number, username: string): Promise<void> {
  if (actor.username !== undefined) return actor.respond(corrId, true, PIE_TEXT.alreadyAuthenticated);
  if (engine.auth.mode === 'disabled') {
    actor.username = username;
    return actor.respond(corrId, true, PIE_TEXT.authDisabled);
  }
  if (!engine.auth.users.has(username)) return actor.respond(corrId, false, userNotAuthorized(username));
  const challenge = new Uint8Array(randomBytes(48));
  actor.challenge = challenge;
  actor.pendingUsername = username;
  return actor.respond(corrId, true, Buffer.from(challenge).toString('base64'));
}

/**
 * `auth_prove`: consumes the pending challenge whatever the outcome, then checks the
 * signature against every key of the user.
 *
 * @example
 * ```ts
 * await handleAuthProve(engine, actor, 2, signatureBase64);
 * ```
 */
export async function handleAuthProve(engine: Engine, actor: ConnectionActor, corrId: number, signature: string): Promise<void> {
  if (actor.username !== undefined) return actor.respond(corrId, false, PIE_TEXT.alreadyAuthenticated);
  const challenge = actor.challenge;
  const username = actor.pendingUsername;
  if (!challenge || username === undefined) return actor.respond(corrId, false, PIE_TEXT.noPendingAuthentication);
  actor.challenge = undefined;
  actor.pendingUsername = undefined;
  const decoded = decodeStrictBase64(signature);
  if ('error' in decoded) return actor.respond(corrId, false, invalidSignatureEncoding(decoded.error));
  const keys = engine.auth.mode === 'publicKey' ? (engine.auth.users.get(username) ?? []) : [];
  if (keys.some((key) => verifyChallengeSignature(key, challenge, decoded.bytes))) {
    actor.username = username;
    return actor.respond(corrId, true, PIE_TEXT.authenticated);
  }
  return actor.respond(corrId, false, PIE_TEXT.signatureVerificationFailed);
}

/**
 * `auth_by_token`: exact comparison with the internal token (identity `internal`); a wrong
 * token is answered after the failure delay, blocking this connection meanwhile.
 *
 * @example
 * ```ts
 * await handleAuthByToken(engine, actor, 1, engine.internalToken);
 * ```
 */
export async function handleAuthByToken(engine: Engine, actor: ConnectionActor, corrId: number, token: string): Promise<void> {
  if (actor.username !== undefined) return actor.respond(corrId, true, PIE_TEXT.alreadyAuthenticated);
  if (token === engine.internalToken) {
    actor.username = 'internal';
    return actor.respond(corrId, true, PIE_TEXT.authenticated);
  }
  const delay = engine.tokenFailureDelayMs();
  if (delay > 0) await engine.sleep(delay);
  return actor.respond(corrId, false, PIE_TEXT.invalidToken);
}

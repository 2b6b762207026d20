/**
 * Base class of every error this library raises, so `instanceof ClientError` catches them
 * all. `retryable` says whether trying again could succeed (a lost connection, an
 * unavailable server), which the default retry predicate reads.
 *
 * Secrets never go into a message: use `redactSecrets` on any text that could hold one.
 *
 * @example
 * ```ts
 * import { ClientError } from 'flame-pie-rx';
 * try { await something(); } catch (e) { if (e instanceof ClientError && e.retryable) retryLater(); }
 * ```
 */
export class ClientError extends Error {
  readonly retryable: boolean;

  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable ?? false;
  }
}

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g;
const OPENSSH_PRIVATE = /b3BlbnNzaC1rZXktdjE[A-Za-z0-9+/=\s]*/g;

/**
 * A credential input that a server may echo (a username, an identity, a key path): shown
 * as `<label, N chars>` instead of its text, so that a secret passed in the wrong field
 * (a token given as username) never reaches a message, while the message still says what
 * was echoed.
 *
 * @example
 * ```ts
 * import { redactSecrets, type CredentialEcho } from 'flame-pie-rx';
 * const username: CredentialEcho = { label: 'username', value: 'alice' };
 * redactSecrets("User 'alice' is not authorized", [username]); // => "User '<username, 5 chars>' is not authorized"
 * ```
 */
export interface CredentialEcho {
  readonly label: string;
  readonly value: string | undefined;
}

/**
 * Replaces anything that looks like a private key, and each of the given secret strings
 * (tokens, passphrases), with `[redacted]`; each `CredentialEcho` with `<label, N chars>`.
 * Strings shorter than 4 characters are left alone (they would match inside words), except
 * an echo between quotes (`User 'ed' is …`).
 *
 * @example
 * ```ts
 * import { redactSecrets } from 'flame-pie-rx';
 * redactSecrets('token abc123 rejected', ['abc123']); // => 'token [redacted] rejected'
 * redactSecrets("User 'tok-123' is not authorized", [{ label: 'username', value: 'tok-123' }]);
 * // => "User '<username, 7 chars>' is not authorized"
 * ```
 */
export function redactSecrets(text: string, secrets: readonly (string | CredentialEcho | undefined)[] = []): string {
  let out = text.replace(PEM_BLOCK, '[redacted]').replace(OPENSSH_PRIVATE, '[redacted]');
  // Longest first, so that a secret containing another is replaced whole.
  const entries = secrets
    .map((s) => (typeof s === 'string' ? { value: s, shown: '[redacted]' } : s?.value ? { value: s.value, shown: `<${s.label}, ${s.value.length} chars>` } : undefined))
    .filter((e): e is { value: string; shown: string } => e !== undefined && e.value.length > 0)
    .sort((a, b) => b.value.length - a.value.length);
  for (const { value, shown } of entries) {
    if (value.length >= 4) out = out.split(value).join(shown);
    else if (shown !== '[redacted]') for (const q of QUOTES) out = out.split(q + value + q).join(q + shown + q);
  }
  return out;
}

const QUOTES = ["'", '"', '`'];

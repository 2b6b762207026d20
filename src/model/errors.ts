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
 * Replaces anything that looks like a private key, and each of the given secret strings
 * (tokens, passphrases), with `[redacted]`.
 *
 * @example
 * ```ts
 * import { redactSecrets } from 'flame-pie-rx';
 * redactSecrets('token abc123 rejected', ['abc123']); // => 'token [redacted] rejected'
 * ```
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(PEM_BLOCK, '[redacted]').replace(OPENSSH_PRIVATE, '[redacted]');
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}

import type { PieSigner } from '../../../model/pie/keys.js';
import { loadPrivateKey } from '../../../model/pie/keys.js';
import type { CredentialEcho } from '../../../model/errors.js';

/**
 * How a `PieClient` proves who it is (spec 3):
 * - `{ username, key, passphrase? }`: public-key challenge/response. `key` is a file path,
 *   `{ text }` holding the private key (OpenSSH, PKCS#8 or PKCS#1 PEM), or a ready `PieSigner`.
 * - `{ username }`: for an engine with authentication disabled (`auth_identify` is still sent).
 * - `{ token }`: the engine's internal token (`auth_by_token`, identity `internal`).
 *
 * @example
 * ```ts
 * const byKey: PieCredentials = { username: 'alice', key: '/home/alice/.ssh/id_ed25519' };
 * const byToken: PieCredentials = { token: process.env.PIE_TOKEN! };
 * ```
 */
export type PieCredentials =
  | {
      readonly username: string;
      readonly key: string | { readonly text: string } | PieSigner;
      readonly passphrase?: string;
    }
  | { readonly username: string; readonly key?: undefined }
  | { readonly token: string };

/** Credentials after the private key (if any) has been loaded. */
export type ResolvedCredentials =
  | { readonly kind: 'key'; readonly username: string; readonly signer: PieSigner }
  | { readonly kind: 'username'; readonly username: string }
  | { readonly kind: 'token'; readonly token: string };

function isSigner(key: unknown): key is PieSigner {
  return typeof key === 'object' && key !== null && typeof (key as PieSigner).sign === 'function';
}

/**
 * Loads the private key named by the credentials (once, before connecting) so a bad key
 * fails fast with `PieKeyError` instead of on every reconnect.
 *
 * @example
 * ```ts
 * const resolved = await resolveCredentials({ username: 'alice', key: { text: pemText } });
 * resolved.kind; // => 'key'
 * ```
 */
export async function resolveCredentials(credentials: PieCredentials): Promise<ResolvedCredentials> {
  if ('token' in credentials) return { kind: 'token', token: credentials.token };
  const { username } = credentials;
  const key = credentials.key;
  if (key === undefined) return { kind: 'username', username };
  if (isSigner(key)) return { kind: 'key', username, signer: key };
  const passphrase = 'passphrase' in credentials ? credentials.passphrase : undefined;
  const signer =
    typeof key === 'string'
      ? await loadPrivateKey({ path: key, passphrase })
      : await loadPrivateKey({ text: key.text, passphrase });
  return { kind: 'key', username, signer };
}

/**
 * Everything of a client's credential inputs that must never reach an error as it is, for
 * `redactSecrets`: the token, passphrase and key text (shown as `[redacted]`), and the
 * username, key path and identity, which servers echo (`User '…' is not authorized`) and
 * which may hold a secret passed in the wrong field (shown as `<username, 24 chars>`).
 *
 * @example
 * ```ts
 * credentialEchoes({ token: 'abc123' }); // => ['abc123']
 * credentialEchoes({ username: 'alice' }, 'default/alice');
 * // => [{ label: 'username', value: 'alice' }, { label: 'identity', value: 'default/alice' }]
 * ```
 */
export function credentialEchoes(credentials: PieCredentials | undefined, identity?: string): (string | CredentialEcho)[] {
  const out: (string | CredentialEcho)[] = [];
  const c = (credentials ?? {}) as Partial<Record<'token' | 'passphrase' | 'username', unknown>> & { key?: unknown };
  if (typeof c.token === 'string') out.push(c.token);
  if (typeof c.passphrase === 'string') out.push(c.passphrase);
  if (typeof c.key === 'object' && c.key !== null && typeof (c.key as { text?: unknown }).text === 'string') out.push((c.key as { text: string }).text);
  if (typeof c.username === 'string') out.push({ label: 'username', value: c.username });
  if (typeof c.key === 'string') out.push({ label: 'key path', value: c.key });
  if (typeof identity === 'string') out.push({ label: 'identity', value: identity });
  return out;
}

import type { PieSigner } from '../../../model/pie/keys.js';
import { loadPrivateKey } from '../../../model/pie/keys.js';

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
 * The secret strings of a set of credentials, for `redactSecrets`.
 *
 * @example
 * ```ts
 * secretsOf({ token: 'abc123' }); // => ['abc123']
 * ```
 */
export function secretsOf(credentials: PieCredentials | ResolvedCredentials): string[] {
  const out: string[] = [];
  if ('token' in credentials && typeof credentials.token === 'string') out.push(credentials.token);
  if ('passphrase' in credentials && typeof credentials.passphrase === 'string') out.push(credentials.passphrase);
  if ('key' in credentials && typeof credentials.key === 'object' && credentials.key && 'text' in credentials.key) {
    out.push(credentials.key.text);
  }
  return out;
}

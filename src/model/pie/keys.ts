// Browser rule: this file must not import `node:*` or `sshpk` statically. Key loading is
// Node-only and pulls those modules in with `await import(...)` when it runs; browsers
// build their signer with `signerFromFunction` (e.g. over WebCrypto).
import { PieKeyError } from './errors.js';
import { digestFor, parsePrivateKeyText, type KeyModules, type PieKeyAlgorithm } from './key-loader.js';

export type { PieKeyAlgorithm } from './key-loader.js';

const ALGORITHMS: readonly PieKeyAlgorithm[] = ['ed25519', 'ecdsa-p256', 'ecdsa-p384', 'rsa'];

/**
 * Signs authentication challenges (spec 3.2, 3.3): Ed25519 (64 bytes), ECDSA P-256 with
 * SHA-256 or P-384 with SHA-384 (ASN.1 DER), or RSA PKCS#1 v1.5 with SHA-256.
 * `publicKey` is the OpenSSH public key line (`ssh-ed25519 AAAA…`), the text an engine
 * operator registers for the user.
 */
export interface PieSigner {
  readonly algorithm: PieKeyAlgorithm;
  readonly publicKey: string;
  /** Signs the raw challenge bytes (not their base64 text). */
  sign(challenge: Uint8Array): Promise<Uint8Array>;
}

/** Where `loadPrivateKey` finds the key: a file `path` (`~/` expands) or the key `text`. */
export interface LoadPrivateKeyOptions {
  path?: string;
  text?: string;
  passphrase?: string;
}

/**
 * Loads a private key for public-key authentication (Node only): OpenSSH
 * (`-----BEGIN OPENSSH PRIVATE KEY-----`), PKCS#8 PEM or PKCS#1/SEC1 PEM, encrypted ones with
 * `passphrase`. RSA keys under 2048 bits, P-521, DSA and other types are refused. Every
 * failure is a `PieKeyError` that contains neither the key text nor the passphrase.
 *
 * @example
 * ```ts
 * import { loadPrivateKey } from 'flame-pie-rx/pie';
 * const signer = await loadPrivateKey({ path: '~/.ssh/id_ed25519' });
 * signer.publicKey; // => 'ssh-ed25519 AAAAC3…'
 * ```
 */
export async function loadPrivateKey(options: LoadPrivateKeyOptions): Promise<PieSigner> {
  const { path, text, passphrase } = options ?? {};
  if ((path === undefined) === (text === undefined)) {
    throw new PieKeyError('loadPrivateKey needs exactly one of `path` or `text`');
  }
  if (passphrase !== undefined && typeof passphrase !== 'string') {
    throw new PieKeyError('the passphrase must be a string');
  }
  let crypto: typeof import('node:crypto');
  let sshpkModule: KeyModules['sshpk'];
  try {
    crypto = await import('node:crypto');
    // sshpk is CommonJS: its exports arrive as the namespace's `default`.
    const imported = (await import('sshpk')) as unknown as { default?: KeyModules['sshpk'] };
    sshpkModule = imported.default ?? (imported as unknown as KeyModules['sshpk']);
  } catch {
    throw new PieKeyError('loading a private key needs Node.js; in a browser use signerFromFunction');
  }
  const keyText = text ?? (await readKeyFile(path!));
  if (typeof keyText !== 'string') throw new PieKeyError('the key `text` must be a string');
  const loaded = parsePrivateKeyText({ crypto, sshpk: sshpkModule }, keyText, passphrase);
  const digest = digestFor(loaded.algorithm);
  return signerFromFunction(loaded.algorithm, loaded.publicKey, async (challenge) => {
    const signature = crypto.sign(digest, challenge, loaded.keyObject);
    return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
  });
}

/**
 * Wraps a signing function as a `PieSigner`, for keys held elsewhere (WebCrypto, an agent, a
 * hardware token). ECDSA signatures must be DER: convert WebCrypto's raw `r‖s` with
 * `ecdsaSignatureToDer`.
 *
 * @example
 * ```ts
 * import { signerFromFunction } from 'flame-pie-rx/pie';
 * const signer = signerFromFunction('ed25519', 'ssh-ed25519 AAAA…', async (challenge) =>
 *   new Uint8Array(await crypto.subtle.sign('Ed25519', key, challenge)),
 * );
 * ```
 */
export function signerFromFunction(
  algorithm: PieKeyAlgorithm,
  publicKey: string,
  sign: (challenge: Uint8Array) => Promise<Uint8Array> | Uint8Array,
): PieSigner {
  if (!ALGORITHMS.includes(algorithm)) {
    throw new PieKeyError(`unsupported signing algorithm ${JSON.stringify(algorithm)}`);
  }
  if (typeof sign !== 'function') throw new PieKeyError('sign must be a function');
  return {
    algorithm,
    publicKey,
    async sign(challenge: Uint8Array): Promise<Uint8Array> {
      if (!(challenge instanceof Uint8Array)) throw new PieKeyError('the challenge to sign must be a Uint8Array');
      const signature = await sign(challenge);
      if (!(signature instanceof Uint8Array)) throw new PieKeyError('the signing function did not return bytes');
      return signature;
    },
  };
}

/** Reads a key file, expanding a leading `~` to the home directory. */
async function readKeyFile(path: string): Promise<string> {
  if (typeof path !== 'string' || path.length === 0) throw new PieKeyError('the key `path` must be a non-empty string');
  const fs = await import('node:fs/promises');
  const os = await import('node:os');
  const nodePath = await import('node:path');
  const expanded =
    path === '~' || path.startsWith('~/') || path.startsWith('~\\') ? nodePath.join(os.homedir(), path.slice(1)) : path;
  try {
    return await fs.readFile(expanded, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new PieKeyError(`cannot read private key file ${shownKeyPath(expanded)}${typeof code === 'string' ? ` (${code})` : ''}`);
  }
}

/**
 * A key path as it may appear in an error: key material passed where a path belongs (PEM
 * text, a base64 body) is never echoed, only described.
 */
function shownKeyPath(path: string): string {
  const looksLikeKey = path.length > 512 || /[\r\n]|-----BEGIN|PRIVATE KEY/.test(path) || /[A-Za-z0-9+/=]{32,}/.test(path);
  return looksLikeKey ? `(${path.length} characters that look like key material, not a path; not shown)` : path;
}

// Browser rule: this file must not import `node:*` or `sshpk`. Key loading is Node-only
// (./node/load-private-key.ts, installed by the Node entry); browsers build their signer
// with `signerFromFunction` (e.g. over WebCrypto).
import { PieKeyError } from './errors.js';
import { needsNode, pieNodeServices } from './platform.js';

/** The key types the engine verifies (spec 3.3). */
export type PieKeyAlgorithm = 'ed25519' | 'ecdsa-p256' | 'ecdsa-p384' | 'rsa';

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
  const services = pieNodeServices();
  if (!services) throw new PieKeyError(needsNode('loading a private key'));
  return services.loadPrivateKey({ path, text, passphrase });
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

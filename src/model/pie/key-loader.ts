// Node-side private key parsing for node/load-private-key.ts, which passes node:crypto and
// sshpk in. Not reachable from the browser entry.
import type { KeyObject } from 'node:crypto';
import type * as SshpkModule from 'sshpk';
import { redactSecrets } from '../errors.js';
import { PieKeyError } from './errors.js';
import { opensshEnvelopeProblem } from './openssh-envelope.js';

import type { PieKeyAlgorithm } from './keys.js';

/** The Node modules key loading needs, passed in by the caller. */
export interface KeyModules {
  readonly crypto: typeof import('node:crypto');
  readonly sshpk: typeof SshpkModule;
}

/** A private key ready for `crypto.sign`, with its algorithm and OpenSSH public key line. */
export interface LoadedKey {
  readonly keyObject: KeyObject;
  readonly algorithm: PieKeyAlgorithm;
  readonly publicKey: string;
}

const OPENSSH_BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const PEM_PRIVATE = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
/** An encrypted PKCS#8 block, or a traditional (PKCS#1/SEC1) block with an encryption header. */
const PEM_ENCRYPTED = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/;
const MISSING_PASSPHRASE = 'the private key is encrypted and no passphrase was given';

/**
 * Parses a private key text (OpenSSH, PKCS#8 PEM or PKCS#1/SEC1 PEM, encrypted or not) and
 * checks that the engine can verify its signatures. Every failure is a `PieKeyError` whose
 * message holds neither the key text nor the passphrase.
 *
 * @example
 * ```ts
 * import * as crypto from 'node:crypto';
 * import sshpk from 'sshpk';
 * import { parsePrivateKeyText } from './key-loader.js';
 * const pem = crypto.generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
 * parsePrivateKeyText({ crypto, sshpk }, pem).algorithm; // => 'ed25519'
 * ```
 */
export function parsePrivateKeyText(modules: KeyModules, text: string, passphrase?: string): LoadedKey {
  const keyObject = text.includes(OPENSSH_BEGIN)
    ? fromOpenSsh(modules, text, passphrase)
    : fromPem(modules, text, passphrase);
  const algorithm = algorithmOf(keyObject);
  return { keyObject, algorithm, publicKey: publicKeyLine(modules, keyObject) };
}

/**
 * The digest `crypto.sign` needs for each algorithm (`null` for Ed25519, which hashes
 * internally; SHA-384 for P-384; SHA-256 for P-256 and RSA PKCS#1 v1.5).
 *
 * @example
 * ```ts
 * import { digestFor } from './key-loader.js';
 * digestFor('ecdsa-p384'); // => 'sha384'
 * ```
 */
export function digestFor(algorithm: PieKeyAlgorithm): string | null {
  switch (algorithm) {
    case 'ed25519':
      return null;
    case 'ecdsa-p384':
      return 'sha384';
    default:
      return 'sha256';
  }
}

function fromPem({ crypto }: KeyModules, text: string, passphrase?: string): KeyObject {
  if (!PEM_PRIVATE.test(text)) {
    throw new PieKeyError('not a private key in a supported format (OpenSSH, PKCS#8 PEM or PKCS#1 PEM)');
  }
  const encrypted = PEM_ENCRYPTED.test(text);
  if (encrypted && passphrase === undefined) throw new PieKeyError(MISSING_PASSPHRASE);
  try {
    return crypto.createPrivateKey(
      passphrase === undefined ? { key: text, format: 'pem' } : { key: text, format: 'pem', passphrase },
    );
  } catch (error) {
    throw keyError(error, passphrase, text, encrypted);
  }
}

function fromOpenSsh({ crypto, sshpk }: KeyModules, text: string, passphrase?: string): KeyObject {
  const problem = opensshEnvelopeProblem(text);
  if (problem !== undefined) throw new PieKeyError(problem);
  let key: SshpkModule.PrivateKey;
  try {
    key = sshpk.parsePrivateKey(text, 'openssh', passphrase === undefined ? {} : { passphrase });
  } catch (error) {
    throw keyError(error, passphrase, text, false);
  }
  try {
    if (key.type === 'ed25519') {
      // sshpk's PKCS#8 output for Ed25519 is not one Node reads; go through a JWK instead.
      const seed = keyPart(key, 'k').subarray(0, 32);
      const publicBytes = keyPart(key, 'A');
      const jwk = { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: publicBytes.toString('base64url') };
      return crypto.createPrivateKey({ key: jwk, format: 'jwk' });
    }
    if (key.type !== 'rsa' && key.type !== 'ecdsa') {
      throw new PieKeyError(`unsupported key type ${key.type}: the engine accepts Ed25519, ECDSA P-256/P-384 and RSA`);
    }
    return crypto.createPrivateKey(key.toString('pkcs8'));
  } catch (error) {
    if (error instanceof PieKeyError) throw error;
    throw keyError(error, passphrase, text, false);
  }
}

/** One named part of an sshpk key (its typings index `part` by algorithm, not by part name). */
function keyPart(key: SshpkModule.PrivateKey, name: string): Buffer {
  const part = key.parts.find((candidate) => (candidate.name as string) === name);
  if (part === undefined) throw new PieKeyError(`malformed ${key.type} private key`);
  return part.data;
}

function algorithmOf(key: KeyObject): PieKeyAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return 'ed25519';
    case 'ec':
      if (details.namedCurve === 'prime256v1') return 'ecdsa-p256';
      if (details.namedCurve === 'secp384r1') return 'ecdsa-p384';
      throw new PieKeyError(
        `unsupported ECDSA curve ${details.namedCurve ?? 'unknown'}: the engine accepts P-256 and P-384 only`,
      );
    case 'rsa': {
      const bits = details.modulusLength ?? 0;
      if (bits < 2048) throw new PieKeyError(`RSA key of ${bits} bits refused: at least 2048 bits are required`);
      // The engine's RSA library refuses keys above 4096 bits when it loads its users file
      // (spec 3.3), so such a key can never be registered there.
      if (bits > 4096) throw new PieKeyError(`RSA key of ${bits} bits refused: the engine accepts at most 4096 bits`);
      return 'rsa';
    }
    default:
      throw new PieKeyError(
        `unsupported key type ${key.asymmetricKeyType ?? 'unknown'}: the engine accepts Ed25519, ECDSA P-256/P-384 and RSA`,
      );
  }
}

function publicKeyLine({ crypto, sshpk }: KeyModules, key: KeyObject): string {
  const spki = crypto.createPublicKey(key).export({ format: 'pem', type: 'spki' }) as string;
  const line = sshpk.parseKey(spki, 'pem').toString('ssh');
  // Keep `<type> <base64>`: sshpk appends a placeholder comment.
  return line.split(/\s+/).slice(0, 2).join(' ');
}

/**
 * A `PieKeyError` for a parse failure, naming the cause without any secret. `encrypted` says
 * whether the key text announces encryption; a failure then means a wrong passphrase (a
 * wrong key decrypts to garbage, which fails in varied ways).
 */
function keyError(error: unknown, passphrase: string | undefined, text: string, encrypted: boolean): PieKeyError {
  const name = error instanceof Error ? error.name : '';
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  let reason: string;
  if (name === 'KeyEncryptedError' || code === 'ERR_MISSING_PASSPHRASE' || (encrypted && passphrase === undefined)) {
    reason = MISSING_PASSPHRASE;
  } else if (encrypted || /incorrect passphrase|bad decrypt/i.test(message)) {
    reason = 'wrong passphrase for the private key';
  } else {
    reason = `could not parse the private key (${redactSecrets(shortReason(message), [passphrase, text])})`;
  }
  return new PieKeyError(reason, { secrets: [passphrase] });
}

/** The library's reason without the parsing context (and any text it quoted). */
function shortReason(message: string): string {
  const afterColon = message.split(/:\s*/).pop() ?? message;
  return afterColon.length > 120 ? `${afterColon.slice(0, 120)}…` : afterColon;
}

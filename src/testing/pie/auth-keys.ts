// Public keys of authorized users and signature checks (protocol reference 3.3, 3.4):
// Ed25519 pure, ECDSA P-256/SHA-256 and P-384/SHA-384 with DER signatures, RSA PKCS#1 v1.5
// with SHA-256 (2048–4096-bit keys). Key texts: OpenSSH lines, PEM SPKI, PEM PKCS#1.
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { PieEmulatorConfigError } from './errors.js';
import { sshFields } from '../../model/pie/openssh-envelope.js';

/** A parsed public key with the signature scheme the engine uses for it. */
export interface AuthorizedKey {
  scheme: 'ed25519' | 'ecdsa-p256' | 'ecdsa-p384' | 'rsa';
  key: KeyObject;
  /** RSA modulus length in bytes (a valid signature has exactly this length). */
  rsaBytes?: number;
}

function readSshFields(blob: Buffer): Buffer[] {
  const fields = sshFields(blob);
  if (fields === undefined) throw new Error('truncated');
  return fields.map((field) => Buffer.from(field.buffer, field.byteOffset, field.byteLength));
}

function b64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function unsignedInt(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

function openSshToKeyObject(line: string): KeyObject {
  const [keyType, body] = line.trim().split(/\s+/);
  if (!keyType || !body) throw new Error('not an OpenSSH public key line');
  const fields = readSshFields(Buffer.from(body, 'base64'));
  if (fields[0]?.toString('latin1') !== keyType) throw new Error('key type mismatch');
  if (keyType === 'ssh-ed25519' && fields.length === 2 && fields[1]!.length === 32) {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(fields[1]!) }, format: 'jwk' });
  }
  if (keyType === 'ssh-rsa' && fields.length === 3) {
    return createPublicKey({
      key: { kty: 'RSA', e: b64url(unsignedInt(fields[1]!)), n: b64url(unsignedInt(fields[2]!)) },
      format: 'jwk',
    });
  }
  const curves: Record<string, [string, string, number]> = {
    'ecdsa-sha2-nistp256': ['nistp256', 'P-256', 32],
    'ecdsa-sha2-nistp384': ['nistp384', 'P-384', 48],
  };
  const curve = curves[keyType];
  if (curve && fields.length === 3 && fields[1]!.toString('latin1') === curve[0]) {
    const point = fields[2]!;
    const size = curve[2];
    if (point.length !== 1 + 2 * size || point[0] !== 0x04) throw new Error('bad EC point');
    return createPublicKey({
      key: { kty: 'EC', crv: curve[1], x: b64url(point.subarray(1, 1 + size)), y: b64url(point.subarray(1 + size)) },
      format: 'jwk',
    });
  }
  throw new Error(`unsupported OpenSSH key type ${keyType}`);
}

function toKeyObject(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN RSA PUBLIC KEY-----')) {
    return createPublicKey({ key: trimmed, format: 'pem', type: 'pkcs1' });
  }
  if (trimmed.startsWith('-----BEGIN PUBLIC KEY-----')) {
    return createPublicKey({ key: trimmed, format: 'pem', type: 'spki' });
  }
  return openSshToKeyObject(trimmed);
}

/**
 * Parses one authorized public-key text (OpenSSH line, PEM SPKI or PEM PKCS#1) and picks
 * its signature scheme. Throws `PieEmulatorConfigError` for unparsable texts and key types
 * the engine refuses (P-521, DSA, RSA under 2048 or over 4096 bits); `label` names the key
 * in the message (the key text itself is never quoted).
 *
 * @example
 * ```ts
 * parseAuthorizedKey('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA… alice@host', "key 1 of 'alice'").scheme; // => 'ed25519'
 * ```
 */
export function parseAuthorizedKey(text: string, label: string): AuthorizedKey {
  let key: KeyObject;
  try {
    key = toKeyObject(text);
  } catch (error) {
    throw new PieEmulatorConfigError(`cannot parse public key (${label}): ${(error as Error).message}`);
  }
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'ed25519') return { scheme: 'ed25519', key };
  if (type === 'ec' && details.namedCurve === 'prime256v1') return { scheme: 'ecdsa-p256', key };
  if (type === 'ec' && details.namedCurve === 'secp384r1') return { scheme: 'ecdsa-p384', key };
  if (type === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < 2048 || bits > 4096) {
      throw new PieEmulatorConfigError(`unsupported RSA key size ${bits} bits (${label}): 2048–4096 allowed`);
    }
    return { scheme: 'rsa', key, rsaBytes: Math.ceil(bits / 8) };
  }
  throw new PieEmulatorConfigError(`unsupported public key type ${type}${details.namedCurve ? ` ${details.namedCurve}` : ''} (${label})`);
}

/**
 * Checks a signature over the challenge bytes with the key's engine scheme. Malformed
 * signatures (raw r‖s for ECDSA, a wrong RSA length) simply fail.
 *
 * @example
 * ```ts
 * verifyChallengeSignature(parsed, challenge, sign(null, challenge, privateKey)); // => true
 * ```
 */
export function verifyChallengeSignature(authorized: AuthorizedKey, challenge: Uint8Array, signature: Uint8Array): boolean {
  try {
    switch (authorized.scheme) {
      case 'ed25519':
        return signature.length === 64 && verify(null, challenge, authorized.key, signature);
      case 'ecdsa-p256':
        return verify('sha256', challenge, { key: authorized.key, dsaEncoding: 'der' }, signature);
      case 'ecdsa-p384':
        return verify('sha384', challenge, { key: authorized.key, dsaEncoding: 'der' }, signature);
      case 'rsa':
        return (
          signature.length === authorized.rsaBytes &&
          verify('sha256', challenge, { key: authorized.key, padding: constants.RSA_PKCS1_PADDING }, signature)
        );
    }
  } catch {
    return false;
  }
}

const STANDARD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const STANDARD_VALUES: (number | undefined)[] = [];
for (let i = 0; i < STANDARD_ALPHABET.length; i++) STANDARD_VALUES[STANDARD_ALPHABET.charCodeAt(i)] = i;
const EQUALS = 0x3d;

/**
 * Strict standard base64 (RFC 4648 `+/` alphabet, padding required, no whitespace, canonical
 * trailing bits). Returns the bytes, or the error detail in the wording of the engine's
 * base64 library (`Invalid symbol <byte>, offset <i>.`, `Invalid padding`,
 * `Invalid last symbol <byte>, offset <i>.`; the exact library wording is not in the
 * protocol reference, so these follow the Rust `base64` crate's messages).
 *
 * @example
 * ```ts
 * decodeStrictBase64('YWJj'); // => { bytes: Uint8Array [97, 98, 99] }
 * decodeStrictBase64('YWJ');  // => { error: 'Invalid padding' }
 * ```
 */
export function decodeStrictBase64(text: string): { bytes: Uint8Array } | { error: string } {
  const raw = Buffer.from(text, 'utf8');
  let padStart = raw.length;
  while (padStart > 0 && raw[padStart - 1] === EQUALS) padStart--;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!;
    if (i < padStart ? STANDARD_VALUES[byte] === undefined : byte !== EQUALS) {
      return { error: `Invalid symbol ${byte}, offset ${i}.` };
    }
  }
  const padding = raw.length - padStart;
  if (raw.length % 4 !== 0 || padding > 2 || padding !== (4 - (padStart % 4)) % 4) {
    return { error: 'Invalid padding' };
  }
  if (padding > 0) {
    const lastIndex = padStart - 1;
    const unusedBitsMask = padding === 2 ? 0x0f : 0x03;
    if ((STANDARD_VALUES[raw[lastIndex]!]! & unusedBitsMask) !== 0) {
      return { error: `Invalid last symbol ${raw[lastIndex]}, offset ${lastIndex}.` };
    }
  }
  return { bytes: new Uint8Array(Buffer.from(text, 'base64')) };
}

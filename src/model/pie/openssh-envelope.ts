/**
 * A structural check of a `-----BEGIN OPENSSH PRIVATE KEY-----` block before it reaches
 * sshpk. sshpk decrypts through a Node stream whose late errors (a CBC blob of the wrong
 * length, a GCM blob without its tag) are thrown from an event listener, where no caller can
 * catch them. This check turns those inputs into an ordinary answer instead.
 */

const MAGIC = 'openssh-key-v1\0';

/** Ciphers sshpk decrypts without a late stream error, with their block size. */
const SAFE_CIPHERS: Readonly<Record<string, number>> = {
  none: 1,
  'aes128-ctr': 1,
  'aes192-ctr': 1,
  'aes256-ctr': 1,
  'aes128-cbc': 16,
  'aes192-cbc': 16,
  'aes256-cbc': 16,
  '3des-cbc': 8,
};

/**
 * Returns why an OpenSSH private key block cannot be handed to sshpk safely, or
 * `undefined` when it can. Never includes key material in the answer.
 *
 * @example
 * ```ts
 * import { opensshEnvelopeProblem } from './openssh-envelope.js';
 * opensshEnvelopeProblem('-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----');
 * // => 'malformed OpenSSH private key'
 * ```
 */
export function opensshEnvelopeProblem(text: string): string | undefined {
  const match = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (!match) return 'malformed OpenSSH private key';
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(match[1]!.replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  } catch {
    return 'malformed OpenSSH private key';
  }
  const reader = new FieldReader(bytes);
  if (!reader.startsWith(MAGIC)) return 'malformed OpenSSH private key';
  const cipher = reader.text();
  reader.field(); // kdf name
  reader.field(); // kdf options
  const keyCount = reader.uint32();
  if (cipher === undefined || keyCount === undefined || keyCount < 1 || keyCount > 16) {
    return 'malformed OpenSSH private key';
  }
  for (let i = 0; i < keyCount; i++) {
    if (reader.field() === undefined) return 'malformed OpenSSH private key';
  }
  const privateBlob = reader.field();
  if (privateBlob === undefined) return 'malformed OpenSSH private key';
  const blockSize = SAFE_CIPHERS[cipher];
  if (blockSize === undefined) return `OpenSSH private key encrypted with unsupported cipher ${JSON.stringify(cipher)}`;
  if (privateBlob.length % blockSize !== 0) return 'malformed OpenSSH private key';
  return undefined;
}

/**
 * Splits an SSH wire blob (an OpenSSH public key body, say) into its uint32
 * length-prefixed fields; `undefined` when a field runs past the end.
 *
 * @example
 * ```ts
 * sshFields(new Uint8Array([0, 0, 0, 1, 65, 0, 0, 0, 0])); // => [Uint8Array [65], Uint8Array []]
 * ```
 */
export function sshFields(bytes: Uint8Array): Uint8Array[] | undefined {
  const reader = new FieldReader(bytes);
  const fields: Uint8Array[] = [];
  while (!reader.atEnd()) {
    const field = reader.field();
    if (field === undefined) return undefined;
    fields.push(field);
  }
  return fields;
}

/** Reads SSH wire fields (uint32 length-prefixed) from a byte array; `undefined` past the end. */
class FieldReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  atEnd(): boolean {
    return this.offset >= this.bytes.length;
  }

  startsWith(prefix: string): boolean {
    for (let i = 0; i < prefix.length; i++) {
      if (this.bytes[i] !== prefix.charCodeAt(i)) return false;
    }
    this.offset = prefix.length;
    return true;
  }

  uint32(): number | undefined {
    if (this.offset + 4 > this.bytes.length) return undefined;
    const b = this.bytes;
    const o = this.offset;
    this.offset += 4;
    return ((b[o]! << 24) >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!;
  }

  field(): Uint8Array | undefined {
    const length = this.uint32();
    if (length === undefined || this.offset + length > this.bytes.length) return undefined;
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  text(): string | undefined {
    const raw = this.field();
    return raw === undefined || raw.length > 64 ? undefined : String.fromCharCode(...raw);
  }
}

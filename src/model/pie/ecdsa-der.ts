import { PieKeyError } from './errors.js';

/**
 * Converts a raw ECDSA signature `r‖s` (IEEE P1363, what WebCrypto's `subtle.sign` returns)
 * into the ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }` the engine verifies (spec 3.3).
 * Each integer is minimal big-endian, with a 0x00 prefix when its top bit is set.
 *
 * @example
 * ```ts
 * import { ecdsaSignatureToDer } from 'flame-pie-rx/pie';
 * const raw = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, challenge));
 * const der = ecdsaSignatureToDer(raw);
 * ```
 */
export function ecdsaSignatureToDer(raw: Uint8Array): Uint8Array {
  if (!(raw instanceof Uint8Array) || raw.length === 0 || raw.length % 2 !== 0 || raw.length > 132) {
    throw new PieKeyError('a raw ECDSA signature must be r‖s of two equal halves');
  }
  const half = raw.length / 2;
  const r = derInteger(raw.subarray(0, half));
  const s = derInteger(raw.subarray(half));
  const body = r.length + s.length;
  const head = body < 0x80 ? [0x30, body] : [0x30, 0x81, body];
  const out = new Uint8Array(head.length + body);
  out.set(head, 0);
  out.set(r, head.length);
  out.set(s, head.length + r.length);
  return out;
}

function derInteger(bigEndian: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bigEndian.length - 1 && bigEndian[start] === 0) start++;
  const digits = bigEndian.subarray(start);
  const pad = (digits[0]! & 0x80) !== 0 ? 1 : 0;
  const out = new Uint8Array(2 + pad + digits.length);
  out[0] = 0x02;
  out[1] = pad + digits.length;
  out.set(digits, 2 + pad);
  return out;
}

/**
 * Standard base64 (RFC 4648 `+/` alphabet, with padding) without `Buffer`, so the Pie
 * client stays browser-safe. The engine sends challenges and expects signatures in this
 * exact form (spec 3.2).
 */

/**
 * Encodes bytes as standard base64 with padding.
 *
 * @example
 * ```ts
 * encodeBase64(new Uint8Array([1, 2, 3])); // => 'AQID'
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}

/**
 * Decodes standard base64; returns `undefined` for text that is not valid base64.
 *
 * @example
 * ```ts
 * decodeBase64('AQID'); // => Uint8Array [1, 2, 3]
 * decodeBase64('not base64!'); // => undefined
 * ```
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  try {
    const binary = atob(text);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

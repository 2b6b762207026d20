import { blake3 } from '@noble/hashes/blake3.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * The blake3 hash (default 32-byte output) of a whole blob as 64 lowercase hex characters:
 * the `file_hash` of file transfers and the `program_hash` of uploads (spec 4.4, 5.3).
 *
 * @example
 * ```ts
 * import { hashBlob } from 'flame-pie-rx/pie';
 * hashBlob(new TextEncoder().encode('abc'));
 * // => '6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85'
 * ```
 */
export function hashBlob(bytes: Uint8Array): string {
  return bytesToHex(blake3(bytes));
}

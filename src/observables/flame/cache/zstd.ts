// ZSTD for Arrow IPC bodies. apache-arrow (21.x) decompresses record batch buffers through
// its global `compressionRegistry` but ships no ZSTD codec; the 0.6 cache compresses every
// DoGet batch with ZSTD (flame.md 6.2). fzstd (pure JS, so Node 20 and browsers work) is
// the decoder. A codec the application registered itself is kept.
import { CompressionType, compressionRegistry } from 'apache-arrow';
import { decompress } from 'fzstd';

/**
 * Makes sure apache-arrow can read ZSTD-compressed bodies. Idempotent.
 *
 * @example
 * ```ts
 * import { ensureArrowZstdDecoder } from 'flame-pie-rx/flame/cache';
 * ensureArrowZstdDecoder();
 * ```
 */
export function ensureArrowZstdDecoder(): void {
  const existing = compressionRegistry.get(CompressionType.ZSTD);
  if (existing?.decode) return;
  compressionRegistry.set(CompressionType.ZSTD, { ...existing, decode: (data: Uint8Array) => decompress(data) });
}

// Turns what a caller hands to put/patch into a pull source of chunks of at most
// `chunkBytes` each, without copying a Uint8Array (chunks are views into it).
import { FlameCachePayloadError } from '../../../model/flame/cache-errors.js';

/** What put and patch take: bytes, text (UTF-8), or chunks produced over time. */
export type CachePayload = Uint8Array | string | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * The 0.7 limit on a write chunk, and the chunk size of both versions' writes.
 *
 * @example
 * ```ts
 * import { CACHE_CHUNK_BYTES } from 'flame-pie-rx/flame/cache';
 * CACHE_CHUNK_BYTES; // => 1048576
 * ```
 */
export const CACHE_CHUNK_BYTES = 1024 * 1024;

/** The payload's size when known up front (bytes or text), else undefined. */
export function payloadSize(payload: CachePayload): number | undefined {
  if (payload instanceof Uint8Array) return payload.byteLength;
  if (typeof payload === 'string') return Buffer.byteLength(payload, 'utf8');
  return undefined;
}

/** Checks the payload's type now (before any call starts); throws `FlameCachePayloadError`. */
export function checkPayload(payload: CachePayload): void {
  if (payload instanceof Uint8Array || typeof payload === 'string') return;
  if (payload !== null && typeof payload === 'object') {
    if (Symbol.asyncIterator in payload || Symbol.iterator in payload) return;
  }
  throw new FlameCachePayloadError(`payload must be bytes, a string or an (async) iterable of bytes, got ${describe(payload)}`);
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** The payload as chunks of at most `chunkBytes` (zero chunks for an empty payload). */
export async function* payloadChunks(payload: CachePayload, chunkBytes = CACHE_CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  if (typeof payload === 'string') payload = Buffer.from(payload, 'utf8');
  if (payload instanceof Uint8Array) {
    for (let offset = 0; offset < payload.byteLength; offset += chunkBytes) {
      yield payload.subarray(offset, Math.min(offset + chunkBytes, payload.byteLength));
    }
    return;
  }
  for await (const piece of payload as AsyncIterable<Uint8Array>) {
    if (!(piece instanceof Uint8Array)) throw new FlameCachePayloadError(`payload chunk must be bytes, got ${describe(piece)}`);
    for (let offset = 0; offset < piece.byteLength; offset += chunkBytes) {
      yield piece.subarray(offset, Math.min(offset + chunkBytes, piece.byteLength));
    }
  }
}

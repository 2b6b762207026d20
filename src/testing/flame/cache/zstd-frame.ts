// The ZSTD encoder of the 0.6 cache emulator, registered with apache-arrow so DoGet bodies
// are ZSTD-compressed like the real server's. Node's own zstd (22.15+, 23.8+) when it has
// one; otherwise a small frame writer using only RLE and raw blocks (RFC 8878 3.1.1): valid
// ZSTD that any decoder reads, compressing runs of one byte value.
import { CompressionType, compressionRegistry } from 'apache-arrow';
import * as zlib from 'node:zlib';

const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const MAX_BLOCK = 128 * 1024;

function blockHeader(last: boolean, type: 0 | 1, size: number): number[] {
  const value = (last ? 1 : 0) | (type << 1) | (size << 3);
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff];
}

function allSame(data: Uint8Array, start: number, end: number): boolean {
  const first = data[start];
  for (let i = start + 1; i < end; i++) if (data[i] !== first) return false;
  return true;
}

/**
 * One ZSTD frame of RLE and raw blocks, with the content size in its header.
 *
 * @example
 * ```ts
 * rleZstdFrame(new Uint8Array(1000)).length; // => 22
 * ```
 */
export function rleZstdFrame(data: Uint8Array): Uint8Array {
  const pieces: Uint8Array[] = [];
  const header = Buffer.alloc(13);
  header.set(MAGIC, 0);
  header[4] = 0xe0; // 8-byte Frame_Content_Size, Single_Segment
  header.writeBigUInt64LE(BigInt(data.byteLength), 5);
  pieces.push(header);
  if (data.byteLength === 0) pieces.push(Uint8Array.from(blockHeader(true, 0, 0)));
  for (let at = 0; at < data.byteLength; at += MAX_BLOCK) {
    const end = Math.min(at + MAX_BLOCK, data.byteLength);
    const last = end === data.byteLength;
    if (allSame(data, at, end)) pieces.push(Uint8Array.from([...blockHeader(last, 1, end - at), data[at]!]));
    else pieces.push(Uint8Array.from(blockHeader(last, 0, end - at)), data.subarray(at, end));
  }
  return Buffer.concat(pieces);
}

type NodeZstd = { zstdCompressSync?: (data: Uint8Array) => Buffer };

/** Registers the encoder with apache-arrow (keeping any decoder). Idempotent. */
export function ensureArrowZstdEncoder(): void {
  const existing = compressionRegistry.get(CompressionType.ZSTD);
  if (existing?.encode) return;
  const native = (zlib as unknown as NodeZstd).zstdCompressSync;
  const encode = native ? (data: Uint8Array) => new Uint8Array(native(data)) : rleZstdFrame;
  compressionRegistry.set(CompressionType.ZSTD, { ...existing, encode });
}

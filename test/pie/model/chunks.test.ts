import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE, FileAssembler, chunkBlob, chunkCount, sanitizeFileName, type FileChunk } from '../../../src/model/pie/chunks.js';
import { PieFileError } from '../../../src/model/pie/errors.js';
import { hashBlob } from '../../../src/model/pie/hash.js';

function blob(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}

function framesOf(processId: string, bytes: Uint8Array): FileChunk[] {
  const chunks = chunkBlob(bytes);
  const fileHash = hashBlob(bytes);
  return chunks.map((chunkData, chunkIndex) => ({ processId, fileHash, chunkIndex, totalChunks: chunks.length, chunkData }));
}

describe('chunkBlob / chunkCount', () => {
  it('uses 256 KiB chunks', () => {
    expect(CHUNK_SIZE).toBe(262144);
  });

  it('turns an empty blob into exactly one empty chunk', () => {
    const chunks = chunkBlob(new Uint8Array(0));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.length).toBe(0);
    expect(chunkCount(0)).toBe(1);
  });

  it('keeps a small blob in one chunk that is a view, not a copy', () => {
    const bytes = blob(10);
    const chunks = chunkBlob(bytes);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.buffer).toBe(bytes.buffer);
    expect([...chunks[0]!]).toEqual([...bytes]);
  });

  it('splits an exact multiple into full chunks only', () => {
    const chunks = chunkBlob(blob(2 * CHUNK_SIZE));
    expect(chunks.map((c) => c.length)).toEqual([CHUNK_SIZE, CHUNK_SIZE]);
    expect(chunkCount(2 * CHUNK_SIZE)).toBe(2);
  });

  it('splits many chunks with a short last one, covering every byte in order', () => {
    const bytes = blob(3 * CHUNK_SIZE + 5);
    const chunks = chunkBlob(bytes);
    expect(chunks.map((c) => c.length)).toEqual([CHUNK_SIZE, CHUNK_SIZE, CHUNK_SIZE, 5]);
    expect(chunks[3]!.byteOffset).toBe(3 * CHUNK_SIZE);
    expect(chunkCount(bytes.length)).toBe(4);
    expect(chunkCount(CHUNK_SIZE + 1)).toBe(2);
  });

  it('rejects an impossible length', () => {
    expect(() => chunkCount(-1)).toThrow(PieFileError);
    expect(() => chunkCount(1.5)).toThrow(PieFileError);
  });
});

describe('FileAssembler', () => {
  it('reassembles in-order chunks and verifies the hash', () => {
    const bytes = blob(2 * CHUNK_SIZE + 100);
    const files = new FileAssembler();
    const frames = framesOf('p1', bytes);
    expect(files.add(frames[0]!)).toBeUndefined();
    expect(files.add(frames[1]!)).toBeUndefined();
    expect(files.pendingFiles).toBe(1);
    const done = files.add(frames[2]!);
    expect(done).toBeInstanceOf(Uint8Array);
    expect(done!.length).toBe(bytes.length);
    expect(hashBlob(done!)).toBe(hashBlob(bytes));
    expect(files.pendingFiles).toBe(0);
  });

  it('returns a single-chunk file as a fresh copy', () => {
    const bytes = new TextEncoder().encode('hello');
    const files = new FileAssembler();
    const done = files.add(framesOf('p1', bytes)[0]!);
    expect(new TextDecoder().decode(done)).toBe('hello');
    expect(done!.buffer).not.toBe(bytes.buffer);
  });

  it('accepts bigint indices as a MessagePack decoder may give them', () => {
    const bytes = blob(10);
    const files = new FileAssembler();
    const done = files.add({ ...framesOf('p1', bytes)[0]!, chunkIndex: 0n, totalChunks: 1n });
    expect(done!.length).toBe(10);
  });

  it('keeps files of different processes and hashes apart', () => {
    const a = blob(CHUNK_SIZE + 1);
    const b = blob(CHUNK_SIZE + 2);
    const files = new FileAssembler();
    const fa = framesOf('p1', a);
    const fb = framesOf('p2', b);
    files.add(fa[0]!);
    files.add(fb[0]!);
    expect(files.pendingFiles).toBe(2);
    expect(files.add(fb[1]!)!.length).toBe(b.length);
    expect(files.add(fa[1]!)!.length).toBe(a.length);
  });

  it('rejects a first chunk that is not chunk 0', () => {
    const files = new FileAssembler();
    const frames = framesOf('p1', blob(CHUNK_SIZE + 1));
    expect(() => files.add(frames[1]!)).toThrow(/first chunk must have index 0, got 1/);
    expect(files.pendingFiles).toBe(0);
  });

  it('rejects an out-of-order chunk and drops the partial file', () => {
    const files = new FileAssembler();
    const frames = framesOf('p1', blob(3 * CHUNK_SIZE));
    files.add(frames[0]!);
    let caught: unknown;
    try {
      files.add(frames[2]!);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PieFileError);
    expect((caught as PieFileError).message).toMatch(/out-of-order chunk, expected 1, got 2/);
    expect((caught as PieFileError).processId).toBe('p1');
    expect(files.pendingFiles).toBe(0);
  });

  it('rejects a changing chunk count', () => {
    const files = new FileAssembler();
    const frames = framesOf('p1', blob(3 * CHUNK_SIZE));
    files.add(frames[0]!);
    expect(() => files.add({ ...frames[1]!, totalChunks: 4 })).toThrow(/chunk count changed from 3 to 4/);
  });

  it('rejects impossible indices and counts', () => {
    const files = new FileAssembler();
    const base = framesOf('p1', blob(4))[0]!;
    expect(() => files.add({ ...base, totalChunks: 0 })).toThrow(PieFileError);
    expect(() => files.add({ ...base, chunkIndex: 1 })).toThrow(PieFileError);
    expect(() => files.add({ ...base, chunkIndex: -1 })).toThrow(PieFileError);
    expect(() => files.add({ ...base, chunkIndex: 0.5 })).toThrow(PieFileError);
    expect(() => files.add({ ...base, chunkData: 'abc' as unknown as Uint8Array })).toThrow(/malformed file chunk/);
  });

  it('rejects a file whose bytes do not match its hash', () => {
    const files = new FileAssembler();
    const frames = framesOf('p1', blob(CHUNK_SIZE + 3));
    files.add(frames[0]!);
    const corrupted = frames[1]!.chunkData.slice();
    corrupted[0] ^= 1;
    expect(() => files.add({ ...frames[1]!, chunkData: corrupted })).toThrow(/does not match its hash/);
    expect(files.pendingFiles).toBe(0);
  });

  it('rejects an uppercase hash, which the bytes can never match', () => {
    const bytes = blob(8);
    const frame = framesOf('p1', bytes)[0]!;
    expect(() => new FileAssembler().add({ ...frame, fileHash: frame.fileHash.toUpperCase() })).toThrow(PieFileError);
  });

  it('caps the size of one file', () => {
    const files = new FileAssembler({ maxFileBytes: CHUNK_SIZE + 10 });
    const frames = framesOf('p1', blob(CHUNK_SIZE + 11));
    files.add(frames[0]!);
    expect(() => files.add(frames[1]!)).toThrow(/exceeds the 262154-byte limit/);
    expect(files.pendingFiles).toBe(0);
    const fits = framesOf('p1', blob(CHUNK_SIZE + 10));
    files.add(fits[0]!);
    expect(files.add(fits[1]!)!.length).toBe(CHUNK_SIZE + 10);
  });

  it('caps how many files may be in progress', () => {
    const files = new FileAssembler({ maxPendingFiles: 2 });
    const frames = ['p1', 'p2', 'p3'].map((id) => framesOf(id, blob(CHUNK_SIZE + 1)));
    files.add(frames[0]![0]!);
    files.add(frames[1]![0]!);
    expect(() => files.add(frames[2]![0]!)).toThrow(/more than 2 files in progress/);
    expect(files.pendingFiles).toBe(2);
    // The files already in progress are unaffected.
    expect(files.add(frames[0]![1]!)).toBeInstanceOf(Uint8Array);
    // The slot the completed file freed takes the refused file now.
    expect(files.add(frames[2]![0]!)).toBeUndefined();
    expect(files.pendingFiles).toBe(2);
  });

  it('discards the partial files of one process only', () => {
    const files = new FileAssembler();
    const a = framesOf('p1', blob(CHUNK_SIZE + 1));
    const b = framesOf('p2', blob(CHUNK_SIZE + 1));
    files.add(a[0]!);
    files.add(b[0]!);
    files.discard('p1');
    expect(files.pendingFiles).toBe(1);
    expect(() => files.add(a[1]!)).toThrow(/first chunk must have index 0/);
    expect(files.add(b[1]!)).toBeInstanceOf(Uint8Array);
    files.add(a[0]!);
    files.clear();
    expect(files.pendingFiles).toBe(0);
  });

  it('refuses nonsensical limits', () => {
    expect(() => new FileAssembler({ maxFileBytes: 0 })).toThrow(PieFileError);
    expect(() => new FileAssembler({ maxPendingFiles: 1.5 })).toThrow(PieFileError);
  });
});

describe('file names from gateways', () => {
  it('sanitizeFileName keeps the last path part, drops NUL, trims, falls back on empty, . and ..', () => {
    expect(sanitizeFileName('out.png')).toBe('out.png');
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('C:\\Users\\x\\report.pdf')).toBe('report.pdf');
    expect(sanitizeFileName('  a\0b.txt ')).toBe('ab.txt');
    expect(sanitizeFileName('dir/')).toBe('file.bin');
    expect(sanitizeFileName('..')).toBe('file.bin');
    expect(sanitizeFileName('a/.')).toBe('file.bin');
    expect(sanitizeFileName(null, 'x.bin')).toBe('x.bin');
    expect(sanitizeFileName(undefined)).toBe('file.bin');
  });

  it("FileAssembler.addChunk keeps the first chunk's name", () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const files = new FileAssembler();
    const base = { processId: 'p', fileHash: hashBlob(bytes), totalChunks: 2 };
    expect(files.addChunk({ ...base, chunkIndex: 0, chunkData: bytes.subarray(0, 2), name: 'first.bin' })).toBeUndefined();
    expect(files.addChunk({ ...base, chunkIndex: 1, chunkData: bytes.subarray(2), name: 'second.bin' })).toEqual({ bytes, name: 'first.bin' });
    expect(new FileAssembler().addChunk({ ...base, totalChunks: 1, chunkIndex: 0, chunkData: bytes })).toEqual({ bytes });
  });
});

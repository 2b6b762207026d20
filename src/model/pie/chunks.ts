import { PieFileError } from './errors.js';
import { hashBlob } from './hash.js';

/**
 * The chunk size every Pie client and the engine use for uploads and file transfers:
 * 256 KiB (spec 4.4).
 *
 * @example
 * ```ts
 * import { CHUNK_SIZE } from 'flame-pie-rx/pie';
 * CHUNK_SIZE; // => 262144
 * ```
 */
export const CHUNK_SIZE = 262144;

/**
 * How many chunks `chunkBlob` makes of a blob of `length` bytes: `ceil(length / 262144)`,
 * and 1 for an empty blob (which is sent as one empty chunk; `total_chunks=0` never
 * completes on the engine).
 *
 * @example
 * ```ts
 * import { chunkCount } from 'flame-pie-rx/pie';
 * chunkCount(0); // => 1
 * chunkCount(262145); // => 2
 * ```
 */
export function chunkCount(length: number): number {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new PieFileError(`invalid blob length ${String(length)}`);
  }
  return length === 0 ? 1 : Math.ceil(length / CHUNK_SIZE);
}

/**
 * Splits a blob into 256 KiB chunks (views on `bytes`, no copies); chunk `i` holds bytes
 * `[i·262144, min((i+1)·262144, length))`. An empty blob gives exactly one empty chunk.
 *
 * @example
 * ```ts
 * import { chunkBlob } from 'flame-pie-rx/pie';
 * chunkBlob(new Uint8Array(300000)).map((c) => c.length); // => [262144, 37856]
 * ```
 */
export function chunkBlob(bytes: Uint8Array): Uint8Array[] {
  const count = chunkCount(bytes.length);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    chunks.push(bytes.subarray(i * CHUNK_SIZE, Math.min((i + 1) * CHUNK_SIZE, bytes.length)));
  }
  return chunks;
}

/** One chunk of an incoming file, with the fields of a `file` frame (spec 2.2) in camelCase. */
export interface FileChunk {
  processId: string;
  fileHash: string;
  chunkIndex: number | bigint;
  totalChunks: number | bigint;
  chunkData: Uint8Array;
  /** The sender's file name (gateways put it on every chunk; the first chunk's counts). */
  name?: string | undefined;
}

/** Limits of a `FileAssembler`. */
export interface FileAssemblerOptions {
  /** Largest file accepted, in bytes (default 256 MiB, the engine's default upload cap). */
  maxFileBytes?: number;
  /** How many files may be partially received at once (default 16). */
  maxPendingFiles?: number;
}

interface PendingFile {
  readonly processId: string;
  readonly fileHash: string;
  readonly totalChunks: number;
  readonly parts: Uint8Array[];
  size: number;
  readonly name?: string;
}

/**
 * Reassembles the `file` frames an inferlet sends (spec 4.4), per process and file hash.
 * Chunks must start at 0 and arrive in order with a constant `totalChunks`; the file may not
 * exceed `maxFileBytes`, and at most `maxPendingFiles` files may be in progress. On
 * completion the bytes are checked against the blake3 `fileHash`. Any violation throws
 * `PieFileError` and drops that partial file.
 *
 * @example
 * ```ts
 * import { FileAssembler, hashBlob } from 'flame-pie-rx/pie';
 * const bytes = new TextEncoder().encode('hello');
 * const files = new FileAssembler();
 * files.add({ processId: 'p1', fileHash: hashBlob(bytes), chunkIndex: 0, totalChunks: 1, chunkData: bytes });
 * // => Uint8Array of 'hello'
 * ```
 */
export class FileAssembler {
  readonly maxFileBytes: number;
  readonly maxPendingFiles: number;
  private readonly pending = new Map<string, PendingFile>();

  constructor(options: FileAssemblerOptions = {}) {
    this.maxFileBytes = positiveInteger(options.maxFileBytes ?? 256 * 1024 * 1024, 'maxFileBytes');
    this.maxPendingFiles = positiveInteger(options.maxPendingFiles ?? 16, 'maxPendingFiles');
  }

  /** Number of files partially received. */
  get pendingFiles(): number {
    return this.pending.size;
  }

  /**
   * Adds one chunk. Returns the whole file (a fresh copy) when this chunk completes it and
   * its hash matches, `undefined` while more chunks are due; throws `PieFileError` otherwise.
   *
   * @example
   * ```ts
   * import { FileAssembler } from 'flame-pie-rx/pie';
   * new FileAssembler().add({ processId: 'p1', fileHash: 'h', chunkIndex: 0, totalChunks: 2, chunkData: new Uint8Array(1) }); // => undefined
   * ```
   */
  add(chunk: FileChunk): Uint8Array | undefined {
    return this.addChunk(chunk)?.bytes;
  }

  /**
   * `add`, also handing back the name the first chunk carried (gateways), unsanitised.
   *
   * @example
   * ```ts
   * import { FileAssembler } from 'flame-pie-rx/pie';
   * new FileAssembler().addChunk({ processId: 'p1', fileHash: 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262', chunkIndex: 0, totalChunks: 1, chunkData: new Uint8Array(0), name: 'a.txt' });
   * // => { bytes: Uint8Array [], name: 'a.txt' }
   * ```
   */
  addChunk(chunk: FileChunk): { bytes: Uint8Array; name?: string } | undefined {
    const { processId, fileHash, chunkData } = chunk;
    const where = { processId, fileHash };
    if (typeof processId !== 'string' || typeof fileHash !== 'string' || !(chunkData instanceof Uint8Array)) {
      throw new PieFileError('malformed file chunk', where);
    }
    const index = toIndex(chunk.chunkIndex);
    const total = toIndex(chunk.totalChunks);
    const key = `${processId}\n${fileHash}`;
    const file = this.pending.get(key);
    if (total === undefined || total < 1 || index === undefined || index >= total) {
      this.pending.delete(key);
      throw new PieFileError(
        `file ${fileHash} of process ${processId}: invalid chunk ${String(chunk.chunkIndex)} of ${String(chunk.totalChunks)}`,
        where,
      );
    }
    if (file === undefined) {
      return this.start(key, { processId, fileHash, total, index, chunkData, ...(typeof chunk.name === 'string' ? { name: chunk.name } : {}) });
    }
    if (total !== file.totalChunks) {
      this.pending.delete(key);
      throw new PieFileError(
        `file ${fileHash} of process ${processId}: chunk count changed from ${file.totalChunks} to ${total}`,
        where,
      );
    }
    if (index !== file.parts.length) {
      this.pending.delete(key);
      throw new PieFileError(
        `file ${fileHash} of process ${processId}: out-of-order chunk, expected ${file.parts.length}, got ${index}`,
        where,
      );
    }
    return this.append(key, file, chunkData);
  }

  /**
   * Drops every partial file of a process (it ended, or its stream was abandoned).
   *
   * @example
   * ```ts
   * import { FileAssembler } from 'flame-pie-rx/pie';
   * const files = new FileAssembler();
   * files.discard('p1');
   * files.pendingFiles; // => 0
   * ```
   */
  discard(processId: string): void {
    for (const [key, file] of this.pending) {
      if (file.processId === processId) this.pending.delete(key);
    }
  }

  /**
   * Drops every partial file.
   *
   * @example
   * ```ts
   * import { FileAssembler } from 'flame-pie-rx/pie';
   * new FileAssembler().clear();
   * ```
   */
  clear(): void {
    this.pending.clear();
  }

  private start(
    key: string,
    first: { processId: string; fileHash: string; total: number; index: number; chunkData: Uint8Array; name?: string },
  ): { bytes: Uint8Array; name?: string } | undefined {
    const where = { processId: first.processId, fileHash: first.fileHash };
    if (first.index !== 0) {
      throw new PieFileError(
        `file ${first.fileHash} of process ${first.processId}: first chunk must have index 0, got ${first.index}`,
        where,
      );
    }
    if (this.pending.size >= this.maxPendingFiles) {
      throw new PieFileError(
        `file ${first.fileHash} of process ${first.processId}: more than ${this.maxPendingFiles} files in progress`,
        where,
      );
    }
    const file: PendingFile = { ...where, totalChunks: first.total, parts: [], size: 0, ...(first.name !== undefined ? { name: first.name } : {}) };
    this.pending.set(key, file);
    return this.append(key, file, first.chunkData);
  }

  private append(key: string, file: PendingFile, chunkData: Uint8Array): { bytes: Uint8Array; name?: string } | undefined {
    const where = { processId: file.processId, fileHash: file.fileHash };
    file.size += chunkData.length;
    if (file.size > this.maxFileBytes) {
      this.pending.delete(key);
      throw new PieFileError(
        `file ${file.fileHash} of process ${file.processId} exceeds the ${this.maxFileBytes}-byte limit`,
        where,
      );
    }
    file.parts.push(chunkData);
    if (file.parts.length < file.totalChunks) return undefined;
    this.pending.delete(key);
    const bytes = concatBytes(file.parts, file.size);
    const actual = hashBlob(bytes);
    if (actual !== file.fileHash) {
      throw new PieFileError(
        `file of process ${file.processId} does not match its hash: expected ${file.fileHash}, got ${actual}`,
        where,
      );
    }
    return file.name === undefined ? { bytes } : { bytes, name: file.name };
  }
}

/**
 * Makes a received file name safe to use as a local file name, as the 0.5 clients do
 * (pie-gateway.md 4.3): keeps the part after the last `/` or `\\`, removes NUL, trims, and
 * answers `fallback` when nothing usable is left (empty, `.` or `..`). The name is a
 * suggestion from the wire, never a path to trust.
 *
 * @example
 * ```ts
 * import { sanitizeFileName } from 'flame-pie-rx/pie';
 * sanitizeFileName('../../etc/passwd'); // => 'passwd'
 * sanitizeFileName('..'); // => 'file.bin'
 * ```
 */
export function sanitizeFileName(name: string | null | undefined, fallback = 'file.bin'): string {
  if (typeof name !== 'string') return fallback;
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).replace(/\0/g, '').trim();
  return base === '' || base === '.' || base === '..' ? fallback : base;
}

/**
 * Joins byte parts into one fresh array of `size` bytes (the parts may be views on receive
 * buffers the caller reuses).
 *
 * @example
 * ```ts
 * import { concatBytes } from 'flame-pie-rx/pie';
 * concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])], 3); // => Uint8Array [1, 2, 3]
 * ```
 */
export function concatBytes(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function toIndex(value: number | bigint): number | undefined {
  const n = typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new PieFileError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

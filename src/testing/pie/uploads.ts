// Per-connection reassembly of chunked uploads keyed by hash (protocol reference 5.3, 5.4,
// 4.4). Program uploads and client→process files share one table, as in the engine.
import { chunkCountMismatch, outOfOrderChunk, PIE_TEXT, uploadCapExceeded } from './strings.js';
import { concatBytes } from '../../model/pie/chunks.js';

/** One chunk as it arrives (fields of `add_program` / `transfer_file`). */
export interface UploadChunk {
  hash: string;
  chunkIndex: number;
  totalChunks: number;
  data: Uint8Array;
}

/** Values captured from the first chunk of an upload (later chunks' values are ignored). */
export interface UploadHeader {
  manifest: string;
  forceOverwrite: boolean;
}

interface PartialUpload {
  totalChunks: number;
  nextIndex: number;
  size: number;
  parts: Uint8Array[];
  header: UploadHeader;
}

/** Outcome of accepting one chunk. */
export type ChunkOutcome =
  | { kind: 'pending' }
  | { kind: 'failed'; message: string }
  | { kind: 'complete'; bytes: Uint8Array; header: UploadHeader };

/**
 * The in-progress uploads of one connection. A failed chunk discards its upload; a
 * half-finished upload stays forever (so a retry that restarts at chunk 0 fails once with
 * `Out-of-order chunk`), exactly as the engine does.
 *
 * @example
 * ```ts
 * const table = new UploadTable(256);
 * table.accept({ hash: 'h', chunkIndex: 0, totalChunks: 1, data: new Uint8Array() }, { manifest: '', forceOverwrite: true });
 * // => { kind: 'complete', bytes: Uint8Array [], header: {...} }
 * ```
 */
export class UploadTable {
  private readonly uploads = new Map<string, PartialUpload>();

  constructor(private readonly maxUploadMb: number) {}

  /** Accepts a chunk, following the engine's order of checks. */
  accept(chunk: UploadChunk, header: UploadHeader): ChunkOutcome {
    let upload = this.uploads.get(chunk.hash);
    if (!upload) {
      if (chunk.chunkIndex !== 0) return { kind: 'failed', message: PIE_TEXT.firstChunkIndex };
      upload = { totalChunks: chunk.totalChunks, nextIndex: 0, size: 0, parts: [], header };
      this.uploads.set(chunk.hash, upload);
    }
    if (chunk.totalChunks !== upload.totalChunks) {
      this.uploads.delete(chunk.hash);
      return { kind: 'failed', message: chunkCountMismatch(upload.totalChunks, chunk.totalChunks) };
    }
    if (chunk.chunkIndex !== upload.nextIndex) {
      this.uploads.delete(chunk.hash);
      return { kind: 'failed', message: outOfOrderChunk(upload.nextIndex, chunk.chunkIndex) };
    }
    if (upload.size + chunk.data.length > this.maxUploadMb * 1024 * 1024) {
      this.uploads.delete(chunk.hash);
      return { kind: 'failed', message: uploadCapExceeded(this.maxUploadMb) };
    }
    upload.parts.push(chunk.data);
    upload.size += chunk.data.length;
    upload.nextIndex += 1;
    // `total_chunks = 0` therefore never completes (and is never answered), as upstream.
    if (upload.nextIndex !== upload.totalChunks) return { kind: 'pending' };
    this.uploads.delete(chunk.hash);
    return { kind: 'complete', bytes: concatBytes(upload.parts, upload.size), header: upload.header };
  }
}

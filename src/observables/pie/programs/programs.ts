import { EMPTY, Observable, defer, from, map, switchMap, throwError } from 'rxjs';
import { chunkBlob } from '../../../model/pie/chunks.js';
import { PieProtocolError, PieUploadError } from '../../../model/pie/errors.js';
import { hashBlob } from '../../../model/pie/hash.js';
import { parseProgramId } from '../../../model/pie/program-id.js';
import type { AddProgramMessage, CheckProgramMessage } from '../../../transport/ws/messages.js';
import type { PieConnectionLike } from '../connection/connection-like.js';
import { bytesFrom, textFrom } from './local-files.js';
import { okResult } from '../connection/responses.js';

/** Program bytes: given directly, or a path to a `.wasm` file (Node only). */
export type WasmSource = Uint8Array | string | { readonly path: string };
/** A manifest: TOML text given directly, or `{ path }` of a `Pie.toml` file (Node only). */
export type ManifestSource = string | { readonly path: string };

/** Local copies to hash for `checkProgram` (the engine accepts and ignores the hashes, spec 2.4.3). */
export interface CheckProgramOptions {
  readonly wasm?: WasmSource;
  readonly manifest?: ManifestSource;
  readonly timeoutMs?: number;
}

/** What `addProgram` uploads. */
export interface AddProgramOptions {
  readonly wasm: WasmSource;
  readonly manifest: ManifestSource;
  /** Replace a stored program of the same name and version (spec 5.6). Default false. */
  readonly forceOverwrite?: boolean;
  /** Time allowed for the engine's reply after the last chunk (it compiles first). */
  readonly timeoutMs?: number;
}

/** Progress of a chunked upload or file transfer, emitted after each chunk is handed to the socket. */
export interface UploadProgress {
  readonly sentChunks: number;
  readonly totalChunks: number;
  readonly sentBytes: number;
  readonly totalBytes: number;
  /**
   * Present (2) only on the events of the automatic retry of an abandoned upload (see
   * `addProgram`): the upload started again from the first chunk, so a progress display
   * should restart rather than read the lower count as going backwards.
   */
  readonly attempt?: number;
}

/**
 * The engine's reply to a successful upload (spec 2.5).
 *
 * @example
 * ```ts
 * response.ok && response.result === PROGRAM_INSTALLED_RESULT; // the upload was accepted
 * ```
 */
export const PROGRAM_INSTALLED_RESULT = 'Program installed successfully';

const encoder = new TextEncoder();

/**
 * `check_program`: whether the engine's store knows `name@version`. The id is validated
 * locally first (`PieProgramIdError`); given local copies, their blake3 hashes are sent.
 *
 * @example
 * ```ts
 * checkProgram(connection, 'chat@1.0.0').subscribe((known) => console.log(known));
 * ```
 */
export function checkProgram(
  connection: PieConnectionLike,
  programId: string,
  options: CheckProgramOptions = {},
): Observable<boolean> {
  return defer(async () => {
    const { name, version } = parseProgramId(programId);
    const message: { -readonly [K in keyof CheckProgramMessage]: CheckProgramMessage[K] } = {
      type: 'check_program',
      name,
      version,
    };
    if (options.wasm !== undefined) message.wasm_hash = hashBlob(await bytesFrom(options.wasm));
    if (options.manifest !== undefined) message.manifest_hash = hashBlob(encoder.encode(await textFrom(options.manifest)));
    return message;
  }).pipe(
    switchMap((message) => connection.request(message, { timeoutMs: options.timeoutMs })),
    okResult('check_program'),
    map((result) => {
      if (result === 'true') return true;
      if (result === 'false') return false;
      throw new PieProtocolError(`check_program answered ${JSON.stringify(result)} instead of true/false`);
    }),
  );
}

/**
 * The `add_program` frames of one upload: 256 KiB chunks sharing one `corr_id`,
 * `program_hash` = blake3 hex of the wasm bytes; an empty program is one empty chunk.
 *
 * @example
 * ```ts
 * addProgramFrames(new Uint8Array(0), '[package]\nname = "x"\nversion = "0.1.0"', true).length; // => 1
 * ```
 */
export function addProgramFrames(wasm: Uint8Array, manifest: string, forceOverwrite: boolean): AddProgramMessage[] {
  const programHash = hashBlob(wasm);
  const chunks = chunkBlob(wasm);
  return chunks.map((chunk, index) => ({
    type: 'add_program',
    program_hash: programHash,
    manifest,
    force_overwrite: forceOverwrite,
    chunk_index: index,
    total_chunks: chunks.length,
    chunk_data: chunk,
  }));
}

const ABANDONED_UPLOAD = /^Out-of-order chunk: expected \d+, got 0$/;

/**
 * Uploads a program (spec 5): emits `UploadProgress` after each chunk and completes when the
 * engine answers `Program installed successfully`; any refusal errors with `PieUploadError`
 * carrying the engine's text (e.g. `upload exceeds max_upload_mb cap of 1 MiB`). If an
 * earlier upload of the same bytes was abandoned on this connection, the engine refuses the
 * first retry with `Out-of-order chunk: expected <k>, got 0` (spec 5.3); that one refusal
 * is followed by one automatic retry, which the engine accepts: its progress starts again at
 * chunk 1 and carries `attempt: 2`. Unsubscribing stops the upload before the next chunk
 * (even from inside a progress callback); the engine keeps the chunks it got as an
 * abandoned upload, which the next upload of the same bytes retries past.
 *
 * @example
 * ```ts
 * addProgram(connection, { wasm: './app.wasm', manifest: { path: './Pie.toml' }, forceOverwrite: true })
 *   .subscribe((p) => console.log(`${p.sentBytes}/${p.totalBytes}`));
 * ```
 */
export function addProgram(connection: PieConnectionLike, options: AddProgramOptions): Observable<UploadProgress> {
  return defer(() => from(Promise.all([bytesFrom(options.wasm), textFrom(options.manifest)]))).pipe(
    switchMap(([wasm, manifest]) => {
      const frames = addProgramFrames(wasm, manifest, options.forceOverwrite ?? false);
      return uploadFrames(connection, frames, wasm.length, options.timeoutMs, 1);
    }),
  );
}

function uploadFrames(
  connection: PieConnectionLike,
  frames: AddProgramMessage[],
  totalBytes: number,
  timeoutMs: number | undefined,
  attempt: number,
): Observable<UploadProgress> {
  return new Observable<UploadProgress>((subscriber) => {
    let sentBytes = 0;
    // Subscribing with `subscriber` itself links the whole request chain to it before any
    // frame is sent, so an unsubscribe from inside `next` below reaches the frame sender
    // at once (a separate subscription would only be torn down after the first burst).
    connection
      .requestFrames(frames, {
        timeoutMs,
        onFrameSent: (index) => {
          sentBytes += frames[index]?.chunk_data.length ?? 0;
          const progress = { sentChunks: index + 1, totalChunks: frames.length, sentBytes, totalBytes };
          subscriber.next(attempt > 1 ? { ...progress, attempt } : progress);
        },
      })
      .pipe(
        switchMap((response): Observable<UploadProgress> => {
          if (response.ok && response.result === PROGRAM_INSTALLED_RESULT) return EMPTY;
          if (!response.ok && attempt === 1 && ABANDONED_UPLOAD.test(response.result)) {
            return uploadFrames(connection, frames, totalBytes, timeoutMs, attempt + 1);
          }
          return throwError(() => new PieUploadError(response.result));
        }),
      )
      .subscribe(subscriber);
  });
}

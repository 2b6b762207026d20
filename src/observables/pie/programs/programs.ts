import { EMPTY, Observable, defer, from, map, switchMap, throwError } from 'rxjs';
import { chunkBlob } from '../../../model/pie/chunks.js';
import { PieProtocolError, PieUploadError } from '../../../model/pie/errors.js';
import { hashBlob } from '../../../model/pie/hash.js';
import { parseProgramId } from '../../../model/pie/program-id.js';
import type { AddProgramMessage, CheckProgramMessage } from '../../../transport/ws/messages.js';
import type { PieConnectionLike } from '../connection/connection-like.js';
import { bytesFrom, textFrom } from './local-files.js';
import { manifestProgramId, readInstalledReply, uploadFileName } from './program-shapes.js';
import type { PieGenerationTracker } from '../generations/generation-tracker.js';

export { PROGRAM_INSTALLED_RESULT } from './program-shapes.js';
import { okResult } from '../connection/responses.js';
import type { AbortOptions } from '../../../interop/abortable.js';

/** Program bytes: given directly, or a path to a `.wasm` file (Node only). */
export type WasmSource = Uint8Array | string | { readonly path: string };
/** A manifest: TOML text given directly, or `{ path }` of a `Pie.toml` file (Node only). */
export type ManifestSource = string | { readonly path: string };

/** Local copies to hash for `checkProgram` (the engine accepts and ignores the hashes, spec 2.4.3); `signal` cancels it. */
export interface CheckProgramOptions extends AbortOptions {
  readonly wasm?: WasmSource;
  readonly manifest?: ManifestSource;
  readonly timeoutMs?: number;
}

/** What `addProgram` uploads; `signal` cancels the upload (no further chunk is sent). */
export interface AddProgramOptions extends AbortOptions {
  /** The program's bytes: a wasm component, or on gateways a script's source when the manifest names a `[runtime] language`. */
  readonly wasm: WasmSource;
  /** The manifest (0.4, 0.5; a gateway not yet known as 0.6 needs it too). A 0.6 upload carries none. */
  readonly manifest?: ManifestSource;
  /** 0.6: the artifact's file name (default: the last part of the `wasm` path, else `program.wasm`). */
  readonly file?: string;
  /** 0.6: the version to install as (default: the engine decides). */
  readonly version?: string;
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
export function addProgramFrames(
  wasm: Uint8Array,
  manifest: string | undefined,
  forceOverwrite: boolean,
  artifact: { readonly file?: string; readonly version?: string } = {},
): AddProgramMessage[] {
  const programHash = hashBlob(wasm);
  const chunks = chunkBlob(wasm);
  // Every vocabulary's fields; the connection keeps those of the connected generation.
  return chunks.map((chunk, index) => ({
    type: 'add_program',
    program_hash: programHash,
    ...(manifest === undefined ? {} : { manifest }),
    ...(artifact.file === undefined ? {} : { file: artifact.file }),
    ...(artifact.version === undefined ? {} : { version: artifact.version }),
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
export function addProgram(
  connection: PieConnectionLike,
  options: AddProgramOptions,
  generation?: PieGenerationTracker,
  onInstalled?: (programId: string | undefined) => void,
): Observable<UploadProgress> {
  return defer(() => {
    const dialect = generation?.dialect;
    if (options.manifest === undefined && dialect !== '0.6') {
      throw new PieUploadError(`a manifest is needed to upload to a Pie ${dialect === 'gateway' ? 'gateway not known to speak 0.6' : (dialect ?? '0.4')}`);
    }
    const manifest = options.manifest;
    return from(Promise.all([bytesFrom(options.wasm), manifest === undefined ? undefined : textFrom(manifest)])).pipe(
      switchMap(([wasm, text]) => {
        const gateway = dialect !== undefined && dialect !== '0.4';
        const artifact = gateway ? { file: uploadFileName(options.file, options.wasm), ...(options.version ? { version: options.version } : {}) } : {};
        const frames = addProgramFrames(wasm, text, options.forceOverwrite ?? false, artifact);
        const accept = (result: string): boolean => {
          const reply = readInstalledReply(result, generation?.dialect);
          if (!reply) return false;
          if (reply.generation) generation?.learn(reply.generation);
          onInstalled?.(reply.programId ?? manifestProgramId(text));
          return true;
        };
        return uploadFrames(connection, frames, wasm.length, options.timeoutMs, 1, accept);
      }),
    );
  });
}

function uploadFrames(
  connection: PieConnectionLike,
  frames: AddProgramMessage[],
  totalBytes: number,
  timeoutMs: number | undefined,
  attempt: number,
  accept: (result: string) => boolean,
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
          if (response.ok && accept(response.result)) return EMPTY;
          if (!response.ok && attempt === 1 && ABANDONED_UPLOAD.test(response.result)) {
            return uploadFrames(connection, frames, totalBytes, timeoutMs, attempt + 1, accept);
          }
          return throwError(() => new PieUploadError(response.result));
        }),
      )
      .subscribe(subscriber);
  });
}

import { EMPTY, Observable, combineLatest, concatMap, defer, endWith, filter, from, ignoreElements, map, of, switchMap, take } from 'rxjs';
import { chunkBlob } from '../../../model/pie/chunks.js';
import type { ProcessEvent } from '../../../model/pie/events.js';
import { hashBlob } from '../../../model/pie/hash.js';
import type { PieFireAndForgetMessage } from '../../../transport/ws/messages.js';
import type { PieClientContext } from '../connection/client-context.js';
import type { ProcessRoute } from './process-route.js';
import type { UploadProgress } from '../programs/programs.js';
import { okResult } from '../connection/responses.js';
import { processIdleTimeout } from '../../operators/pie/process-idle-timeout.js';
import { toPausingAsyncIterable } from './pausing-async-iterable.js';
import { type AbortOptions, abortable } from '../../../interop/abortable.js';
import type { BoundedAsyncIterable, ToAsyncIterableOptions } from './to-async-iterable.js';

/**
 * A handle on one running Pie process.
 *
 * @example
 * ```ts
 * client.launch('echo@1.0.0', { prompt: 'hi' }).pipe(
 *   switchMap((process) => process.events$),
 * ).subscribe((event) => console.log(event.kind));
 * ```
 */
export interface PieProcess {
  /** Process id, lowercase hyphenated (empty only for a process nobody can follow). */
  readonly id: string;
  /**
   * Every event of the process from launch/attach on, completing after `return`, erroring
   * with `PieProcessFailedError` after `error`. Events that arrive while nobody is
   * subscribed are queued for the next subscriber; with several subscribers at once each
   * sees the events from its subscription on. Late subscribers get the terminal event.
   */
  readonly events$: Observable<ProcessEvent>;
  /** Sends a signal (fire-and-forget, spec 2.4.12); completes once handed to the socket. `signal` cancels the wait to send it. */
  signal(message: string, options?: AbortOptions): Observable<void>;
  /**
   * Sends a file to the inferlet (spec 4.4: 256 KiB chunks, blake3 hash, an empty file is
   * one empty chunk); emits progress per chunk. The engine never acknowledges, and drops
   * the file unless the inferlet is waiting for one: let it announce readiness first.
   * `signal` stops the transfer: no further chunk is sent.
   */
  transferFile(bytes: Uint8Array, options?: AbortOptions): Observable<UploadProgress>;
  /** `terminate_process`; the stream then ends with an `error` event `Signal`. `signal` cancels the request. */
  terminate(options?: AbortOptions): Observable<void>;
  /**
   * Stops following the process (it keeps running at the engine): `events$` subscribers
   * complete, later events are ignored, it is not reattached after a reconnect. A handle
   * you keep without subscribing queues the process's events until you subscribe or detach.
   */
  detach(): void;
  /** `events$` as an async iterable whose bounded queue pauses socket reads while full. */
  toAsyncIterable(options?: Pick<ToAsyncIterableOptions, 'highWaterMark' | 'lowWaterMark'>): BoundedAsyncIterable<ProcessEvent>;
}

/**
 * Completes once the process is attached on the connection's current session, so that a
 * signal or file is not sent on a fresh connection ahead of the reattachment (the engine
 * drops those from connections that are not attached).
 */
function whenAttached(context: PieClientContext, route: ProcessRoute | undefined): Observable<unknown> {
  if (!route || route.ended) return of(undefined);
  return combineLatest([route.attachedSession$, context.session$]).pipe(
    filter(([attached, current]) => attached === current || route.ended),
    take(1),
  );
}

function sendWhenAttached(
  context: PieClientContext,
  route: ProcessRoute | undefined,
  message: PieFireAndForgetMessage,
): Observable<void> {
  return whenAttached(context, route).pipe(
    switchMap(() => context.connection.send(message)),
    ignoreElements(),
    endWith(undefined),
  );
}

/**
 * Builds the handle of a process whose events arrive on `route` (no route: a process
 * launched without capture, whose `events$` is empty). With `idleTimeoutMs`, each
 * subscription to `events$` fails with `PieIdleTimeoutError` after that long without an event.
 *
 * @example
 * ```ts
 * const process = createProcessHandle(context, route.id, route, { idleTimeoutMs: 30_000 });
 * ```
 */
export function createProcessHandle(
  context: PieClientContext,
  id: string,
  route: ProcessRoute | undefined,
  options: { idleTimeoutMs?: number | undefined } = {},
): PieProcess {
  const routed = route ? route.events$ : EMPTY;
  const events$ =
    options.idleTimeoutMs === undefined ? routed : routed.pipe(processIdleTimeout(options.idleTimeoutMs, { processId: id }));
  return {
    id,
    events$,
    signal: (message, signalOptions = {}) =>
      sendWhenAttached(context, route, { type: 'signal_process', process_id: id, message }).pipe(abortable(signalOptions.signal)),
    transferFile: (bytes, transferOptions = {}) =>
      defer(() => {
        const fileHash = hashBlob(bytes);
        const chunks = chunkBlob(bytes);
        let sentBytes = 0;
        return whenAttached(context, route).pipe(
          switchMap(() => from(chunks.map((chunk, index) => ({ chunk, index })))),
          concatMap(({ chunk, index }) =>
            context.connection
              .send({
                type: 'transfer_file',
                process_id: id,
                file_hash: fileHash,
                chunk_index: index,
                total_chunks: chunks.length,
                chunk_data: chunk,
              })
              .pipe(
                ignoreElements(),
                endWith(undefined),
                map((): UploadProgress => {
                  sentBytes += chunk.length;
                  return { sentChunks: index + 1, totalChunks: chunks.length, sentBytes, totalBytes: bytes.length };
                }),
              ),
          ),
        );
      }).pipe(abortable(transferOptions.signal)),
    terminate: (terminateOptions = {}) =>
      context.connection
        .request({ type: 'terminate_process', process_id: id })
        .pipe(okResult('terminate_process'), map(() => undefined), abortable(terminateOptions.signal)),
    detach: () => route?.release('detach'),
    toAsyncIterable: (options = {}) => toPausingAsyncIterable(events$, context.pauseGate, options),
  };
}

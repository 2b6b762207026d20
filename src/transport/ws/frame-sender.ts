import { Observable, SchedulerLike, asyncScheduler } from 'rxjs';

/** The part of a socket the frame sender needs. */
export interface FrameSink {
  send(frame: Uint8Array): void;
  /** Bytes accepted by `send` but not yet written to the network. */
  readonly bufferedAmount: number;
}

export interface SendFramesOptions {
  /** Pause sending while more than this many bytes are queued in the socket. Default 1 MiB. */
  readonly highWaterMarkBytes?: number;
  /** How often to look at `bufferedAmount` while paused (browsers have no drain event). Default 5 ms. */
  readonly pollMs?: number;
  readonly scheduler?: SchedulerLike;
  /** Called after frame `index` (0-based) was handed to the socket. */
  readonly onFrameSent?: (index: number) => void;
}

/**
 * Default high-water mark for queued outgoing bytes (1 MiB, four 256 KiB chunks).
 *
 * @example
 * ```ts
 * import { DEFAULT_HIGH_WATER_MARK_BYTES } from 'flame-pie-rx/pie';
 * DEFAULT_HIGH_WATER_MARK_BYTES; // => 1048576
 * ```
 */
export const DEFAULT_HIGH_WATER_MARK_BYTES = 1024 * 1024;

/**
 * Sends frames one after another, waiting while the socket's `bufferedAmount` is above the
 * high-water mark, so a large upload never queues more than about one mark of bytes in
 * memory. Frames are pulled from the iterable only when they are about to be sent (a
 * generator can encode chunks lazily). Completes after the last frame; unsubscribing stops
 * before the next frame; a throwing `send` errors the Observable.
 *
 * @example
 * ```ts
 * import { sendFrames } from 'flame-pie-rx/pie';
 * sendFrames(socket, frames, { onFrameSent: (i) => console.log(`frame ${i} sent`) }).subscribe();
 * ```
 */
export function sendFrames(sink: FrameSink, frames: Iterable<Uint8Array>, options: SendFramesOptions = {}): Observable<never> {
  const highWaterMark = options.highWaterMarkBytes ?? DEFAULT_HIGH_WATER_MARK_BYTES;
  const pollMs = options.pollMs ?? 5;
  const scheduler = options.scheduler ?? asyncScheduler;
  return new Observable<never>((subscriber) => {
    const iterator = frames[Symbol.iterator]();
    let index = 0;
    const pump = (): void => {
      try {
        while (!subscriber.closed) {
          if (sink.bufferedAmount > highWaterMark) {
            subscriber.add(scheduler.schedule(pump, pollMs));
            return;
          }
          const next = iterator.next();
          if (next.done) {
            subscriber.complete();
            return;
          }
          sink.send(next.value);
          options.onFrameSent?.(index);
          index += 1;
        }
      } catch (error) {
        subscriber.error(error);
      }
    };
    pump();
    return () => {
      iterator.return?.();
    };
  });
}

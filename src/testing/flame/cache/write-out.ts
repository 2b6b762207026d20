// Writes server-stream messages honouring grpc-js backpressure, stopping when the client
// cancels.
import type * as grpc from '@grpc/grpc-js';

/** Writes every message (awaiting 'drain'); resolves false when the call was cancelled. */
export async function writeAll<T>(call: grpc.ServerWritableStream<unknown, T> | grpc.ServerDuplexStream<unknown, T>, messages: Iterable<T>): Promise<boolean> {
  for (const message of messages) {
    if (call.cancelled) return false;
    if (!call.write(message)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          call.off('drain', done);
          call.off('cancelled', done);
          resolve();
        };
        call.on('drain', done);
        call.on('cancelled', done);
      });
    }
  }
  return !call.cancelled;
}

/** How long a request stream's end waits for a cancel that may follow it. */
const CANCEL_GRACE_MS = 10;

/**
 * Resolves true when the call turns out cancelled. Node's HTTP/2 server also ends the
 * request side of a stream the client reset, a moment before grpc-js reports the cancel,
 * so a write stream's end is only trusted once that moment has passed; the real servers
 * see a reset as an error and store nothing, and so does the emulator.
 */
export function settledAfterEnd(call: { cancelled: boolean; once(event: 'cancelled', listener: () => void): unknown }): Promise<boolean> {
  if (call.cancelled) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(call.cancelled), CANCEL_GRACE_MS);
    call.once('cancelled', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

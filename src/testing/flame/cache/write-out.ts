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

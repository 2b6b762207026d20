// What the cache emulators saw: every call (method, gateway header) and every cancel.
import type * as grpc from '@grpc/grpc-js';

type ServerCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerReadableStream<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>;

/** One call received by a cache emulator. */
export interface FlameCacheCallRecord {
  /** The RPC name as in the proto (`Put`, `DoGet`, ...). */
  readonly method: string;
  /** The `x-flame-object-cache` header, when a gateway client sent one. */
  readonly ownerHeader?: string;
}

export class CacheCallLog {
  readonly calls: FlameCacheCallRecord[] = [];
  readonly cancelled: string[] = [];
  readonly #open = new Set<ServerCall>();

  /** Records the call and its cancel; returns a function to call when it ends. */
  record(method: string, call: ServerCall | grpc.ServerReadableStream<never, never> | grpc.ServerWritableStream<never, never>): () => void {
    const owner = call.metadata.get('x-flame-object-cache')[0];
    this.calls.push(owner === undefined ? { method } : { method, ownerHeader: String(owner) });
    this.#open.add(call);
    (call as unknown as NodeJS.EventEmitter).on('cancelled', () => {
      this.cancelled.push(method);
      this.#open.delete(call);
    });
    return () => this.#open.delete(call);
  }

  get openCalls(): number {
    return this.#open.size;
  }
}

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

  readonly #delays: { method?: string; ms: number }[] = [];

  /** Delays the next `count` calls (of `method`, or any of the delaying ones) by `ms`. */
  delayNext(count: number, ms: number, method?: string): void {
    for (let i = 0; i < count; i++) this.#delays.push(method === undefined ? { ms } : { method, ms });
  }

  /** Waits as a queued delay for `method` says (none: at once). */
  async delay(method: string): Promise<void> {
    const index = this.#delays.findIndex((d) => d.method === undefined || d.method === method);
    if (index < 0) return;
    const [{ ms }] = this.#delays.splice(index, 1) as [{ ms: number }];
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  get openCalls(): number {
    return this.#open.size;
  }
}

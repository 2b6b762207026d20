// What the call shapes (unary, server stream) need of a channel and of a method, so that the
// Frontend calls and the object-cache calls share one implementation of each shape.
import type { Client } from '@grpc/grpc-js';
import type { CancelPacer } from './cancel-pacer.js';

/** A channel calls are made on: the grpc-js client, and the registry `close()` cancels. */
export interface GrpcCallTarget {
  /** Whether the channel was closed (a call then fails at once). */
  readonly closed: boolean;
  /** The grpc-js client the calls are made with. */
  readonly grpcClient: Client;
  /** Registers a running call, so that closing the channel cancels it. */
  trackCall(call: { cancel(): void }): unknown;
  /** Unregisters a call registered with `trackCall`. */
  untrackCall(call: { cancel(): void }): void;
  /** Paces stream cancellations when set (see `CancelPacer`). */
  readonly cancelPacer?: CancelPacer | undefined;
}

/** One method: its path, the name errors carry, and its codecs. */
export interface GrpcMethod<Req, Res> {
  readonly path: string;
  readonly rpcName: string;
  readonly serialize: (request: Req) => Buffer;
  readonly deserialize: (bytes: Buffer) => Res;
}

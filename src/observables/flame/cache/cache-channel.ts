// One grpc-js client per cache replica, and the metadata for calls through a gateway.
import * as grpc from '@grpc/grpc-js';
import { type FlameCacheEndpoint, parseFlameCacheEndpoint } from '../../../model/flame/cache-endpoint.js';
import { defaultBackoffPolicy } from '../../../transport/backoff.js';
import { flameGrpcChannelOptions } from '../../../transport/grpc/channel-options.js';
import { type FlameTlsOptions, flameChannelCredentials } from '../../../transport/grpc/credentials.js';
import type { FlameEndpoint } from '../../../transport/grpc/endpoint.js';

/** The metadata key a `grpcs-proxy://` gateway routes by (flame-0.7.md 3.8). */
export const FLAME_OBJECT_CACHE_HEADER = 'x-flame-object-cache';

/**
 * A channel to one cache endpoint: the grpc-js client, and what reference operations add
 * (the owner header) when it is a gateway. No receive limit: a 0.6 base row can be large.
 */
export class CacheChannel {
  readonly endpoint: FlameCacheEndpoint;
  readonly client: grpc.Client;
  readonly #calls = new Set<{ cancel(): void }>();
  #closed = false;

  constructor(endpoint: string, tls: FlameTlsOptions = {}) {
    this.endpoint = parseFlameCacheEndpoint(endpoint);
    const credentials = flameChannelCredentials({ tls: this.endpoint.tls } as FlameEndpoint, tls);
    this.client = new grpc.Client(this.endpoint.target, credentials, {
      ...flameGrpcChannelOptions({ backoff: defaultBackoffPolicy, maxReceiveMessageBytes: -1 }),
      'grpc.max_send_message_length': -1,
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Metadata of one call: wait-for-ready, and for a gateway the owner of a referenced object. */
  metadata(owner?: string): grpc.Metadata {
    const metadata = new grpc.Metadata({ waitForReady: true });
    if (this.endpoint.proxy && owner !== undefined) {
      metadata.set(FLAME_OBJECT_CACHE_HEADER, parseFlameCacheEndpoint(owner).target);
    }
    return metadata;
  }

  /** The grpc-js client the call shapes use. */
  get grpcClient(): grpc.Client {
    return this.client;
  }

  /** Registers a running call, so that `close()` cancels it. */
  trackCall(call: { cancel(): void }): void {
    this.#calls.add(call);
  }

  /** Unregisters a call registered with `trackCall`. */
  untrackCall(call: { cancel(): void }): void {
    this.#calls.delete(call);
  }

  /** Cancels running calls and closes the client. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const call of [...this.#calls]) call.cancel();
    this.#calls.clear();
    this.client.close();
  }
}

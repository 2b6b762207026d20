// An in-process Flame object cache for tests: a real grpc-js server on loopback, speaking
// the 0.6 protocol (Arrow Flight) or the 0.7 one (flame.v1.ObjectCacheService). Separate
// from FlameEmulator because the real cache is a separate server on its own port
// (`cache.endpoint`, default 9090); FlameEmulator can start one beside itself with its
// `objectCache` option.
import * as grpc from '@grpc/grpc-js';
import { FlightServiceService } from '../../../gen/arrow/flight/protocol/Flight.js';
import { ObjectCacheServiceService } from '../../../gen/flame/v1/cache.js';
import type { FlameCacheVersion } from '../../../model/flame/cache-types.js';
import { FlameEmulatorError } from '../errors.js';
import { listenOn, shutDown } from '../grpc-server.js';
import { CacheCallLog, type FlameCacheCallRecord } from './call-log.js';
import { type BaseAndPatches, flightCacheService } from './service-v6.js';
import { type PartsObject, objectCacheService } from './service-v7.js';

/** Options of `FlameCacheEmulator.start`. */
export interface FlameCacheEmulatorOptions {
  /** Protocol to speak: '0.7' (ObjectCacheService, default) or '0.6' (Arrow Flight). */
  version?: FlameCacheVersion;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 0 = any free port). */
  port?: number;
  /** PEM certificate and key: serve TLS only, endpoint `grpcs://localhost:PORT`. */
  tls?: { cert: string; key: string };
}

/** What a test can see of a stored object. */
export interface FlameCacheEmulatorObject {
  readonly key: string;
  readonly version: number;
  /** 0.7: every part; 0.6: the base then the patches. */
  readonly parts: readonly Uint8Array[];
  readonly dataType?: string;
}

/**
 * In-process emulator of Flame's object cache, for tests.
 *
 * @example
 * ```ts
 * import { FlameCacheEmulator } from 'flame-pie-rx/testing';
 * const cache = await FlameCacheEmulator.start({ version: '0.6' });
 * console.log(cache.endpoint); // grpc://127.0.0.1:PORT
 * await cache.close();
 * ```
 */
export class FlameCacheEmulator {
  readonly version: FlameCacheVersion;
  readonly #log = new CacheCallLog();
  readonly #parts = new Map<string, PartsObject>();
  readonly #flight = new Map<string, BaseAndPatches>();
  readonly #host: string;
  readonly #tls: { cert: string; key: string } | undefined;
  #server: grpc.Server | undefined;
  #port: number;

  private constructor(options: FlameCacheEmulatorOptions) {
    const version = options.version ?? '0.7';
    if (version !== '0.6' && version !== '0.7') throw new FlameEmulatorError(`unknown cache version ${String(version)}`);
    this.version = version;
    this.#host = options.host ?? '127.0.0.1';
    this.#tls = options.tls;
    this.#port = options.port ?? 0;
  }

  /**
   * Creates the emulator and starts listening.
   *
   * @example
   * ```ts
   * const cache = await FlameCacheEmulator.start();
   * ```
   */
  static async start(options: FlameCacheEmulatorOptions = {}): Promise<FlameCacheEmulator> {
    const emulator = new FlameCacheEmulator(options);
    await emulator.#listen();
    return emulator;
  }

  /**
   * `grpc://host:PORT` (`grpcs://localhost:PORT` with TLS), also the endpoint ObjectRefs and
   * metadata name.
   *
   * @example
   * ```ts
   * FlameCache.connect({ endpoint: cache.endpoint });
   * ```
   */
  get endpoint(): string {
    return this.#tls ? `grpcs://localhost:${this.#port}` : `grpc://${this.#host}:${this.#port}`;
  }

  /**
   * The calls received, oldest first.
   *
   * @example
   * ```ts
   * cache.calls.map((c) => c.method); // e.g. ['GetMetadata', 'Put', 'Get']
   * ```
   */
  get calls(): readonly FlameCacheCallRecord[] {
    return this.#log.calls;
  }

  /**
   * The methods of the calls the client cancelled, as the server saw them.
   *
   * @example
   * ```ts
   * cache.cancelledCalls; // => ['Get'] after unsubscribing from a get in flight
   * ```
   */
  get cancelledCalls(): readonly string[] {
    return this.#log.cancelled;
  }

  /**
   * Calls still running.
   *
   * @example
   * ```ts
   * cache.openCalls; // => 0 when idle
   * ```
   */
  get openCalls(): number {
    return this.#log.openCalls;
  }

  /**
   * Delays the next `count` reads (`Get` / `DoGet`, or `method`) by `ms` before they answer,
   * e.g. to cancel one in flight.
   *
   * @example
   * ```ts
   * cache.delayNext(1, 1000, { method: 'DoGet' });
   * ```
   */
  delayNext(count: number, ms: number, options: { method?: string } = {}): void {
    if (!Number.isInteger(count) || count < 0 || !(ms >= 0)) throw new FlameEmulatorError('delayNext needs a count >= 0 and ms >= 0');
    this.#log.delayNext(count, ms, options.method);
  }

  /**
   * A stored object, or undefined.
   *
   * @example
   * ```ts
   * cache.object('app/shared/x')?.version; // => 2 after a put and a patch
   * ```
   */
  object(key: string): FlameCacheEmulatorObject | undefined {
    const parts = this.#parts.get(key);
    if (parts) return { key, version: parts.parts.length, parts: parts.parts, dataType: parts.dataType };
    const flight = this.#flight.get(key);
    if (flight) return { key, version: flight.version, parts: [flight.base.data, ...flight.patches.map((p) => p.data)] };
    return undefined;
  }

  /**
   * The keys stored.
   *
   * @example
   * ```ts
   * cache.keys(); // => ['app/shared/1f0c…']
   * ```
   */
  keys(): string[] {
    return [...this.#parts.keys(), ...this.#flight.keys()];
  }

  /**
   * Stops listening and drops everything.
   *
   * @example
   * ```ts
   * afterEach(() => cache.close());
   * ```
   */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    await shutDown(server);
  }

  #listen(): Promise<void> {
    const server = new grpc.Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
    const endpoint = () => this.endpoint;
    if (this.version === '0.7') server.addService(ObjectCacheServiceService, objectCacheService(this.#parts, endpoint, this.#log));
    else server.addService(FlightServiceService, flightCacheService(this.#flight, endpoint, this.#log));
    return listenOn(server, this.#host, this.#port, this.#tls).then((port) => {
      this.#server = server;
      this.#port = port;
    });
  }
}

// The object cache client: one configured endpoint, a channel per replica that
// references name, the protocol detected once per configured endpoint (or pinned), and
// every operation as a cold Observable.
import { Observable, defer, mergeMap, of, tap } from 'rxjs';
import { checkDeleteTarget, checkObjectKey, checkPutKey } from '../../../model/flame/cache-key.js';
import { FlameCachePayloadError } from '../../../model/flame/cache-errors.js';
import type { CacheObject, CacheObjectInfo, CacheTransferEvent, FlameCacheVersion } from '../../../model/flame/cache-types.js';
import { loadFlameConfig } from '../../../model/flame/config.js';
import type { ObjectRef } from '../../../model/flame/object-ref.js';
import type { FlameTlsOptions } from '../../../transport/grpc/credentials.js';
import { FlameTransportOptionError } from '../../../transport/grpc/errors.js';
import type { BytesCounter, CacheBackend, CacheTarget } from './backend.js';
import { CacheChannel } from './cache-channel.js';
import { detectCacheVersion } from './detect.js';
import { type CachePayload, checkPayload, payloadSize } from './payload.js';
import { withProgress, withoutProgress } from './transfer.js';
import { objectCacheServiceBackend } from './v7.js';
import { flightBackend } from './v6-flight.js';
import { type AbortOptions, abortable } from '../../../interop/abortable.js';

const BACKENDS: Record<FlameCacheVersion, CacheBackend> = { '0.6': flightBackend, '0.7': objectCacheServiceBackend };

/** Options of `FlameCache.connect`; all optional. */
export interface FlameCacheOptions extends FlameTlsOptions {
  /** Cache endpoint (`grpc://`, `grpcs://`, `grpc+tls://`, `grpcs-proxy://`); wins over FLAME_CACHE_ENDPOINT and the file. */
  readonly endpoint?: string;
  /** Pin the protocol instead of probing the endpoint on first use. Default `'auto'`. */
  readonly version?: FlameCacheVersion | 'auto';
  /** Configuration file that must exist; default `~/.flame/flame.yaml`, which may be missing. */
  readonly configPath?: string;
  /** Context of the file instead of its `current-context`. */
  readonly context?: string;
  /** Environment instead of `process.env` (FLAME_CACHE_ENDPOINT, FLAME_CA_FILE, HOME). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Options of a write; `signal` cancels it (see `AbortOptions`). */
export interface CacheWriteOptions extends AbortOptions {
  /** 0.7 `data_type` (default `raw`, the only type the Rust SDK reads); 0.6 ignores it. */
  readonly dataType?: string;
}

/** Options of a read; `signal` cancels it (see `AbortOptions`). */
export interface CacheReadOptions extends AbortOptions {
  /** The version the caller already holds: only later parts are sent. Default 0 (everything). */
  readonly sinceVersion?: number;
}

/** A key (string) or a reference to the object. */
export type CacheObjectLocator = string | ObjectRef;

/**
 * The Flame object cache client, for 0.6 (Arrow Flight) and 0.7 (ObjectCacheService)
 * caches. Every method returns a cold Observable: subscribing starts the call, and
 * unsubscribing (or aborting the `signal` every method takes) cancels it on the wire. Failed calls error with the Flame status errors
 * (`FlameNotFoundError`, `FlameInvalidArgumentError`, ...); bad keys throw
 * `FlameCacheKeyError` at subscription, before anything is sent.
 *
 * Operations given an `ObjectRef` go to the replica it names (through the gateway with
 * the `x-flame-object-cache` header for a `grpcs-proxy://` endpoint); the others go to
 * the configured endpoint.
 *
 * @example
 * ```ts
 * import { FlameCache } from 'flame-pie-rx/flame/cache';
 * import { firstValueFrom } from 'rxjs';
 * const cache = FlameCache.connect({ endpoint: 'grpc://127.0.0.1:9090' });
 * const ref = await firstValueFrom(cache.put('my-app/shared', new TextEncoder().encode('hello')));
 * const object = await firstValueFrom(cache.get(ref));
 * cache.close();
 * ```
 */
export class FlameCache {
  /** The configured endpoint. */
  readonly endpoint: string;
  readonly #tls: FlameTlsOptions;
  readonly #channels = new Map<string, CacheChannel>();
  readonly #main: CacheChannel;
  #version: FlameCacheVersion | undefined;
  #closed = false;

  /**
   * Opens a cache client on `endpoint` (use `connect` to read the configuration).
   *
   * @example
   * ```ts
   * const cache = new FlameCache('grpc://127.0.0.1:9090', { version: '0.7' });
   * ```
   */
  constructor(endpoint: string, options: FlameTlsOptions & { version?: FlameCacheVersion | 'auto' } = {}) {
    this.#tls = { ...(options.caFile === undefined ? {} : { caFile: options.caFile }), ...(options.ca === undefined ? {} : { ca: options.ca }) };
    this.#main = new CacheChannel(endpoint, this.#tls);
    this.endpoint = endpoint;
    this.#channels.set(endpoint, this.#main);
    if (options.version !== undefined && options.version !== 'auto') {
      if (options.version !== '0.6' && options.version !== '0.7') {
        this.#main.close();
        throw new FlameTransportOptionError('version', `must be '0.6', '0.7' or 'auto', got ${String(options.version)}`);
      }
      this.#version = options.version;
    }
  }

  /**
   * The endpoint from, highest first: `options.endpoint`, FLAME_CACHE_ENDPOINT, the
   * context's `cache.endpoint`, `grpc://127.0.0.1:9090`; the CA from `caFile`/`ca`, else
   * the context's `cache.tls.ca_file` or FLAME_CA_FILE. A bad configuration throws
   * `FlameConfigError`, a bad endpoint `FlameEndpointError`.
   *
   * @example
   * ```ts
   * import { FlameCache } from 'flame-pie-rx/flame/cache';
   * const cache = FlameCache.connect({ env: { FLAME_CACHE_ENDPOINT: 'grpc://cache:9090' } });
   * cache.endpoint; // => 'grpc://cache:9090' (unless options.endpoint says otherwise)
   * ```
   */
  static connect(options: FlameCacheOptions = {}): FlameCache {
    const config = loadFlameConfig({
      ...(options.configPath === undefined ? {} : { path: options.configPath }),
      ...(options.context === undefined ? {} : { context: options.context }),
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    const caFile = options.caFile ?? (options.ca === undefined ? config.cache.tls?.caFile : undefined);
    return new FlameCache(options.endpoint ?? config.cache.endpoint, {
      ...(caFile === undefined ? {} : { caFile }),
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.version === undefined ? {} : { version: options.version }),
    });
  }

  /**
   * The protocol of the configured endpoint: pinned, or probed once (a failed probe is
   * reported and tried again next time).
   *
   * @example
   * ```ts
   * cache.version().subscribe((v) => console.log(v)); // '0.7'
   * ```
   */
  version(options: AbortOptions = {}): Observable<FlameCacheVersion> {
    return defer(() => (this.#version ? of(this.#version) : detectCacheVersion(this.#main).pipe(tap((v) => (this.#version = v))))).pipe(
      abortable(options.signal),
    );
  }

  /**
   * Stores a new object: under a prefix `<app>/<session>` the cache names it, under a
   * full key it is created (0.7: fails if it exists; 0.6: replaces it). Emits the ObjectRef.
   *
   * @example
   * ```ts
   * cache.put('my-app/shared', bytes).subscribe((ref) => console.log(ref.key, ref.version));
   * ```
   */
  put(keyOrPrefix: string, payload: CachePayload, options: CacheWriteOptions = {}): Observable<ObjectRef> {
    return withoutProgress((onBytes) => this.#put(keyOrPrefix, payload, options, onBytes));
  }

  /**
   * `put` with progress events (bytes handed to the transport) before the `done` event.
   *
   * @example
   * ```ts
   * cache.putWithProgress('my-app/shared', big).subscribe((e) => e.kind === 'progress' && console.log(e.bytes, e.totalBytes));
   * ```
   */
  putWithProgress(keyOrPrefix: string, payload: CachePayload, options: CacheWriteOptions = {}): Observable<CacheTransferEvent<ObjectRef>> {
    return withProgress(payloadSize(payload), (onBytes) => this.#put(keyOrPrefix, payload, options, onBytes));
  }

  /**
   * Appends a part to an existing object (a new version). Emits the new ObjectRef.
   *
   * @example
   * ```ts
   * cache.patch(ref, delta).subscribe((next) => console.log(next.version)); // ref.version + 1
   * ```
   */
  patch(object: CacheObjectLocator, payload: CachePayload, options: CacheWriteOptions = {}): Observable<ObjectRef> {
    return withoutProgress((onBytes) => this.#patch(object, payload, options, onBytes));
  }

  /**
   * `patch` with progress events.
   *
   * @example
   * ```ts
   * cache.patchWithProgress(ref, delta).subscribe((e) => console.log(e.kind));
   * ```
   */
  patchWithProgress(object: CacheObjectLocator, payload: CachePayload, options: CacheWriteOptions = {}): Observable<CacheTransferEvent<ObjectRef>> {
    return withProgress(payloadSize(payload), (onBytes) => this.#patch(object, payload, options, onBytes));
  }

  /**
   * Reads an object: its current version and the parts after `sinceVersion` (all of them
   * by default; none when the caller is up to date). A `sinceVersion` beyond the object's
   * version errors with `FlameInvalidArgumentError` on 0.7 ("invalid version": the key now
   * names another object).
   *
   * @example
   * ```ts
   * cache.get(ref, { sinceVersion: 1, signal: AbortSignal.timeout(10_000) }).subscribe((o) => console.log(o.version, o.parts.length));
   * ```
   */
  get(object: CacheObjectLocator, options: CacheReadOptions = {}): Observable<CacheObject> {
    return withoutProgress((onBytes) => this.#get(object, options, onBytes));
  }

  /**
   * `get` with progress events (bytes received; the total is not known ahead).
   *
   * @example
   * ```ts
   * cache.getWithProgress(ref).subscribe((e) => e.kind === 'progress' && console.log(e.bytes));
   * ```
   */
  getWithProgress(object: CacheObjectLocator, options: CacheReadOptions = {}): Observable<CacheTransferEvent<CacheObject>> {
    return withProgress(undefined, (onBytes) => this.#get(object, options, onBytes));
  }

  /**
   * Deletes an object, every object of a session (`<app>/<session>`) or of an application
   * (`<app>/*`), on the configured endpoint. Completes without a value.
   *
   * @example
   * ```ts
   * cache.delete('my-app/*').subscribe({ complete: () => console.log('gone') });
   * ```
   */
  delete(keyOrPrefix: string, options: AbortOptions = {}): Observable<void> {
    return this.#run(
      () => checkDeleteTarget(keyOrPrefix),
      (backend) => backend.delete({ channel: this.#main }, keyOrPrefix),
      options,
    );
  }

  /**
   * An object's metadata (NOT_FOUND when absent). On 0.6 only size is known.
   *
   * @example
   * ```ts
   * cache.metadata('my-app/shared/x').subscribe((info) => console.log(info.size));
   * ```
   */
  metadata(object: CacheObjectLocator, options: AbortOptions = {}): Observable<CacheObjectInfo> {
    return this.#run(
      () => checkObjectKey(keyOf(object)),
      (backend) => backend.metadata(this.#target(object), keyOf(object)),
      options,
    );
  }

  /**
   * Every object the configured endpoint holds, one emission each.
   *
   * @example
   * ```ts
   * cache.list().pipe(toArray()).subscribe((all) => console.log(all.length));
   * ```
   */
  list(options: AbortOptions = {}): Observable<CacheObjectInfo> {
    return this.#run(
      () => undefined,
      (backend) => backend.list({ channel: this.#main }),
      options,
    );
  }

  /**
   * Closes every channel; running calls end with `FlameCancelledError`. Idempotent.
   *
   * @example
   * ```ts
   * cache.close();
   * ```
   */
  close(): void {
    this.#closed = true;
    for (const channel of this.#channels.values()) channel.close();
  }

  #put(keyOrPrefix: string, payload: CachePayload, options: CacheWriteOptions, onBytes: BytesCounter): Observable<ObjectRef> {
    return this.#run(
      () => {
        checkPutKey(keyOrPrefix);
        checkPayload(payload);
        checkDataType(options.dataType);
      },
      (backend) => backend.put({ channel: this.#main }, keyOrPrefix, payload, options.dataType ?? 'raw', onBytes),
      options,
    );
  }

  #patch(object: CacheObjectLocator, payload: CachePayload, options: CacheWriteOptions, onBytes: BytesCounter): Observable<ObjectRef> {
    return this.#run(
      () => {
        checkObjectKey(keyOf(object));
        checkPayload(payload);
        checkDataType(options.dataType);
      },
      (backend) => backend.patch(this.#target(object), keyOf(object), payload, options.dataType ?? 'raw', onBytes),
      options,
    );
  }

  #get(object: CacheObjectLocator, options: CacheReadOptions, onBytes: BytesCounter): Observable<CacheObject> {
    const since = options.sinceVersion ?? 0;
    return this.#run(
      () => {
        checkObjectKey(keyOf(object));
        if (!Number.isSafeInteger(since) || since < 0) {
          throw new FlameCachePayloadError(`sinceVersion must be a non-negative integer, got ${String(since)}`);
        }
      },
      (backend) => backend.get(this.#target(object), keyOf(object), since, onBytes),
      options,
    );
  }

  /**
   * Checks the input at subscription, then runs the operation with the endpoint's
   * protocol; `signal` cancels the whole of it (the version probe included).
   */
  #run<T>(check: () => unknown, operation: (backend: CacheBackend) => Observable<T>, options: AbortOptions): Observable<T> {
    return defer(() => {
      check();
      return this.version().pipe(mergeMap((version) => operation(BACKENDS[version])));
    }).pipe(abortable(options.signal));
  }

  /** Where an operation on `object` goes: the replica its reference names, or the configured endpoint. */
  #target(object: CacheObjectLocator): CacheTarget {
    if (typeof object === 'string' || object.endpoint === this.endpoint) return { channel: this.#main };
    if (this.#main.endpoint.proxy) return { channel: this.#main, owner: object.endpoint };
    let channel = this.#channels.get(object.endpoint);
    if (!channel || channel.closed) {
      channel = new CacheChannel(object.endpoint, this.#tls);
      if (this.#closed) channel.close();
      this.#channels.set(object.endpoint, channel);
    }
    return { channel, owner: object.endpoint };
  }
}

function keyOf(object: CacheObjectLocator): string {
  return typeof object === 'string' ? object : object?.key;
}

function checkDataType(dataType: string | undefined): void {
  if (dataType === undefined) return;
  if (typeof dataType !== 'string' || dataType === '' || Buffer.byteLength(dataType) > 128) {
    throw new FlameCachePayloadError('dataType must be a non-empty string of at most 128 bytes');
  }
}

// What the object cache client hands out, the same for 0.6 (Arrow Flight) and 0.7
// (ObjectCacheService).

/** Which cache protocol an endpoint speaks. */
export type FlameCacheVersion = '0.6' | '0.7';

/**
 * One data part of an object. 0.7: part n has version n, part 1 is what the object was
 * created with. 0.6: the base (the data of the last put) and the patches after it, each
 * with the version it created.
 */
export interface CachePart {
  readonly version: number;
  readonly kind: 'base' | 'patch';
  readonly data: Uint8Array;
}

/** What a get returns: the object's current version and the parts the caller lacked. */
export interface CacheObject {
  readonly key: string;
  /** The replica the object was read from. */
  readonly endpoint: string;
  /** Current version on the server. */
  readonly version: number;
  /** 0.7: the type shared by all parts; 0.6 has none. */
  readonly dataType?: string;
  /** The parts after the version the caller had, oldest first (empty when up to date). */
  readonly parts: readonly CachePart[];
  /**
   * Whether `parts` starts with the object's first data (a base / part 1), i.e. the caller
   * must drop what it held; false when they only extend what it had.
   */
  readonly complete: boolean;
}

/** Metadata of a cached object (GetMetadata / List in 0.7, GetFlightInfo / ListFlights in 0.6). */
export interface CacheObjectInfo {
  readonly endpoint: string;
  readonly key: string;
  /** Bytes held. */
  readonly size: number;
  /** 0.7 only: current version (= number of parts). */
  readonly version?: number;
  /** 0.7 only. */
  readonly dataType?: string;
  /** 0.7 only (epoch milliseconds on the wire). */
  readonly creationTime?: Date;
}

/** Progress of a transfer: bytes moved so far, and the total when it is known. */
export interface CacheProgress {
  readonly kind: 'progress';
  readonly bytes: number;
  readonly totalBytes?: number;
}

/** The end of a transfer, with its result. */
export interface CacheDone<T> {
  readonly kind: 'done';
  readonly result: T;
}

/** What the `...WithProgress` operations emit: progress, then one `done`. */
export type CacheTransferEvent<T> = CacheProgress | CacheDone<T>;

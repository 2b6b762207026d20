// What each cache protocol implements; FlameCache picks one per endpoint. The two
// versions differ only here (v7.ts: ObjectCacheService, v6-flight.ts: Arrow Flight).
import type { Observable } from 'rxjs';
import type { CacheObject, CacheObjectInfo, FlameCacheVersion } from '../../../model/flame/cache-types.js';
import type { ObjectRef } from '../../../model/flame/object-ref.js';
import type { CacheChannel } from './cache-channel.js';
import type { CachePayload } from './payload.js';

/** Where a call goes and, through a gateway, which replica owns the object. */
export interface CacheTarget {
  readonly channel: CacheChannel;
  /** The owner's endpoint (from an ObjectRef), for the gateway header. */
  readonly owner?: string;
}

/** Counts bytes as they move. */
export type BytesCounter = (bytes: number) => void;

export interface CacheBackend {
  readonly version: FlameCacheVersion;
  put(target: CacheTarget, keyOrPrefix: string, payload: CachePayload, dataType: string, onBytes: BytesCounter): Observable<ObjectRef>;
  patch(target: CacheTarget, key: string, payload: CachePayload, dataType: string, onBytes: BytesCounter): Observable<ObjectRef>;
  get(target: CacheTarget, key: string, sinceVersion: number, onBytes: BytesCounter): Observable<CacheObject>;
  delete(target: CacheTarget, keyOrPrefix: string): Observable<void>;
  metadata(target: CacheTarget, key: string): Observable<CacheObjectInfo>;
  list(target: CacheTarget): Observable<CacheObjectInfo>;
}

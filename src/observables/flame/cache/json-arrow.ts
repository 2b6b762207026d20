// JSON and Arrow payloads over the cache. JSON (UTF-8) with data_type `raw` is what the
// Rust SDK's typed objects are, so such objects are shared with Rust clients. Reads decode
// the newest part, as flame-rs 0.7's derived types do.
import { type Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { Observable, map } from 'rxjs';
import { FlameCachePayloadError } from '../../../model/flame/cache-errors.js';
import type { CacheObject } from '../../../model/flame/cache-types.js';
import type { ObjectRef } from '../../../model/flame/object-ref.js';
import type { CacheObjectLocator, CacheWriteOptions, FlameCache } from './flame-cache.js';

/**
 * The data of an object's newest part; `FlameCachePayloadError` when the read carried no part.
 *
 * @example
 * ```ts
 * import { newestPart } from 'flame-pie-rx/flame/cache';
 * cache.get(ref).pipe(map(newestPart)).subscribe((bytes) => console.log(bytes.byteLength));
 * ```
 */
export function newestPart(object: CacheObject): Uint8Array {
  const part = object.parts.at(-1);
  if (!part) throw new FlameCachePayloadError(`object ${object.key} has no data in this read`);
  return part.data;
}

function jsonBytes(value: unknown): Buffer {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new FlameCachePayloadError(`value does not serialize to JSON: ${(error as Error).message}`, { cause: error });
  }
  if (text === undefined) throw new FlameCachePayloadError(`value does not serialize to JSON: ${typeof value}`);
  return Buffer.from(text, 'utf8');
}

/**
 * Puts a value as JSON. Emits the ObjectRef.
 *
 * @example
 * ```ts
 * import { putJson } from 'flame-pie-rx/flame/cache';
 * putJson(cache, 'my-app/shared', { weights: [1, 2, 3] }).subscribe((ref) => console.log(ref.key));
 * ```
 */
export function putJson(cache: FlameCache, keyOrPrefix: string, value: unknown, options: CacheWriteOptions = {}): Observable<ObjectRef> {
  return new Observable<ObjectRef>((subscriber) => cache.put(keyOrPrefix, jsonBytes(value), options).subscribe(subscriber));
}

/**
 * Appends a JSON part. Emits the new ObjectRef.
 *
 * @example
 * ```ts
 * import { patchJson } from 'flame-pie-rx/flame/cache';
 * patchJson(cache, ref, { weights: [4] }).subscribe((next) => console.log(next.version));
 * ```
 */
export function patchJson(cache: FlameCache, object: CacheObjectLocator, value: unknown, options: CacheWriteOptions = {}): Observable<ObjectRef> {
  return new Observable<ObjectRef>((subscriber) => cache.patch(object, jsonBytes(value), options).subscribe(subscriber));
}

/**
 * Reads an object and parses its newest part as JSON (`FlameCachePayloadError` when it is not JSON).
 *
 * @example
 * ```ts
 * import { getJson } from 'flame-pie-rx/flame/cache';
 * getJson<{ weights: number[] }>(cache, ref).subscribe((v) => console.log(v.weights));
 * ```
 */
export function getJson<T = unknown>(cache: FlameCache, object: CacheObjectLocator): Observable<T> {
  return cache.get(object).pipe(
    map((read) => {
      const text = Buffer.from(newestPart(read)).toString('utf8');
      try {
        return JSON.parse(text) as T;
      } catch (error) {
        throw new FlameCachePayloadError(`object ${read.key} is not JSON: ${(error as Error).message}`, { cause: error });
      }
    }),
  );
}

/**
 * Puts an Arrow table as one part in the Arrow IPC stream format.
 *
 * @example
 * ```ts
 * import { tableFromArrays } from 'apache-arrow';
 * import { putArrow } from 'flame-pie-rx/flame/cache';
 * putArrow(cache, 'my-app/shared', tableFromArrays({ x: Float64Array.from([1, 2]) })).subscribe();
 * ```
 */
export function putArrow(cache: FlameCache, keyOrPrefix: string, table: Table, options: CacheWriteOptions = {}): Observable<ObjectRef> {
  return new Observable<ObjectRef>((subscriber) => cache.put(keyOrPrefix, tableToIPC(table, 'stream'), options).subscribe(subscriber));
}

/**
 * Reads an object whose newest part is an Arrow IPC stream (or file) as a Table.
 *
 * @example
 * ```ts
 * import { getArrow } from 'flame-pie-rx/flame/cache';
 * getArrow(cache, ref).subscribe((table) => console.log(table.numRows));
 * ```
 */
export function getArrow(cache: FlameCache, object: CacheObjectLocator): Observable<Table> {
  return cache.get(object).pipe(
    map((read) => {
      try {
        return tableFromIPC(newestPart(read));
      } catch (error) {
        if (error instanceof FlameCachePayloadError) throw error;
        throw new FlameCachePayloadError(`object ${read.key} is not Arrow IPC: ${(error as Error).message}`, { cause: error });
      }
    }),
  );
}

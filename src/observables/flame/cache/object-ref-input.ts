// Large task inputs and common data through the cache, as the SDKs do it: put the bytes,
// pass the BSON ObjectRef in CreateTask / CreateSession (4 MiB request limit), and resolve
// the reference on the other side.
import { Observable, map } from 'rxjs';
import { FlameObjectRefError } from '../../../model/flame/cache-errors.js';
import type { TaskCodec } from '../../../model/flame/codec.js';
import { type ObjectRef, decodeObjectRef, encodeObjectRef } from '../../../model/flame/object-ref.js';
import type { CacheWriteOptions, FlameCache } from './flame-cache.js';
import { newestPart } from './json-arrow.js';
import type { CachePayload } from './payload.js';

/**
 * A task codec for ObjectRefs: the BSON document the Rust and Python SDKs put in task
 * inputs and common data. Decoding anything else throws `FlameObjectRefError`.
 *
 * @example
 * ```ts
 * import { objectRefCodec } from 'flame-pie-rx/flame/cache';
 * session.invoke(ref, { input: objectRefCodec });
 * ```
 */
export const objectRefCodec: TaskCodec<ObjectRef> = Object.freeze({
  encode: (ref: ObjectRef) => encodeObjectRef(ref),
  decode: (bytes: Uint8Array | undefined) => {
    if (bytes === undefined) throw new FlameObjectRefError('no payload');
    return decodeObjectRef(bytes);
  },
});

/**
 * Puts a payload and emits its ObjectRef as BSON bytes, ready to be a task input or
 * `commonData`.
 *
 * @example
 * ```ts
 * import { putObjectRef } from 'flame-pie-rx/flame/cache';
 * putObjectRef(cache, 'my-app/shared', bigInput)
 *   .pipe(mergeMap((ref) => session.invoke(ref)))
 *   .subscribe();
 * ```
 */
export function putObjectRef(cache: FlameCache, keyOrPrefix: string, payload: CachePayload, options: CacheWriteOptions = {}): Observable<Uint8Array> {
  return cache.put(keyOrPrefix, payload, options).pipe(map(encodeObjectRef));
}

/**
 * Resolves BSON ObjectRef bytes (a task input, common data) to the object's newest part,
 * read from the replica the reference names. Bytes that are no ObjectRef error with
 * `FlameObjectRefError`.
 *
 * @example
 * ```ts
 * import { resolveObjectRef } from 'flame-pie-rx/flame/cache';
 * resolveObjectRef(cache, input).subscribe((bytes) => console.log(bytes.byteLength));
 * ```
 */
export function resolveObjectRef(cache: FlameCache, refBytes: Uint8Array | undefined): Observable<Uint8Array> {
  return new Observable<Uint8Array>((subscriber) => {
    const ref = objectRefCodec.decode(refBytes);
    return cache.get(ref).pipe(map(newestPart)).subscribe(subscriber);
  });
}

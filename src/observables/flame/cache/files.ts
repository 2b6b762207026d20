// Files through the cache: streamed from disk in 1 MiB chunks, and application packages
// under `<app>/pkg/<file>` as flame-rs 0.7's upload_package puts them (delete, then put:
// 0.7 objects cannot be replaced).
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Observable, concat, defer, ignoreElements } from 'rxjs';
import { packageKey } from '../../../model/flame/cache-key.js';
import type { ObjectRef } from '../../../model/flame/object-ref.js';
import type { FlameCache } from './flame-cache.js';
import { CACHE_CHUNK_BYTES } from './payload.js';

/**
 * Puts a file, read as it is sent (never whole in memory). A file that cannot be read
 * errors with Node's error and cancels the put.
 *
 * @example
 * ```ts
 * import { putFile } from 'flame-pie-rx/flame/cache';
 * putFile(cache, 'my-app/shared', './weights.bin').subscribe((ref) => console.log(ref.key));
 * ```
 */
export function putFile(cache: FlameCache, keyOrPrefix: string, path: string): Observable<ObjectRef> {
  return defer(() => cache.put(keyOrPrefix, createReadStream(path, { highWaterMark: CACHE_CHUNK_BYTES })));
}

/**
 * Uploads an application package to `<app>/pkg/<filename>` (default: the file's name),
 * deleting what was there first. Emits the ObjectRef; the URL an application spec names is
 * `<cache endpoint>/<key>`.
 *
 * @example
 * ```ts
 * import { uploadPackage } from 'flame-pie-rx/flame/cache';
 * uploadPackage(cache, 'my-app', './dist/my-app.tar.gz').subscribe((ref) => console.log(ref.key)); // my-app/pkg/my-app.tar.gz
 * ```
 */
export function uploadPackage(cache: FlameCache, application: string, path: string, filename: string = basename(path)): Observable<ObjectRef> {
  return defer(() => {
    const key = packageKey(application, filename);
    return concat(cache.delete(key).pipe(ignoreElements()), putFile(cache, key, path));
  });
}

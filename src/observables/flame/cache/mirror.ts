// A client-side copy of cached objects (flame-0.7.md 5.1.5, the Python SDK's versioned
// cache): each read asks only for the parts after the version held, appends them, and
// starts over when the server says the held version is no longer valid.
import { Observable, catchError, defer, map, throwError } from 'rxjs';
import type { CacheObject, CachePart } from '../../../model/flame/cache-types.js';
import { FlameInvalidArgumentError } from '../../../model/flame/status-errors.js';
import type { CacheObjectLocator, FlameCache } from './flame-cache.js';

interface Held {
  version: number;
  parts: CachePart[];
  dataType?: string;
}

/**
 * Keeps the objects it read (by endpoint and key) and reads only what it lacks.
 *
 * @example
 * ```ts
 * import { CacheMirror } from 'flame-pie-rx/flame/cache';
 * const mirror = new CacheMirror(cache);
 * mirror.get(ref).subscribe((o) => console.log(o.parts.length)); // everything
 * mirror.get(ref).subscribe((o) => console.log(o.parts.length)); // the same, fetched: only new parts
 * ```
 */
export class CacheMirror {
  readonly #held = new Map<string, Held>();

  constructor(private readonly cache: FlameCache) {}

  /** How many objects are held. */
  get size(): number {
    return this.#held.size;
  }

  /**
   * The whole object (`complete: true`, every part), reading only the parts after the
   * version held. On 0.7's "invalid version" (the key now names another object) the copy
   * is dropped and read again from version 0.
   *
   * @example
   * ```ts
   * mirror.get('my-app/shared/table').subscribe((o) => console.log(o.version));
   * ```
   */
  get(object: CacheObjectLocator): Observable<CacheObject> {
    return defer(() => {
      const id = this.#id(object);
      const held = this.#held.get(id);
      const read = (since: number) => this.cache.get(object, { sinceVersion: since }).pipe(map((o) => this.#merge(id, since === 0 ? undefined : held, o)));
      if (!held) return read(0);
      return read(held.version).pipe(
        catchError((error: unknown) => {
          if (error instanceof FlameInvalidArgumentError && /invalid version/i.test(error.serverMessage)) {
            this.#held.delete(id);
            return read(0);
          }
          return throwError(() => error);
        }),
      );
    });
  }

  /**
   * Forgets one object, or everything.
   *
   * @example
   * ```ts
   * mirror.forget(); // after cache.delete(...)
   * ```
   */
  forget(object?: CacheObjectLocator): void {
    if (object === undefined) this.#held.clear();
    else this.#held.delete(this.#id(object));
  }

  #id(object: CacheObjectLocator): string {
    return typeof object === 'string' ? `${this.cache.endpoint}\n${object}` : `${object.endpoint}\n${object.key}`;
  }

  #merge(id: string, held: Held | undefined, read: CacheObject): CacheObject {
    const parts = read.complete || !held ? [...read.parts] : [...held.parts, ...read.parts];
    const next: Held = { version: read.version, parts, ...(read.dataType === undefined ? {} : { dataType: read.dataType }) };
    this.#held.set(id, next);
    return { ...read, parts, complete: true };
  }
}

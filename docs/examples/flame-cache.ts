// The Flame object cache: put bytes with progress, read them back, append a patch and read
// only the new part, JSON values, a large task input passed by ObjectRef, a mirror that
// keeps what it read, and cleanup. Works against a 0.6 (Arrow Flight) or a 0.7
// (ObjectCacheService) cache: the client probes the endpoint once.
// Run: main('http://127.0.0.1:8080', 'grpc://127.0.0.1:9090') against a cluster (or a
// FlameEmulator started with `objectCache`), or main() for emulators of its own.
import { firstValueFrom, lastValueFrom, mergeMap, tap } from 'rxjs';
// In an application: `from 'flame-pie-rx/flame'`, `'flame-pie-rx/flame/cache'` and `'flame-pie-rx/testing'`.
import { FlameClient } from '../../src/flame.js';
import { CacheMirror, FlameCache, getJson, putJson, putObjectRef, resolveObjectRef } from '../../src/flame-cache.js';
import { FlameEmulator } from '../../src/testing.js';

/** What the example saw. */
export interface CacheExampleResult {
  version: string;
  progressEvents: number;
  keyPrefix: string;
  versions: number[];
  newParts: number[];
  json: unknown;
  sum: string;
  mirrorParts: number;
}

/**
 * Runs the example against `endpoint` and `cacheEndpoint` when given, else against a
 * FlameEmulator with an object cache of `version` beside it.
 *
 * @example
 * ```ts
 * const result = await main(undefined, undefined, '0.7');
 * ```
 */
export async function main(endpoint?: string, cacheEndpoint?: string, version: '0.6' | '0.7' = '0.7'): Promise<CacheExampleResult> {
  const emulator = endpoint === undefined ? await FlameEmulator.start({ objectCache: version }) : undefined;
  // Explicit endpoints win over FLAME_CACHE_ENDPOINT and the context's cache.endpoint.
  const cache = FlameCache.connect({ endpoint: cacheEndpoint ?? emulator!.cacheEndpoint! });
  const client = FlameClient.connect({ endpoint: endpoint ?? emulator!.endpoint });
  // The service side of the `sum` application resolves its input from the cache.
  emulator?.handle('sum', async (input) => {
    const bytes = await firstValueFrom(resolveObjectRef(cache, input));
    return String(bytes.reduce((total, b) => total + b, 0));
  });
  try {
    // 1. Put 8 MiB under a prefix (the cache names the object), watching the progress.
    let progressEvents = 0;
    const data = new Uint8Array(8 * 1024 * 1024).fill(1);
    const put = await lastValueFrom(
      cache.putWithProgress('sum/shared', data).pipe(tap((e) => e.kind === 'progress' && progressEvents++)),
    );
    if (put.kind !== 'done') throw new Error('the put ended without a reference');
    const ref = put.result;

    // 2. Append a patch, then read only what a reader holding version 1 lacks.
    const patched = await firstValueFrom(cache.patch(ref, new Uint8Array([2, 3])));
    const delta = await firstValueFrom(cache.get(ref, { sinceVersion: 1 }));

    // 3. JSON values (data_type "raw", as Rust's typed objects).
    const jsonRef = await firstValueFrom(putJson(cache, 'sum/shared', { model: 'tiny', layers: 2 }));
    const json = await firstValueFrom(getJson(cache, jsonRef));

    // 4. A task input over the 4 MiB request limit travels as a BSON ObjectRef.
    const session = await firstValueFrom(client.createSession('sum'));
    const output = await firstValueFrom(
      putObjectRef(cache, `sum/${session.id}`, new Uint8Array(5 * 1024 * 1024).fill(2)).pipe(mergeMap((input) => session.invoke(input))),
    );

    // 5. A mirror keeps what it read and later asks only for newer parts.
    const mirror = new CacheMirror(cache);
    await firstValueFrom(mirror.get(ref));
    await firstValueFrom(cache.patch(ref, new Uint8Array([4])));
    const mirrored = await firstValueFrom(mirror.get(ref));

    // 6. Clean up every object of the application.
    await lastValueFrom(cache.delete('sum/*'), { defaultValue: undefined });
    return {
      version: await firstValueFrom(cache.version()),
      progressEvents,
      keyPrefix: ref.key.slice(0, 'sum/shared/'.length),
      versions: [ref.version, patched.version],
      newParts: delta.parts.map((p) => p.version),
      json,
      sum: new TextDecoder().decode(output),
      mirrorParts: mirrored.parts.length,
    };
  } finally {
    client.close();
    cache.close();
    await emulator?.close();
  }
}

// ObjectRef BSON, config endpoint precedence, JSON/Arrow helpers, large inputs by
// reference, and the client-side mirror that reads only what it lacks, on both versions.
import { tableFromArrays } from 'apache-arrow';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, mergeMap } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlameClient, FlameConfigError } from '../../../src/flame.js';
import {
  CacheMirror,
  FlameCache,
  FlameCachePayloadError,
  FlameObjectRefError,
  decodeObjectRef,
  encodeObjectRef,
  getArrow,
  getJson,
  objectRefCodec,
  packageKey,
  patchJson,
  putArrow,
  putJson,
  putObjectRef,
  resolveObjectRef,
  sharedPrefix,
} from '../../../src/flame-cache.js';
import { FlameCacheEmulator, FlameEmulator } from '../../../src/testing.js';

/** BSON written by hand from the BSON spec: string = 0x02, int64 = 0x12, int32 = 0x10. */
function bson(fields: [type: number, name: string, value: Buffer][]): Buffer {
  const body = Buffer.concat(fields.map(([type, name, value]) => Buffer.concat([Buffer.from([type]), Buffer.from(`${name}\0`), value])));
  const size = Buffer.alloc(4);
  size.writeInt32LE(body.length + 5);
  return Buffer.concat([size, body, Buffer.from([0])]);
}
const str = (s: string) => {
  const len = Buffer.alloc(4);
  len.writeInt32LE(Buffer.byteLength(s) + 1);
  return Buffer.concat([len, Buffer.from(`${s}\0`)]);
};
const int64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(n));
  return b;
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};

describe('ObjectRef', () => {
  it('is the BSON document {endpoint: string, key: string, version: int64}', () => {
    const ref = { endpoint: 'grpc://10.0.0.5:9090', key: 'app/shared/x', version: 3 };
    const expected = bson([
      [0x02, 'endpoint', str(ref.endpoint)],
      [0x02, 'key', str(ref.key)],
      [0x12, 'version', int64(3)],
    ]);
    expect(Buffer.from(encodeObjectRef(ref)).equals(expected)).toBe(true);
    expect(decodeObjectRef(expected)).toEqual(ref);
    expect(objectRefCodec.decode(objectRefCodec.encode(ref))).toEqual(ref);
  });

  it('accepts an int32 version and reads a missing one as 0; refuses the rest with FlameObjectRefError', () => {
    const e = str('grpc://h:9090');
    expect(decodeObjectRef(bson([[0x02, 'endpoint', e], [0x02, 'key', str('a/b/c')], [0x10, 'version', int32(7)]])).version).toBe(7);
    expect(decodeObjectRef(bson([[0x02, 'endpoint', e], [0x02, 'key', str('a/b/c')]])).version).toBe(0);
    for (const bad of [Buffer.from([1, 2, 3]), bson([[0x02, 'key', str('a/b/c')]]), bson([[0x02, 'endpoint', e], [0x02, 'key', str('a/b/c')], [0x02, 'version', str('1')]])]) {
      expect(() => decodeObjectRef(bad)).toThrow(FlameObjectRefError);
    }
    expect(() => objectRefCodec.decode(undefined)).toThrow(FlameObjectRefError);
    expect(() => encodeObjectRef({ endpoint: 'e', key: 'k', version: -1 })).toThrow(FlameObjectRefError);
  });

  it('key helpers', () => {
    expect(sharedPrefix('app')).toBe('app/shared');
    expect(packageKey('app', 'app.tar.gz')).toBe('app/pkg/app.tar.gz');
  });
});

describe('cache endpoint precedence: option > FLAME_CACHE_ENDPOINT > context cache.endpoint > default', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flame-cache-config-'));
  const file = join(dir, 'flame.yaml');
  writeFileSync(
    file,
    'current-context: dev\ncontexts:\n  - name: dev\n    cluster:\n      endpoint: http://flame:8080\n    cache:\n      endpoint: grpc://from-file:9091\n  - name: bare\n    cluster:\n      endpoint: http://flame:8080\n',
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const endpointOf = (options: Parameters<typeof FlameCache.connect>[0]) => {
    const cache = FlameCache.connect(options);
    cache.close();
    return cache.endpoint;
  };

  it('in that order', () => {
    const env = { FLAME_CACHE_ENDPOINT: 'grpc://from-env:9092', HOME: dir };
    expect(endpointOf({ configPath: file, env, endpoint: 'grpc://explicit:9093' })).toBe('grpc://explicit:9093');
    expect(endpointOf({ configPath: file, env })).toBe('grpc://from-env:9092');
    expect(endpointOf({ configPath: file, env: { HOME: dir } })).toBe('grpc://from-file:9091');
    expect(endpointOf({ configPath: file, context: 'bare', env: { HOME: dir } })).toBe('grpc://127.0.0.1:9090');
    expect(endpointOf({ env: { HOME: dir } })).toBe('grpc://127.0.0.1:9090');
  });

  it('a missing context or file named explicitly is a FlameConfigError', () => {
    expect(() => FlameCache.connect({ configPath: file, context: 'nope', env: { HOME: dir } })).toThrow(FlameConfigError);
    expect(() => FlameCache.connect({ configPath: join(dir, 'missing.yaml'), env: { HOME: dir } })).toThrow(FlameConfigError);
  });

  it('FlameClient exposes the same cache endpoint in its config', () => {
    const client = FlameClient.connect({ configPath: file, env: { HOME: dir, FLAME_CACHE_ENDPOINT: 'grpc://from-env:9092' } });
    client.close();
    expect(client.config?.cache.endpoint).toBe('grpc://from-env:9092');
  });
});

for (const version of ['0.6', '0.7'] as const) {
  describe(`cache helpers ${version}`, () => {
    let emu: FlameCacheEmulator;
    let cache: FlameCache;
    beforeAll(async () => {
      emu = await FlameCacheEmulator.start({ version });
      cache = FlameCache.connect({ endpoint: emu.endpoint, env: {} });
    });
    afterAll(async () => {
      cache.close();
      await emu.close();
    });

    it('JSON: put, patch, get the newest part; bad JSON is typed', async () => {
      const ref = await firstValueFrom(putJson(cache, 'app/shared', { n: 1 }));
      expect(await firstValueFrom(getJson<{ n: number }>(cache, ref))).toEqual({ n: 1 });
      await firstValueFrom(patchJson(cache, ref, { n: 2 }));
      expect(await firstValueFrom(getJson(cache, ref.key))).toEqual({ n: 2 });
      const text = await firstValueFrom(cache.put('app/shared', 'not json'));
      await expect(firstValueFrom(getJson(cache, text))).rejects.toBeInstanceOf(FlameCachePayloadError);
      await expect(firstValueFrom(putJson(cache, 'app/shared', 10n))).rejects.toBeInstanceOf(FlameCachePayloadError);
    });

    it('Arrow: a table round trips as an IPC stream', async () => {
      const table = tableFromArrays({ x: Float64Array.from([1, 2, 3]), y: Int32Array.from([4, 5, 6]) });
      const ref = await firstValueFrom(putArrow(cache, 'app/shared', table));
      const back = await firstValueFrom(getArrow(cache, ref));
      expect(back.numRows).toBe(3);
      expect(back.getChild('y')!.toArray()).toEqual(Int32Array.from([4, 5, 6]));
    });

    it('mirror: reads only the parts it lacks, and starts over when the key names another object', async () => {
      const mirror = new CacheMirror(cache);
      const ref = await firstValueFrom(cache.put('app/mirror', 'a'));
      expect((await firstValueFrom(mirror.get(ref))).parts.map((p) => Buffer.from(p.data).toString())).toEqual(['a']);
      await firstValueFrom(cache.patch(ref, 'b'));
      const calls = emu.calls.length;
      const both = await firstValueFrom(mirror.get(ref));
      expect(both.parts.map((p) => Buffer.from(p.data).toString())).toEqual(['a', 'b']);
      expect(both.complete).toBe(true);
      const ticketOrVersion = emu.calls.slice(calls).map((c) => c.method);
      expect(ticketOrVersion).toEqual([version === '0.7' ? 'Get' : 'DoGet']);
      // Deleted and created again under the same key: the held version 2 is beyond the new object's.
      await firstValueFrom(cache.delete(ref.key), { defaultValue: undefined });
      await firstValueFrom(cache.put(ref.key, 'fresh'));
      const fresh = await firstValueFrom(mirror.get(ref));
      expect(fresh.parts.map((p) => Buffer.from(p.data).toString())).toEqual(['fresh']);
      expect(mirror.size).toBe(1);
    });

    it('a large task input travels by ObjectRef and the service resolves it', async () => {
      const flame = await FlameEmulator.start();
      const client = FlameClient.connect({ endpoint: flame.endpoint, env: {} });
      const service = FlameCache.connect({ endpoint: emu.endpoint, env: {} });
      flame.handle('sum', async (input) => {
        const bytes = await firstValueFrom(resolveObjectRef(service, input));
        return String(bytes.reduce((sum, b) => sum + b, 0));
      });
      try {
        const session = await firstValueFrom(client.createSession('sum'));
        const big = Buffer.alloc(6 * 1024 * 1024, 1); // over the 4 MiB request limit
        const output = await firstValueFrom(putObjectRef(cache, 'sum/shared', big).pipe(mergeMap((ref) => session.invoke(ref))));
        expect(Buffer.from(output ?? []).toString()).toBe(String(big.length));
        await expect(firstValueFrom(resolveObjectRef(service, Buffer.from('nope')))).rejects.toBeInstanceOf(FlameObjectRefError);
      } finally {
        service.close();
        client.close();
        await flame.close();
      }
    });
  });
}


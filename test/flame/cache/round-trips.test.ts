// Cache round trips over real loopback sockets against both emulators (0.6 Arrow Flight,
// 0.7 ObjectCacheService): 0 B, 1 B and 64 MiB with versions and patches.
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlameCache } from '../../../src/flame-cache.js';
import { FlameCacheEmulator } from '../../../src/testing.js';

const MiB = 1024 * 1024;

for (const version of ['0.6', '0.7'] as const) {
  describe(`object cache ${version}`, () => {
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

    it('detects the protocol from the endpoint', async () => {
      expect(await firstValueFrom(cache.version())).toBe(version);
      // 0.7 answers the probe (NOT_FOUND); a Flight-only server answers UNIMPLEMENTED before any handler runs.
      expect(emu.calls.map((c) => c.method)).toEqual(version === '0.7' ? ['GetMetadata'] : ['GetSchema']);
    });

    for (const size of [0, 1]) {
      it(`${size} B: put under a prefix, get, patch, get only what is new`, async () => {
        const data = new Uint8Array(size).fill(7);
        const ref = await firstValueFrom(cache.put('app/ssn', data));
        expect(ref.endpoint).toBe(emu.endpoint);
        expect(ref.key).toMatch(/^app\/ssn\/[0-9a-f-]{36}$/);
        expect(ref.version).toBe(1);
        const first = await firstValueFrom(cache.get(ref));
        expect(first.version).toBe(1);
        expect(first.complete).toBe(true);
        expect(first.parts.map((p) => [p.version, p.kind, Buffer.from(p.data).toString('hex')])).toEqual([[1, 'base', Buffer.from(data).toString('hex')]]);

        const patched = await firstValueFrom(cache.patch(ref, new Uint8Array(size).fill(9)));
        expect(patched).toEqual({ endpoint: emu.endpoint, key: ref.key, version: 2 });
        const delta = await firstValueFrom(cache.get(ref, { sinceVersion: 1 }));
        expect(delta.version).toBe(2);
        expect(delta.complete).toBe(false);
        expect(delta.parts.map((p) => [p.version, p.kind, p.data.byteLength])).toEqual([[2, 'patch', size]]);
        const upToDate = await firstValueFrom(cache.get(ref, { sinceVersion: 2 }));
        expect(upToDate).toMatchObject({ version: 2, parts: [] });
        const all = await firstValueFrom(cache.get(ref.key));
        expect(all.parts.map((p) => p.version)).toEqual([1, 2]);
      });
    }

    it('64 MiB: put with progress, patch, get with progress, get only the patch', async () => {
      const data = Buffer.alloc(64 * MiB);
      for (let i = 0; i < data.length; i += 4096) data[i] = i & 0xff;
      const events = await lastValueFrom(cache.putWithProgress('app/big', data).pipe(toArray()));
      const progress = events.filter((e) => e.kind === 'progress');
      expect(progress.length).toBe(64);
      expect(progress.at(-1)).toEqual({ kind: 'progress', bytes: 64 * MiB, totalBytes: 64 * MiB });
      const done = events.at(-1)!;
      if (done.kind !== 'done') throw new Error('no done event');
      const ref = done.result;
      expect(Buffer.from(emu.object(ref.key)!.parts[0]!).equals(data)).toBe(true);

      const patch = Buffer.alloc(3 * MiB + 5, 1);
      const next = await firstValueFrom(cache.patch(ref, patch));
      expect(next.version).toBe(2);

      const read = await lastValueFrom(cache.getWithProgress(ref).pipe(toArray()));
      const object = read.at(-1)!;
      if (object.kind !== 'done') throw new Error('no done event');
      expect(object.result.parts.map((p) => p.data.byteLength)).toEqual([64 * MiB, 3 * MiB + 5]);
      expect(Buffer.from(object.result.parts[0]!.data).equals(data)).toBe(true);
      expect(read.filter((e) => e.kind === 'progress').length).toBeGreaterThan(0);

      const delta = await firstValueFrom(cache.get(ref, { sinceVersion: 1 }));
      expect(delta.parts.map((p) => p.data.byteLength)).toEqual([3 * MiB + 5]);
      expect(Buffer.from(delta.parts[0]!.data).equals(patch)).toBe(true);
    });

    it('metadata, list and delete (key, prefix, app/*)', async () => {
      const a = await firstValueFrom(cache.put('meta/s1', 'hello'));
      await firstValueFrom(cache.put('meta/s2', 'x'));
      await firstValueFrom(cache.put('meta/s2/named', 'y'));
      const info = await firstValueFrom(cache.metadata(a));
      expect(info).toMatchObject({ key: a.key, size: 5, endpoint: emu.endpoint });
      if (version === '0.7') expect(info).toMatchObject({ version: 1, dataType: 'raw' });
      const listed = await lastValueFrom(cache.list().pipe(toArray()));
      expect(listed.filter((o) => o.key.startsWith('meta/')).length).toBe(3);
      await lastValueFrom(cache.delete(a.key), { defaultValue: undefined });
      expect(emu.object(a.key)).toBeUndefined();
      await lastValueFrom(cache.delete('meta/s2'), { defaultValue: undefined });
      expect(emu.keys().filter((k) => k.startsWith('meta/'))).toEqual([]);
      await firstValueFrom(cache.put('meta/s3', 'z'));
      await lastValueFrom(cache.delete('meta/*'), { defaultValue: undefined });
      expect(emu.keys().filter((k) => k.startsWith('meta/'))).toEqual([]);
    });
  });
}

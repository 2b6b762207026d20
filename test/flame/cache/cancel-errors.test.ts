// Unsubscribing cancels cache calls on the wire (seen at the server), and bad input fails
// with typed errors, on both cache versions, over loopback.
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FlameAlreadyExistsError,
  FlameEndpointError,
  FlameInvalidArgumentError,
  FlameNotFoundError,
} from '../../../src/flame.js';
import { FlameCache, FlameCacheKeyError, FlameCachePayloadError } from '../../../src/flame-cache.js';
import { FlameCacheEmulator } from '../../../src/testing.js';

const MiB = 1024 * 1024;

async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

for (const version of ['0.6', '0.7'] as const) {
  const names = version === '0.7' ? { put: 'Put', get: 'Get' } : { put: 'DoPut', get: 'DoGet' };

  describe(`object cache ${version}: cancellation and errors`, () => {
    let emu: FlameCacheEmulator;
    let cache: FlameCache;
    beforeAll(async () => {
      emu = await FlameCacheEmulator.start({ version });
      cache = new FlameCache(emu.endpoint, { version });
    });
    afterAll(async () => {
      cache.close();
      await emu.close();
    });

    it('unsubscribing from a get in flight cancels it at the server', async () => {
      const ref = await firstValueFrom(cache.put('app/cancel', Buffer.alloc(64 * MiB, 3)));
      const before = emu.cancelledCalls.length;
      emu.delayNext(1, 3000, { method: names.get });
      const subscription = cache.getWithProgress(ref).subscribe({ error: () => undefined });
      await until(() => emu.openCalls > 0, 'the get to reach the server');
      subscription.unsubscribe();
      await until(() => emu.cancelledCalls.length > before, 'the cancel to reach the server');
      expect(emu.cancelledCalls.at(-1)).toBe(names.get);
      await until(() => emu.openCalls === 0, 'the call to end');
    });

    it('unsubscribing from a streamed put cancels it: nothing is stored, the source is closed', async () => {
      let closed = false;
      let release: () => void = () => undefined;
      async function* source() {
        try {
          yield Buffer.alloc(MiB, 1);
          await new Promise<void>((resolve) => (release = resolve));
          yield Buffer.alloc(MiB, 2);
        } finally {
          closed = true;
        }
      }
      const keysBefore = emu.keys().length;
      const before = emu.cancelledCalls.length;
      const subscription = cache.putWithProgress('app/cancel-put', source()).subscribe({ error: () => undefined });
      await until(() => emu.openCalls > 0, 'the put to reach the server');
      subscription.unsubscribe();
      release();
      await until(() => emu.cancelledCalls.length > before, 'the cancel to reach the server');
      expect(emu.cancelledCalls.at(-1)).toBe(names.put);
      await until(() => closed, 'the source to be closed');
      expect(emu.keys().length).toBe(keysBefore);
    });

    it('bad keys fail with FlameCacheKeyError before anything is sent', async () => {
      const calls = emu.calls.length;
      for (const key of ['app', 'a/b/c/d', 'app//x', 'app/../x', 'app/s/a:b', 'app/*/x', 'a\\b/s']) {
        await expect(firstValueFrom(cache.put(key, 'x'))).rejects.toBeInstanceOf(FlameCacheKeyError);
      }
      await expect(firstValueFrom(cache.get('app/only-prefix'))).rejects.toThrow('expected <app>/<session>/<object>');
      await expect(firstValueFrom(cache.patch('app/s', 'x'))).rejects.toBeInstanceOf(FlameCacheKeyError);
      await expect(lastValueFrom(cache.delete('app/s/*'))).rejects.toBeInstanceOf(FlameCacheKeyError);
      await expect(firstValueFrom(cache.put('app/s', 42 as never))).rejects.toBeInstanceOf(FlameCachePayloadError);
      await expect(firstValueFrom(cache.put('app/s', 'x', { dataType: '' }))).rejects.toBeInstanceOf(FlameCachePayloadError);
      await expect(firstValueFrom(cache.get('app/s/x', { sinceVersion: -1 }))).rejects.toBeInstanceOf(FlameCachePayloadError);
      expect(emu.calls.length).toBe(calls);
    });

    it('unknown objects are FlameNotFoundError (get, patch, metadata)', async () => {
      await expect(firstValueFrom(cache.get('app/s/missing'))).rejects.toBeInstanceOf(FlameNotFoundError);
      await expect(firstValueFrom(cache.patch('app/s/missing', 'x'))).rejects.toBeInstanceOf(FlameNotFoundError);
      await expect(firstValueFrom(cache.metadata('app/s/missing'))).rejects.toThrow('object app/s/missing not found');
    });

    if (version === '0.7') {
      it('0.7: a full key that exists is not replaced; a version beyond the object is "invalid version"', async () => {
        const ref = await firstValueFrom(cache.put('app/s/fixed', 'one'));
        expect(ref.version).toBe(1);
        await expect(firstValueFrom(cache.put('app/s/fixed', 'two'))).rejects.toBeInstanceOf(FlameAlreadyExistsError);
        const error = await firstValueFrom(cache.get(ref, { sinceVersion: 5 })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(FlameInvalidArgumentError);
        expect((error as FlameInvalidArgumentError).serverMessage).toBe('invalid version');
        await expect(firstValueFrom(cache.patch(ref, 'x', { dataType: 'raw.zstd' }))).rejects.toBeInstanceOf(FlameInvalidArgumentError);
      });
    } else {
      it('0.6: a put with a full key replaces the object (version + 1, patches dropped)', async () => {
        const first = await firstValueFrom(cache.put('app/s/fixed', 'one'));
        await firstValueFrom(cache.patch(first, 'delta'));
        const replaced = await firstValueFrom(cache.put('app/s/fixed', 'two'));
        expect(replaced.version).toBe(3);
        const object = await firstValueFrom(cache.get(replaced));
        expect(object.parts.map((p) => [p.version, p.kind, Buffer.from(p.data).toString()])).toEqual([[3, 'base', 'two']]);
        // A caller holding version 2 (base 1 + patch 2) lacks a base: it gets the whole object.
        const fromOld = await firstValueFrom(cache.get(replaced, { sinceVersion: 2 }));
        expect(fromOld.complete).toBe(true);
        expect(fromOld.parts.map((p) => p.kind)).toEqual(['base']);
      });
    }
  });
}

describe('object cache endpoints', () => {
  it('refuses endpoints that are not cache URLs', () => {
    for (const endpoint of ['http://h:9090', 'grpc://user:pw@h:1', 'grpc://h:1/path', 'grpc://h:0', 'grpcs-proxy://gw', '']) {
      expect(() => new FlameCache(endpoint)).toThrow(FlameEndpointError);
    }
    expect(() => new FlameCache('grpc://user:secret@h:1')).toThrow(/\[redacted\]/);
  });

  it('a client of the wrong version sees UNIMPLEMENTED, typed', async () => {
    const emu = await FlameCacheEmulator.start({ version: '0.6' });
    const cache = new FlameCache(emu.endpoint, { version: '0.7' });
    try {
      const error = await firstValueFrom(cache.get('app/s/x')).catch((e: unknown) => e);
      expect((error as { codeName: string }).codeName).toBe('UNIMPLEMENTED');
    } finally {
      cache.close();
      await emu.close();
    }
  });
});

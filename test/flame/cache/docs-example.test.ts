// Runs docs/examples/flame-cache.ts (the "Object cache" section of docs/flame.md) against
// a FlameEmulator with each version of the object cache emulator.
import { describe, expect, it } from 'vitest';
import { main } from '../../../docs/examples/flame-cache.js';
import { firstValueFrom } from 'rxjs';
import { FlameCache, resolveObjectRef } from '../../../src/flame-cache.js';
import { FlameEmulator } from '../../../src/testing.js';

describe('docs/examples/flame-cache.ts', () => {
  for (const version of ['0.6', '0.7'] as const) {
    it(`runs against emulators of its own (${version})`, async () => {
      expect(await main(undefined, undefined, version)).toEqual({
        version,
        progressEvents: 8,
        keyPrefix: 'sum/shared/',
        versions: [1, 2],
        newParts: [2],
        json: { model: 'tiny', layers: 2 },
        sum: String(10 * 1024 * 1024),
        mirrorParts: 3,
      });
    });
  }

  it('runs against given endpoints (a session manager with its cache beside it)', async () => {
    const emu = await FlameEmulator.start({ objectCache: '0.6' });
    const serviceCache = FlameCache.connect({ endpoint: emu.cacheEndpoint!, env: {} });
    emu.handle('sum', async (input) => {
      const bytes = await firstValueFrom(resolveObjectRef(serviceCache, input));
      return String(bytes.reduce((total, b) => total + b, 0));
    });
    try {
      const result = await main(emu.endpoint, emu.cacheEndpoint);
      expect(result).toMatchObject({ version: '0.6', sum: String(10 * 1024 * 1024), mirrorParts: 3 });
      expect(emu.cache!.keys()).toEqual([]); // the example deleted sum/*
    } finally {
      serviceCache.close();
      await emu.close();
    }
  });
});

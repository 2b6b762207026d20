// Files streamed from disk, and package uploads (delete, then put under <app>/pkg/<file>).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlameCache, putFile, uploadPackage } from '../../../src/flame-cache.js';
import { FlameCacheEmulator } from '../../../src/testing.js';

const dir = mkdtempSync(join(tmpdir(), 'flame-cache-files-'));
const file = join(dir, 'app.tar.gz');
const content = Buffer.alloc(3 * 1024 * 1024 + 17);
for (let i = 0; i < content.length; i++) content[i] = (i * 31) & 0xff;
writeFileSync(file, content);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const version of ['0.6', '0.7'] as const) {
  describe(`files ${version}`, () => {
    let emu: FlameCacheEmulator;
    let cache: FlameCache;
    beforeAll(async () => {
      emu = await FlameCacheEmulator.start({ version });
      cache = new FlameCache(emu.endpoint);
    });
    afterAll(async () => {
      cache.close();
      await emu.close();
    });

    it('putFile streams a file; a missing file errors with ENOENT and stores nothing', async () => {
      const ref = await firstValueFrom(putFile(cache, 'app/files', file));
      expect(Buffer.from(emu.object(ref.key)!.parts[0]!).equals(content)).toBe(true);
      const before = emu.keys().length;
      await expect(firstValueFrom(putFile(cache, 'app/files', join(dir, 'missing')))).rejects.toMatchObject({ code: 'ENOENT' });
      expect(emu.keys().length).toBe(before);
    });

    it('uploadPackage replaces the package under <app>/pkg/<file>', async () => {
      const first = await firstValueFrom(uploadPackage(cache, 'app', file));
      expect(first.key).toBe('app/pkg/app.tar.gz');
      const again = await firstValueFrom(uploadPackage(cache, 'app', file));
      expect(again.version).toBe(1); // deleted first, so a new object in both versions
      const read = await firstValueFrom(cache.get(again));
      expect(read.parts.length).toBe(1);
      expect(Buffer.from(read.parts[0]!.data).equals(content)).toBe(true);
    });
  });
}

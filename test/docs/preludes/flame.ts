// Prelude `flame`: a FlameEmulator (Flame 0.7, with an object cache) with the guide's applications, FLAME_ENDPOINT pointing at
// it, a ~/.flame/flame.yaml with `dev` and `prod` contexts, and the names the guide uses.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { FlameClient, jsonCodec, textCodec } from 'flame-pie-rx/flame';
import { FlameEmulator } from 'flame-pie-rx/testing';
import { FlameCache, type ObjectRef } from 'flame-pie-rx/flame/cache';
export * from './common.js';
export { FlameClient, TaskFailedError, jsonCodec, textCodec, watchTask } from 'flame-pie-rx/flame';

export const emu = await FlameEmulator.start({ version: '0.7', objectCache: true });
emu.handle('sum', (input) => {
  const numbers = JSON.parse(new TextDecoder().decode(input)) as number[];
  return JSON.stringify(numbers.reduce((a, b) => a + b, 0));
});
emu.handle('echo', (input) => {
  const text = new TextDecoder().decode(input);
  if (text === 'fail') throw new Error('the service message');
  return text;
});
const home = mkdtempSync(join(tmpdir(), 'fpr-docs-home-'));
mkdirSync(join(home, '.flame'));
writeFileSync(
  join(home, '.flame/flame.yaml'),
  `current-context: dev\ncontexts:\n  - name: dev\n    cluster:\n      endpoint: ${emu.endpoint}\n  - name: prod\n    cluster:\n      endpoint: ${emu.endpoint}\n`,
);
process.env.HOME = home;
process.env.FLAME_ENDPOINT = emu.endpoint;
process.env.FLAME_CACHE_ENDPOINT = emu.cacheEndpoint!;

export const client = FlameClient.connect({ endpoint: emu.endpoint });
export const session = await firstValueFrom(client.createSession('echo'));
export const codecs = { input: textCodec, output: textCodec };
export const lines = ['one', 'two', 'three'];
export const sumCodecs = { input: jsonCodec<number[]>(), output: jsonCodec<number>() };
export const endpoint = emu.endpoint;
export const input = new TextEncoder().encode('an input');
export const bigInput = new Uint8Array(64 * 1024).fill(7);
export const cache = FlameCache.connect({ endpoint: emu.cacheEndpoint! });
export const ref: ObjectRef = await firstValueFrom(cache.put(`sum/${session.id}`, new Uint8Array([1])));

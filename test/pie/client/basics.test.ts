import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fastBackoff, harness } from './helpers.js';
import { PieClient } from '../../../src/observables/pie/pie-client.js';
import { PieError, PieTimeoutError } from '../../../src/model/pie/errors.js';

const h = harness();
afterEach(() => h.cleanup());

describe('PieClient basics against PieEmulator', () => {
  it('pings, queries model status, and a query with an unknown subject times out', async () => {
    const emu = await h.emulator({ models: ['default', 'small'] });
    const client = await h.client(emu);
    const rtt = await firstValueFrom(client.ping());
    expect(rtt).toBeGreaterThanOrEqual(0);
    const status = await firstValueFrom(client.modelStatus());
    expect(Object.keys(status.models).sort()).toEqual(['default', 'small']);
    expect(typeof status.models.default?.kvPagesTotal).toBe('number');
    await expect(firstValueFrom(client.query('weather', '', { timeoutMs: 200 }))).rejects.toBeInstanceOf(PieTimeoutError);
  });

  it('launches a process and streams its events until return', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('count@1.0.0', async (ctx) => {
      const { n } = JSON.parse(ctx.input) as { n: number };
      for (let i = 0; i < n; i++) ctx.stdout(`t${i} `);
      ctx.stderr('done');
      return JSON.stringify({ n });
    });
    const client = await h.client(emu);
    const events = await lastValueFrom(client.launchProcess('count@1.0.0', { n: 3 }).pipe(toArray()));
    expect(events.map((e) => e.kind)).toEqual(['stdout', 'stdout', 'stdout', 'stderr', 'return']);
    expect(events.at(-1)).toMatchObject({ kind: 'return', value: '{"n":3}' });
  });

  it('connect gives up with PieTimeoutError when nothing answers, and rejects a bad URL at once', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await PieClient.connect(`ws://127.0.0.1:${port}`, { username: 'x' }, {
      connectTimeoutMs: 300,
      backoff: fastBackoff,
      heartbeat: false,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PieTimeoutError);
    await expect(PieClient.connect('http://127.0.0.1:1', { username: 'x' })).rejects.toBeInstanceOf(PieError);
  });
});

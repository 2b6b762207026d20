// PieClient.ping over loopback: the round trip, a timeout on a stalled link, and a cancel in
// flight, each leaving nothing behind (a late answer to a forgotten id is dropped).
import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { delay, fastBackoff, harness } from './helpers.js';
import { PieClient } from '../../../src/observables/pie/pie-client.js';
import { PieTimeoutError } from '../../../src/model/pie/errors.js';
import { FaultProxy } from '../../../src/testing/fault-proxy/index.js';

const h = harness();
const proxies: FaultProxy[] = [];
const clients: PieClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await h.cleanup();
  for (const proxy of proxies.splice(0)) await proxy.close();
});

const pingsAt = (emu: { received: readonly { type?: unknown }[] }) => emu.received.filter((m) => m.type === 'ping').length;

describe('PieClient.ping', () => {
  it('emits one round-trip time, then completes', async () => {
    const emu = await h.emulator();
    const client = await h.client(emu);
    const values = await lastValueFrom(client.ping().pipe(toArray()));
    expect(values).toHaveLength(1);
    expect(values[0]).toBeGreaterThanOrEqual(0);
    expect(values[0]).toBeLessThan(5_000);
  });

  it('times out with PieTimeoutError on a slow link; the late Pong is dropped and the next ping answers', async () => {
    const emu = await h.emulator();
    const proxy = await FaultProxy.start(emu.port);
    proxies.push(proxy);
    const client = await PieClient.connect(proxy.url('ws'), { username: 'tester' }, { backoff: fastBackoff, heartbeat: false, requestTimeoutMs: 200 });
    clients.push(client);
    expect(await firstValueFrom(client.ping())).toBeGreaterThanOrEqual(0);
    proxy.delay(300); // 600 ms a round trip, against a 200 ms request timeout
    const started = Date.now();
    const seen: unknown[] = [];
    const error = await new Promise((resolve) => client.ping().subscribe({ next: (v) => seen.push(v), error: resolve, complete: () => seen.push('complete') }));
    expect(error).toBeInstanceOf(PieTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    proxy.heal();
    await delay(700); // the late Pong arrives to a forgotten id
    expect(seen).toEqual([]);
    expect(pingsAt(emu)).toBeGreaterThanOrEqual(2);
    expect(await firstValueFrom(client.ping())).toBeLessThan(200);
  });

  it('unsubscribing in flight sends nothing more and emits nothing; later pings still answer', async () => {
    const emu = await h.emulator();
    const client = await h.client(emu);
    const seen: unknown[] = [];
    const before = pingsAt(emu);
    const subscription = client.ping().subscribe({ next: (v) => seen.push(v), error: (e) => seen.push(e), complete: () => seen.push('complete') });
    subscription.unsubscribe();
    await delay(50);
    expect(pingsAt(emu)).toBe(before + 1); // it was sent at subscription
    expect(seen).toEqual([]);
    expect(await firstValueFrom(client.ping())).toBeGreaterThanOrEqual(0);
  });
});

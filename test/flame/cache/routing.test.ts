// Where reference operations go: to the replica an ObjectRef names, or through a
// grpcs-proxy:// gateway (TLS) with the owner in x-flame-object-cache (flame-0.7.md 3.8).
import { generate } from 'selfsigned';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlameCache } from '../../../src/flame-cache.js';
import { FlameCacheEmulator } from '../../../src/testing.js';

describe('object cache routing', () => {
  let pems: { cert: string; private: string };
  beforeAll(async () => {
    pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
      ],
    });
  });

  it('a reference to another replica is read from that replica', async () => {
    const a = await FlameCacheEmulator.start();
    const b = await FlameCacheEmulator.start();
    const onA = new FlameCache(a.endpoint);
    const onB = new FlameCache(b.endpoint);
    try {
      const ref = await firstValueFrom(onB.put('app/shared', 'on b'));
      expect(ref.endpoint).toBe(b.endpoint);
      const read = await firstValueFrom(onA.get(ref));
      expect(Buffer.from(read.parts[0]!.data).toString()).toBe('on b');
      expect(read.endpoint).toBe(b.endpoint);
      // The protocol is probed once, on the configured endpoint (A); the read itself goes to B.
      expect(b.calls.map((c) => c.method)).toEqual(['GetMetadata', 'Put', 'Get']);
      expect(a.calls.map((c) => c.method)).toEqual(['GetMetadata']);
      // Keys without a reference go to the configured endpoint.
      await expect(firstValueFrom(onA.get(ref.key))).rejects.toThrow('not found');
    } finally {
      onA.close();
      onB.close();
      await a.close();
      await b.close();
    }
  });

  it('through a grpcs-proxy gateway, reference operations name their owner; others do not', async () => {
    const gateway = await FlameCacheEmulator.start({ tls: { cert: pems.cert, key: pems.private } });
    const owner = 'grpc://10.1.2.3:9090';
    const cache = new FlameCache(`grpcs-proxy://localhost:${gateway.endpoint.split(':').at(-1)}`, { ca: pems.cert, version: '0.7' });
    try {
      const ref = await firstValueFrom(cache.put('app/shared', 'via gateway'));
      const foreign = { ...ref, endpoint: owner };
      await firstValueFrom(cache.get(foreign));
      await firstValueFrom(cache.metadata(foreign));
      await firstValueFrom(cache.patch(foreign, 'more'));
      await lastValueFrom(cache.delete(ref.key), { defaultValue: undefined });
      expect(gateway.calls).toEqual([
        { method: 'Put' },
        { method: 'Get', ownerHeader: '10.1.2.3:9090' },
        { method: 'GetMetadata', ownerHeader: '10.1.2.3:9090' },
        { method: 'Patch', ownerHeader: '10.1.2.3:9090' },
        { method: 'Delete' },
      ]);
    } finally {
      cache.close();
      await gateway.close();
    }
  });

  it('grpcs:// verifies the server against the given CA', async () => {
    const tls = await FlameCacheEmulator.start({ tls: { cert: pems.cert, key: pems.private } });
    const trusted = new FlameCache(tls.endpoint, { ca: pems.cert });
    try {
      expect(await firstValueFrom(trusted.version())).toBe('0.7');
    } finally {
      trusted.close();
      await tls.close();
    }
  });
});

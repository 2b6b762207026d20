// What the client does with servers that misbehave (real grpc-js servers on loopback
// breaking the 0.7 stream rules), with failing sources, and with close() mid-call.
import * as grpc from '@grpc/grpc-js';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectCacheServiceService, type CacheGetResponse } from '../../../src/gen/flame/v1/cache.js';
import { FlameCancelledError, FlameChannelClosedError } from '../../../src/flame.js';
import { FlameCache, FlameCacheProtocolError } from '../../../src/flame-cache.js';
import { FlameCacheEmulator } from '../../../src/testing.js';

const header = (version: number): CacheGetResponse => ({ payload: { $case: 'header', value: { version: BigInt(version), dataType: 'raw' } } });
const chunk = (version: number, data = 'x'): CacheGetResponse => ({ payload: { $case: 'chunk', value: { version: BigInt(version), data: Buffer.from(data) } } });

describe('a 0.7 server that breaks the Get stream rules', () => {
  const answers: Record<string, CacheGetResponse[]> = {
    'app/s/chunk-first': [chunk(1)],
    'app/s/gap': [header(3), chunk(1), chunk(3)],
    'app/s/short': [header(2), chunk(1)],
    'app/s/two-headers': [header(1), header(1)],
    'app/s/no-header': [],
  };
  let server: grpc.Server;
  let cache: FlameCache;
  beforeAll(async () => {
    server = new grpc.Server();
    server.addService(ObjectCacheServiceService, {
      get: (call: grpc.ServerWritableStream<{ key: string }, CacheGetResponse>) => {
        for (const message of answers[call.request.key] ?? []) call.write(message);
        call.end();
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    cache = new FlameCache(`grpc://127.0.0.1:${port}`, { version: '0.7' });
  });
  afterAll(() => {
    cache.close();
    server.forceShutdown();
  });

  for (const [key, problem] of [
    ['app/s/chunk-first', 'first message is not a header'],
    ['app/s/gap', 'part 3 where part 2 was due'],
    ['app/s/short', 'parts end at 1, the header says 2'],
    ['app/s/two-headers', 'a second header'],
    ['app/s/no-header', 'the stream ended without a header'],
  ] as const) {
    it(`${key}: FlameCacheProtocolError "${problem}"`, async () => {
      const error = await firstValueFrom(cache.get(key)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FlameCacheProtocolError);
      expect((error as Error).message).toBe(`Get: unexpected answer from the object cache: ${problem}`);
    });
  }
});

describe('protocol detection', () => {
  it('a server with neither cache service is a FlameCacheProtocolError, not remembered', async () => {
    const server = new grpc.Server();
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    const cache = new FlameCache(`grpc://127.0.0.1:${port}`);
    try {
      await expect(firstValueFrom(cache.version())).rejects.toThrow('serves neither ObjectCacheService nor Arrow Flight');
      await expect(firstValueFrom(cache.get('app/s/x'))).rejects.toBeInstanceOf(FlameCacheProtocolError);
    } finally {
      cache.close();
      server.forceShutdown();
    }
  });

  it('an unreachable endpoint is reported, and probed again next time', async () => {
    const emu = await FlameCacheEmulator.start({ version: '0.6' });
    const endpoint = emu.endpoint;
    const port = Number(endpoint.split(':').at(-1));
    await emu.close();
    const cache = new FlameCache(endpoint);
    try {
      // waitForReady would wait for the server: bound the wait with a timeout of our own.
      const { timeout } = await import('rxjs');
      await expect(firstValueFrom(cache.version().pipe(timeout(300)))).rejects.toThrow();
      const again = await FlameCacheEmulator.start({ version: '0.6', port });
      try {
        expect(await firstValueFrom(cache.version())).toBe('0.6');
      } finally {
        await again.close();
      }
    } finally {
      cache.close();
    }
  });
});

describe('sources and close()', () => {
  let emu: FlameCacheEmulator;
  beforeAll(async () => {
    emu = await FlameCacheEmulator.start();
  });
  afterAll(() => emu.close());

  it('a source that throws fails the put with its error and cancels the call', async () => {
    const cache = new FlameCache(emu.endpoint);
    try {
      async function* failing() {
        yield Buffer.from('part');
        throw new Error('disk read failed');
      }
      await expect(firstValueFrom(cache.put('app/src', failing()))).rejects.toThrow('disk read failed');
      expect(emu.keys().filter((k) => k.startsWith('app/src/'))).toEqual([]);
    } finally {
      cache.close();
    }
  });

  it('close() ends running calls with FlameCancelledError; later calls fail with FlameChannelClosedError', async () => {
    const cache = new FlameCache(emu.endpoint);
    const ref = await firstValueFrom(cache.put('app/close', 'x'));
    emu.delayNext(1, 2000, { method: 'Get' });
    const running = firstValueFrom(cache.get(ref)).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    cache.close();
    expect(await running).toBeInstanceOf(FlameCancelledError);
    await expect(firstValueFrom(cache.get(ref))).rejects.toBeInstanceOf(FlameChannelClosedError);
  });
});

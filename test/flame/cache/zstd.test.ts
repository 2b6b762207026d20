// The 0.6 cache sends ZSTD-compressed Arrow IPC bodies (flame.md 6.2). apache-arrow 21
// reads them once a ZSTD decoder is registered (we register fzstd); checked on a batch
// compressed by the zstd command-line tool (zstd -19: entropy-coded blocks, not only raw
// or RLE ones), on the emulator's frames, and on what the emulator really sends.
import { CompressionType, Message, RecordBatch } from 'apache-arrow';
import { decompress } from 'fzstd';
import { readFileSync } from 'node:fs';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlightServiceService as Flight } from '../../../src/gen/arrow/flight/protocol/Flight.js';
import { FlameCache } from '../../../src/flame-cache.js';
import { readBatches, splitIpcStream } from '../../../src/observables/flame/cache/arrow-ipc.js';
import { CacheChannel } from '../../../src/observables/flame/cache/cache-channel.js';
import { cacheServerStream } from '../../../src/observables/flame/cache/calls.js';
import { rleZstdFrame } from '../../../src/testing/flame/cache/zstd-frame.js';
import { FlameCacheEmulator } from '../../../src/testing.js';
import { firstValueFrom } from 'rxjs';

const fixtureText = Array.from({ length: 200 }, (_, i) => `row ${i}: the quick brown fox ${i % 7} jumps over the lazy dog\n`).join('');

function rows(batches: RecordBatch[]) {
  return batches.flatMap((batch) =>
    Array.from({ length: batch.numRows }, (_, row) => ({
      version: batch.getChild('version')!.get(row) as bigint,
      kind: batch.getChild('kind')!.get(row) as string,
      data: Buffer.from(batch.getChild('data')!.get(row) as Uint8Array).toString(),
    })),
  );
}

function compressionOf(header: Uint8Array): number | undefined {
  const message = Message.decode(header);
  return message.isRecordBatch() ? (message.header().compression?.type ?? undefined) : undefined;
}

describe('ZSTD-compressed Arrow IPC', () => {
  it('reads a batch compressed by the zstd tool', () => {
    const stream = readFileSync(new URL('./fixtures/zstd-cli-batch.arrows', import.meta.url));
    const messages = splitIpcStream(stream);
    expect(messages.map((m) => compressionOf(m.dataHeader))).toEqual([undefined, CompressionType.ZSTD]);
    expect(stream.byteLength).toBeLessThan(fixtureText.length / 4);
    expect(rows(readBatches(messages))).toEqual([
      { version: 1n, kind: 'base', data: fixtureText },
      { version: 2n, kind: 'patch', data: fixtureText.slice(0, 999).toUpperCase() },
    ]);
  });

  it("the emulator's RLE/raw frames are valid ZSTD", () => {
    const random = Buffer.alloc(300_000);
    for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
    for (const data of [Buffer.alloc(0), Buffer.from([7]), Buffer.alloc(128 * 1024 + 1, 9), random, Buffer.concat([Buffer.alloc(200_000, 1), random])]) {
      expect(Buffer.from(decompress(rleZstdFrame(data))).equals(data)).toBe(true);
    }
    expect(rleZstdFrame(Buffer.alloc(1024 * 1024)).byteLength).toBeLessThan(64);
  });

  describe('DoGet from the 0.6 emulator', () => {
    let emu: FlameCacheEmulator;
    let channel: CacheChannel;
    beforeAll(async () => {
      emu = await FlameCacheEmulator.start({ version: '0.6' });
      channel = new CacheChannel(emu.endpoint);
    });
    afterAll(async () => {
      channel.close();
      await emu.close();
    });

    it('sends record batches with ZSTD bodies, which the client decodes', async () => {
      const cache = new FlameCache(emu.endpoint, { version: '0.6' });
      try {
        const data = Buffer.alloc(2 * 1024 * 1024, 5);
        const ref = await firstValueFrom(cache.put('app/zstd', data));
        const messages = await lastValueFrom(
          cacheServerStream(channel, Flight.doGet, { ticket: Buffer.from(`${ref.key}:0`) }, channel.metadata()).pipe(toArray()),
        );
        expect(messages.map((m) => compressionOf(m.dataHeader))).toEqual([undefined, CompressionType.ZSTD]);
        expect(messages[1]!.dataBody.byteLength).toBeLessThan(4096);
        const object = await firstValueFrom(cache.get(ref));
        expect(Buffer.from(object.parts[0]!.data).equals(data)).toBe(true);
      } finally {
        cache.close();
      }
    });
  });
});

// The real engine's process_event frames, byte for byte, through the client's fast path
// (ProcessEventReader): what it reads must equal the general MessagePack decode, and it must
// read every frame whose strings it handles (ASCII, or long), so the fast path is the path
// the engine's streams actually take. Runs when PIE_ENGINE_URL is set (the tier prints one
// line when it did not run).
import { afterEach, describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import { decode } from '@msgpack/msgpack';
import { PieClient } from '../../src/observables/pie/pie-client.js';
import { openWebSocket } from '../../src/transport/ws/socket.js';
import { ProcessEventReader } from '../../src/transport/ws/process-event-reader.js';
import { engineUrl } from './engine-env.js';

const url = engineUrl();
const clients: PieClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

const isAscii = (text: string) => /^[\x00-\x7f]*$/.test(text);
const handled = (text: string) => text !== '' && (isAscii(text) || new TextEncoder().encode(text).length > 200);

describe.skipIf(!url)('process_event frames of the real engine (pie-server 0.5.2)', () => {
  it('are read by the fast path exactly as the general decoder reads them', async () => {
    const received: Uint8Array[] = [];
    const client = await PieClient.connect(url!, undefined, {
      identity: 'default/frame-layout',
      heartbeat: false,
      requestTimeoutMs: 60_000,
      webSocketFactory: async (u, init) => {
        const socket = await openWebSocket(u, init);
        (socket as unknown as { on(event: 'message', listener: (data: Buffer, binary: boolean) => void): void }).on('message', (data, binary) => {
          if (binary) received.push(Uint8Array.from(data));
        });
        return socket;
      },
    });
    clients.push(client);
    const events = await lastValueFrom(client.launchProcess('compat-openai@0.1.0', { prompt: 'Hello', max_tokens: 8, temperature: 0 }).pipe(toArray()));
    expect(events.at(-1)?.kind).toBe('return');

    const reader = new ProcessEventReader();
    const frames = received.map((bytes) => ({ bytes, value: decode(bytes) as Record<string, unknown> })).filter((f) => f.value['type'] === 'process_event');
    expect(frames.length).toBeGreaterThanOrEqual(1);
    let read = 0;
    for (const { bytes, value } of frames) {
      const fast = reader.read(bytes);
      const expected = [value['process_id'], value['event'], value['value']].every((s) => typeof s === 'string' && handled(s)) && Object.keys(value).length === 4;
      if (expected) {
        expect(fast).toStrictEqual(value);
        read++;
      } else {
        expect(fast).toBeUndefined();
      }
    }
    expect(read).toBeGreaterThanOrEqual(1); // at least the terminal event, whose JSON the engine writes
  }, 90_000);
});

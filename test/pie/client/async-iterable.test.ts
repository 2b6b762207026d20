import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { delay, harness } from './helpers.js';
import type { ProcessEvent } from '../../../src/model/pie/events.js';

const h = harness();
afterEach(() => h.cleanup());

describe('PieClient async iteration with a bounded queue', () => {
  it('never queues more than highWaterMark events, pauses reads while full, and delivers everything in order', async () => {
    const emu = await h.emulator();
    const total = 2000;
    emu.registerInferlet('flood@1.0.0', (ctx) => {
      for (let i = 0; i < total; i++) ctx.stdout(`${i}`);
      return 'done';
    });
    const client = await h.client(emu);
    const events = client.toAsyncIterable(client.launchProcess('flood@1.0.0'), { highWaterMark: 8 });
    const texts: string[] = [];
    let sawPaused = false;
    let last: ProcessEvent | undefined;
    for await (const event of events) {
      sawPaused ||= events.paused;
      if (texts.length < 40) await delay(1); // a slow consumer at first
      if (event.kind === 'stdout') texts.push(event.text);
      last = event;
    }
    expect(texts).toEqual(Array.from({ length: total }, (_, i) => `${i}`));
    expect(last).toMatchObject({ kind: 'return', value: 'done' });
    expect(sawPaused).toBe(true);
    expect(events.maxQueued).toBeLessThanOrEqual(8);
    expect(events.paused).toBe(false);
    expect(await firstValueFrom(client.ping())).toBeGreaterThanOrEqual(0); // reading resumed
  });

  it('a process handle iterates its events; ones that arrived before iteration are handed over first', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('few@1.0.0', async (ctx) => {
      ctx.stdout('a');
      ctx.stdout('b');
      ctx.send('waiting');
      return `got ${await ctx.nextSignal()}`;
    });
    const client = await h.client(emu);
    const process = await firstValueFrom(client.launch('few@1.0.0'));
    const seen: string[] = [];
    for await (const event of process.toAsyncIterable({ highWaterMark: 2 })) {
      if (event.kind === 'message') process.signal('go').subscribe();
      seen.push(event.kind === 'return' ? event.value : `${event.kind}:${'text' in event ? event.text : ''}`);
    }
    expect(seen).toEqual(['stdout:a', 'stdout:b', 'message:waiting', 'got go']);
  });

  it('breaking out of the loop stops following and resumes reading', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('stream@1.0.0', async (ctx) => {
      for (let i = 0; i < 100; i++) ctx.stdout(`${i}`);
      await ctx.nextSignal();
      return 'x';
    });
    const client = await h.client(emu);
    const iterable = client.toAsyncIterable(client.launchProcess('stream@1.0.0', {}, { onUnsubscribe: 'terminate' }), {
      highWaterMark: 4,
    });
    let seen = 0;
    for await (const event of iterable) {
      expect(event.kind).toBe('stdout');
      if (++seen === 10) break;
    }
    expect(iterable.paused).toBe(false);
    expect(await firstValueFrom(client.ping())).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 100 && emu.received.every((m) => m.type !== 'terminate_process'); i++) await delay(5);
    expect(emu.received.filter((m) => m.type === 'terminate_process')).toHaveLength(1);
  });
});

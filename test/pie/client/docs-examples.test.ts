// Runs every docs/examples/pie-*.ts `main(url)` against a PieEmulator with the inferlets the
// guide talks about.
import { afterEach, describe, expect, it } from 'vitest';
import { harness } from './helpers.js';
import { hashBlob } from '../../../src/model/pie/hash.js';
import type { PieEmulator } from '../../../src/testing/pie/index.js';
import { main as connectExample } from '../../../docs/examples/pie-connect.js';
import { main as streamUiExample } from '../../../docs/examples/pie-stream-ui.js';
import { main as programsExample } from '../../../docs/examples/pie-programs.js';
import { main as signalsFilesExample } from '../../../docs/examples/pie-signals-files.js';
import { main as asyncIterateExample } from '../../../docs/examples/pie-async-iterate.js';
import { main as workflowExample } from '../../../docs/examples/pie-workflow.js';
import { main as gatewayExample } from '../../../docs/examples/pie-gateway.js';
import { main as connectTimeExample } from '../../../docs/examples/pie-connect-time.js';
import { RawPieServer } from '../../transport/ws/helpers/raw-pie-server.js';
import { encode } from '@msgpack/msgpack';
import { buildComponent } from '../../../src/testing/pie/component-check.js';

const h = harness();
afterEach(() => h.cleanup());

async function docsEmulator(): Promise<PieEmulator> {
  const emu = await h.emulator();
  emu.registerInferlet('chat@1.0.0', (ctx) => {
    const { prompt } = JSON.parse(ctx.input) as { prompt: string };
    const words = ['Hello', ' from', ' the', ' engine', ` (${prompt})`];
    for (const word of words) ctx.stdout(word);
    ctx.stderr('generation finished');
    return JSON.stringify({ text: words.join(''), tokens: words.length });
  });
  emu.registerInferlet('hello@0.1.0', (ctx) => JSON.stringify(`hello ${(JSON.parse(ctx.input) as { name: string }).name}`));
  emu.registerInferlet('files@1.0.0', async (ctx) => {
    ctx.send('ready');
    const note = await ctx.nextSignal();
    const file = await ctx.receiveFile();
    ctx.sendFile(file.slice().reverse());
    return `${note}: got ${file.length} bytes`;
  });
  return emu;
}

describe('docs/examples/pie-*.ts', () => {
  it('pie-connect', async () => {
    const emu = await docsEmulator();
    const result = await connectExample(emu.url);
    expect(result.pingMs).toBeGreaterThanOrEqual(0);
    expect(result.models).toEqual(['default']);
    expect(result.states).toEqual(['ready']);
  });

  it('pie-stream-ui', async () => {
    const emu = await docsEmulator();
    const { frames, stderr, result } = await streamUiExample(emu.url);
    expect(frames).toEqual(['Hello', 'Hello from', 'Hello from the', 'Hello from the engine', 'Hello from the engine (Say hello)']);
    expect(stderr).toEqual(['generation finished']);
    expect(result).toEqual({ text: 'Hello from the engine (Say hello)', tokens: 5 });
    expect(emu.received.filter((m) => m.type === 'launch_process')).toHaveLength(1);
  });

  it('pie-programs', async () => {
    const emu = await docsEmulator();
    const first = await programsExample(emu.url, buildComponent({ size: 300_000 }));
    expect(first.greeting).toBe('hello docs');
    expect(first.existedBefore).toBe(true); // registered code counts as a known program
    // An engine without the program: the example uploads it (the emulator stores the
    // component but has no code registered to run for it, and says so).
    const fresh = await h.emulator();
    const noCode = await programsExample(fresh.url, buildComponent({ size: 300_000 })).catch((e: Error) => e.message);
    expect(noCode).toMatch(/PieEmulator has no code for hello@0\.1\.0/);
    const chunks = fresh.received.filter((m) => m.type === 'add_program');
    expect(chunks.map((c) => (c as { chunk_index: number }).chunk_index)).toEqual([0, 1]);
  });

  it('pie-signals-files', async () => {
    const emu = await docsEmulator();
    const { reversed, sentHash, result } = await signalsFilesExample(emu.url);
    expect(new TextDecoder().decode(reversed)).toBe('telrefni ,olleh');
    expect(sentHash).toBe(hashBlob(new TextEncoder().encode('hello, inferlet')));
    expect(result).toBe('upload follows: got 15 bytes');
  });

  it('pie-async-iterate', async () => {
    const emu = await docsEmulator();
    const { pieces, result, maxQueued } = await asyncIterateExample(emu.url);
    expect(pieces.join('')).toBe('Hello from the engine (count)');
    expect(JSON.parse(result)).toEqual({ text: 'Hello from the engine (count)', tokens: 5 });
    expect(maxQueued).toBeLessThanOrEqual(4);
  });

  it('pie-workflow', async () => {
    const emu = await docsEmulator();
    const results = (await workflowExample(emu.url)) as { text: string }[];
    expect(results.map((r) => r.text).sort()).toEqual(['Hello from the engine (first)', 'Hello from the engine (second)']);
  });

  it('pie-gateway (against a gateway-like loopback server; test/real-engine runs it against the real engine)', async () => {
    const completion = JSON.stringify({ choices: [{ text: ' world', index: 0 }], usage: { completion_tokens: 4 } });
    const pid = '67e55044-10b1-426f-9247-bb680e5fe0c8';
    const server = await RawPieServer.start({
      gateway: true,
      handle: (message, socket) => {
        if (message.type !== 'launch_process') return undefined;
        setTimeout(() => socket.send(encode({ type: 'process_event', process_id: pid, event: 'return', value: completion })), 5);
        return { ok: true, result: pid };
      },
    });
    try {
      const result = await gatewayExample(server.url);
      expect(result).toEqual({
        generation: '0.5',
        capabilities: ['identity', 'fileNames'],
        text: ' world',
        unsupported: 'runProcesses is not supported by a Pie 0.5 gateway (it exists only on 0.4 engines)',
      });
      expect(server.upgrades).toEqual([{ path: '/v1/ws', identity: 'default/docs' }]);
      expect(server.receivedOf('launch_process')[0]).toMatchObject({ inferlet: 'compat-openai', capture_outputs: true });
    } finally {
      await server.close();
    }
  });

  it('pie-connect-time', async () => {
    const emu = await docsEmulator();
    const times = await connectTimeExample(emu.url, {}, 3);
    expect(times.generation).toBe('0.4');
    expect(times.autoMs).toBeGreaterThan(0);
    expect(times.fixedMs).toBeGreaterThan(0);
  });
});

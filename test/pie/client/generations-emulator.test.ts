// The client against PieEmulator in each generation (0.4, and the 0.5 and 0.6 gateway modes,
// which answer as pie-server 0.5.2 was seen to): what `auto` finds, uploads by generation,
// 0.6 launch options reaching inferlet code, named files, gateway reattach.
import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { PieClient, type PieClientOptions } from '../../../src/observables/pie/pie-client.js';
import { PieEmulator, type PieEmulatorOptions } from '../../../src/testing/pie/index.js';
import { PieProcessLostError, PieUnsupportedError } from '../../../src/model/pie/errors.js';
import { openWebSocket, type WebSocketLike } from '../../../src/transport/ws/socket.js';
import { fastBackoff } from './helpers.js';

const emulators: PieEmulator[] = [];
const clients: PieClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const emu of emulators.splice(0)) await emu.close();
});

async function emulator(options: PieEmulatorOptions): Promise<PieEmulator> {
  const emu = await PieEmulator.start({ tokenDelayMs: 0, ...options });
  emulators.push(emu);
  return emu;
}

async function connect(url: string, options: PieClientOptions = {}): Promise<PieClient> {
  const client = await PieClient.connect(url, undefined, { identity: 'default/tests', heartbeat: false, backoff: fastBackoff, requestTimeoutMs: 5_000, ...options });
  clients.push(client);
  return client;
}

const MANIFEST = '[package]\nname = "greet"\nversion = "0.1.0"\n';

describe('PieClient against PieEmulator generations', () => {
  it.each([
    ['0.4', '0.4'],
    ['0.5', '0.5'],
    ['0.6', '0.5'], // 0.6 cannot be told from 0.5 before an upload
  ] as const)('emulator %s: auto finds %s', async (generation, found) => {
    const emu = await emulator({ generation });
    const client = await connect(emu.url);
    expect(client.generation).toBe(found);
    expect(await firstValueFrom(client.ping())).toBeGreaterThanOrEqual(0);
  });

  it('0.5: compat-openai streams to return with usage = max_tokens; a 0.4-only operation is refused at once', async () => {
    const emu = await emulator({ generation: '0.5' });
    const client = await connect(emu.url);
    const events = await lastValueFrom(client.launchProcess('compat-openai', { prompt: 'Hello', max_tokens: 5 }).pipe(toArray()));
    const completion = JSON.parse((events.at(-1) as { value: string }).value) as { usage: { completion_tokens: number } };
    expect(completion.usage.completion_tokens).toBe(5);
    await expect(firstValueFrom(client.runProcesses('compat-openai@0.1.0', [{}]))).rejects.toBeInstanceOf(PieUnsupportedError);
  });

  it('0.6 with auto: the first upload teaches 0.6, then props, session and files reach the inferlet', async () => {
    const emu = await emulator({ generation: '0.6' });
    const client = await connect(emu.url);
    const id = await firstValueFrom(client.installProgram({ wasm: new Uint8Array([1, 2, 3]), manifest: MANIFEST, file: 'greet.wasm', version: '0.1.0' }));
    expect(id).toMatch(/^greet@/);
    expect(client.generation).toBe('0.6');
    emu.registerInferlet(id, (ctx) =>
      JSON.stringify({ props: ctx.props, session: ctx.session, files: [...ctx.files.keys()] }),
    );
    const events = await lastValueFrom(
      client.launchProcess(id, {}, { props: { 'max-tokens': 8 }, session: 'conv-1', files: { 'a.txt': new TextEncoder().encode('hi') } }).pipe(toArray()),
    );
    expect(JSON.parse((events.at(-1) as { value: string }).value)).toEqual({ props: { 'max-tokens': 8 }, session: 'conv-1', files: ['a.txt'] });
  });

  it('0.5: a named file arrives with its sanitised name', async () => {
    const emu = await emulator({ generation: '0.5' });
    emu.registerInferlet('files@1.0.0', (ctx) => {
      ctx.sendFile(new TextEncoder().encode('data'), '../out/report.txt');
      ctx.sendFile(new TextEncoder().encode('more'));
      return '{}';
    });
    const client = await connect(emu.url);
    const events = await lastValueFrom(client.launchProcess('files@1.0.0', {}).pipe(toArray()));
    expect(events.filter((e) => e.kind === 'file').map((e) => (e.kind === 'file' ? (e.name ?? null) : undefined))).toEqual(['report.txt', null]);
  });

  it('0.5: a drop ends the attached process, so reattach fails with the gateway reason', async () => {
    const emu = await emulator({ generation: '0.5' });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    emu.registerInferlet('slow@1.0.0', async () => {
      await gate;
      return '{}';
    });
    let socket: WebSocketLike | undefined;
    const client = await connect(emu.url, { webSocketFactory: async (u, init) => (socket = await openWebSocket(u, init)) });
    const process = await firstValueFrom(client.launch('slow@1.0.0', {}));
    const outcome = lastValueFrom(process.events$).catch((e: unknown) => e);
    (socket as unknown as { terminate(): void }).terminate();
    const error = await outcome;
    release();
    expect(error).toBeInstanceOf(PieProcessLostError);
    expect((error as PieProcessLostError).reason).toContain('ends an attached process when that connection closes');
  });
});

// Generations end to end over loopback: `auto` tells a 0.4 engine (PieEmulator) from a
// gateway (the raw test server acting as pie-server 0.5.2 was seen to), fixed generations
// refuse the other kind, operations a generation lacks fail at once with nothing sent, and
// uploads, launches and files take each generation's shape.
import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { encode } from '@msgpack/msgpack';
import { harness } from './helpers.js';
import { PieClient, type PieClientOptions } from '../../../src/observables/pie/pie-client.js';
import { PieError, PieGenerationError, PieUnsupportedError } from '../../../src/model/pie/errors.js';
import { hashBlob } from '../../../src/model/pie/hash.js';
import { RawPieServer, type RawReply, type ReceivedMessage } from '../../transport/ws/helpers/raw-pie-server.js';
import type { WebSocket } from 'ws';

const h = harness();
const servers: RawPieServer[] = [];
const clients: PieClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) await server.close();
  await h.cleanup();
});

const PID = '67e55044-10b1-426f-9247-bb680e5fe0c8';
const MANIFEST = '[package]\nname = "hello"\nversion = "0.1.0"\n';

async function gateway(handle?: (message: ReceivedMessage, socket: WebSocket) => RawReply): Promise<RawPieServer> {
  const server = await RawPieServer.start({ gateway: true, ...(handle ? { handle } : {}) });
  servers.push(server);
  return server;
}

async function connect(url: string, options: PieClientOptions = {}): Promise<PieClient> {
  const client = await PieClient.connect(url, undefined, { identity: 'default/tests', heartbeat: false, requestTimeoutMs: 2_000, ...options });
  clients.push(client);
  return client;
}

describe('auto detection', () => {
  it('a gateway: /v1/ws with x-pie-identity, generation 0.5 (assumed), gateway capabilities', async () => {
    const server = await gateway();
    const client = await connect(server.url);
    expect(server.upgrades).toEqual([{ path: '/v1/ws', identity: 'default/tests' }]);
    expect(server.received).toEqual([{ type: 'auth_identify', corr_id: expect.any(Number), username: 'default/tests' }]);
    expect(client.generation).toBe('0.5');
    expect(client.capabilities).toEqual(['identity', 'fileNames']);
  });

  it('a 0.4 engine (PieEmulator): generation 0.4 and its capabilities', async () => {
    const emu = await h.emulator();
    const client = await connect(emu.url);
    expect(client.generation).toBe('0.4');
    expect(client.capabilities).toContain('workflows');
    expect(await firstValueFrom(client.ping())).toBeGreaterThanOrEqual(0);
  });

  it("a fixed generation refuses the other kind and says what answered", async () => {
    const emu = await h.emulator();
    const error = await PieClient.connect(emu.url, { username: 'u' }, { generation: '0.5', heartbeat: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PieGenerationError);
    expect((error as Error).message).toBe(
      "generation '0.5' was asked for, but a Pie 0.4 engine answered (auth_identify on a fresh connection answered " +
        "'Authenticated (Engine disabled authentication)'); use generation 'auto' to accept either",
    );
    const server = await gateway();
    const other = await PieClient.connect(`${server.url}/v1/ws`, { username: 'u' }, { generation: '0.4', identity: 'a/b', heartbeat: false }).catch(
      (e: unknown) => e,
    );
    expect(other).toBeInstanceOf(PieGenerationError);
    expect((other as PieGenerationError).found).toBe('a Pie gateway (0.5/0.6)');
  });

  it('a token at a gateway fails at once with PieUnsupportedError; with a fixed gateway generation before connecting', async () => {
    const server = await gateway();
    const started = Date.now();
    const error = await PieClient.connect(server.url, { token: 'sekrit' }, { identity: 'a/b', heartbeat: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PieUnsupportedError);
    expect((error as Error).message).not.toContain('sekrit');
    expect(Date.now() - started).toBeLessThan(1_000);
    const upgrades = server.upgrades.length;
    const fixed = await PieClient.connect(server.url, { token: 'sekrit' }, { generation: '0.5' }).catch((e: unknown) => e);
    expect(fixed).toBeInstanceOf(PieUnsupportedError);
    expect((fixed as PieUnsupportedError).operation).toBe('token authentication');
    expect(server.upgrades.length).toBe(upgrades);
  });

  it('a bad identity or generation is a PieError before connecting', async () => {
    const server = await gateway();
    await expect(PieClient.connect(server.url, undefined, { identity: 'a\r\nx-evil: 1' })).rejects.toThrow('identity must be a non-empty string');
    await expect(PieClient.connect(server.url, undefined, { generation: '0.7' as never })).rejects.toBeInstanceOf(PieError);
    expect(server.upgrades).toHaveLength(0);
  });
});

describe('capabilities on a gateway', () => {
  it('0.4-only operations and options fail at once with PieUnsupportedError and send no frame', async () => {
    const server = await gateway();
    const client = await connect(server.url);
    const before = server.received.length;
    const attempts: [string, () => Promise<unknown>][] = [
      ['launchProcesses', () => firstValueFrom(client.launchProcesses('a@1.0.0', [{}]))],
      ['runProcesses', () => firstValueFrom(client.runProcesses('a@1.0.0', [{}]))],
      ['launchDaemon', () => firstValueFrom(client.launchDaemon('a@1.0.0', 8081))],
      ['submitWorkflow', () => firstValueFrom(client.submitWorkflow({ type: 'process', program_name: 'a@1.0.0' }))],
      ['attachWorkflow', () => firstValueFrom(client.attachWorkflow(PID))],
      ['registerMcpServer', () => firstValueFrom(client.registerMcpServer('calc', { command: 'node', args: [] }))],
      ['the launch option tokenBudget', () => firstValueFrom(client.launchProcess('a@1.0.0', {}, { tokenBudget: 3 }))],
      ['the launch option props', () => firstValueFrom(client.launchProcess('a@1.0.0', {}, { props: { tier: 'x' } }))],
      ['the launch option session', () => firstValueFrom(client.launchProcess('a@1.0.0', {}, { session: 'conv-1' }))],
      ['the launch option files', () => firstValueFrom(client.launchProcess('a@1.0.0', {}, { files: { a: new Uint8Array(1) } }))],
    ];
    for (const [operation, run] of attempts) {
      const started = Date.now();
      const error = await run().catch((e: unknown) => e);
      expect(error, operation).toBeInstanceOf(PieUnsupportedError);
      expect((error as PieUnsupportedError).operation).toBe(operation);
      expect((error as PieUnsupportedError).generation).toBe('0.5');
      expect(Date.now() - started).toBeLessThan(100);
    }
    await firstValueFrom(client.ping());
    expect(server.received.slice(before).map((m) => m.type)).toEqual(['ping']);
  });
});

describe('shapes per generation', () => {
  it('auto on a gateway uploads both vocabularies and learns 0.6 from an id reply; 0.6 launch options then go out', async () => {
    const server = await gateway((message) => {
      if (message.type === 'add_program') return { ok: true, result: 'hello@0.1.0' };
      if (message.type === 'launch_process') return { ok: true, result: PID };
      return undefined;
    });
    const client = await connect(server.url);
    const wasm = new Uint8Array([1, 2, 3]);
    expect(await firstValueFrom(client.installProgram({ wasm, manifest: MANIFEST, file: 'hello.wasm' }))).toBe('hello@0.1.0');
    const [upload] = server.receivedOf('add_program');
    expect(upload).toMatchObject({ program_hash: hashBlob(wasm), manifest: MANIFEST, file: 'hello.wasm', total_chunks: 1 });
    expect(client.generation).toBe('0.6');
    expect(client.capabilities).toContain('props');
    const process = await firstValueFrom(
      client.launch('hello@0.1.0', { q: 1 }, { props: { 'max-tokens': 64 }, session: 'conv-1', files: { 'a.txt': new Uint8Array([0x68, 0x69]) } }),
    );
    expect(process.id).toBe(PID);
    const [launch] = server.receivedOf('launch_process');
    expect(Object.keys(launch!)).toEqual(['type', 'corr_id', 'inferlet', 'input', 'capture_outputs', 'props', 'session', 'files']);
    expect(launch).toMatchObject({ props: '{"max-tokens":64}', session: 'conv-1' });
    expect([...(launch!['files'] as Record<string, Uint8Array>)['a.txt']!]).toEqual([0x68, 0x69]);
  });

  it("generation '0.5': uploads carry the manifest only; the installed id comes from the manifest", async () => {
    const server = await gateway((message) => (message.type === 'add_program' ? { ok: true, result: 'Program installed successfully' } : undefined));
    const client = await connect(server.url, { generation: '0.5' });
    expect(await firstValueFrom(client.installProgram({ wasm: new Uint8Array(4), manifest: MANIFEST }))).toBe('hello@0.1.0');
    const [upload] = server.receivedOf('add_program');
    expect(upload).toHaveProperty('manifest', MANIFEST);
    expect(upload).not.toHaveProperty('file');
    expect(client.generation).toBe('0.5');
  });

  it("generation '0.6': no manifest needed, file and version sent; a 0.5-style reply is refused as not a 0.6 success", async () => {
    let reply = 'hello@0.2.0';
    const server = await gateway((message) => (message.type === 'add_program' ? { ok: true, result: reply } : undefined));
    const client = await connect(server.url, { generation: '0.6' });
    expect(await firstValueFrom(client.installProgram({ wasm: new Uint8Array(4), file: 'main.py', version: '0.2.0' }))).toBe('hello@0.2.0');
    expect(Object.keys(server.receivedOf('add_program')[0]!)).toEqual([
      'type', 'corr_id', 'program_hash', 'file', 'version', 'force_overwrite', 'chunk_index', 'total_chunks', 'chunk_data',
    ]);
    reply = 'Program installed successfully';
    await expect(lastValueFrom(client.addProgram({ wasm: new Uint8Array(4), file: 'x.wasm' }))).rejects.toThrow('upload failed: Program installed successfully');
  });

  it("generation '0.6' at a 0.5 gateway: the upload's refusal notice is a PieGenerationError at once, not a timeout", async () => {
    const server = await gateway((message, socket) => {
      if (message.type === 'add_program' && !('manifest' in message)) {
        socket.send(JSON.stringify({ type: 'error', message: 'bad client frame: missing field `manifest`' }));
      }
      return undefined;
    });
    const client = await connect(server.url, { generation: '0.6', requestTimeoutMs: 10_000 });
    const started = Date.now();
    const error = await lastValueFrom(client.addProgram({ wasm: new Uint8Array(4), file: 'a.wasm' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PieGenerationError);
    expect((error as Error).message).toBe(
      "generation '0.6' was asked for, but a Pie 0.5 gateway answered (add_program was refused: bad client frame: missing field `manifest`); use generation 'auto' to accept either",
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('a manifest-less upload where a manifest is read fails before sending', async () => {
    const server = await gateway();
    const client = await connect(server.url);
    await expect(lastValueFrom(client.addProgram({ wasm: new Uint8Array(4) }))).rejects.toThrow('a manifest is needed to upload to a Pie gateway not known to speak 0.6');
    expect(server.receivedOf('add_program')).toHaveLength(0);
  });

  it('capture:false on a gateway: launch_process without capture, the id learnt from list_processes around it', async () => {
    let listed = '[]';
    const server = await gateway((message) => {
      if (message.type === 'list_processes') return { ok: true, result: listed };
      if (message.type === 'launch_process') {
        listed = JSON.stringify([{ id: PID.toUpperCase(), username: 'internal', program: 'compat-openai@0.1.0', input: '{"p":1}', elapsed_secs: 0 }]);
        return { ok: true, result: '' };
      }
      return undefined;
    });
    const client = await connect(server.url);
    const process = await firstValueFrom(client.launch('compat-openai', { p: 1 }, { capture: false }));
    expect(process.id).toBe(PID);
    expect(server.received.slice(1).map((m) => m.type)).toEqual(['list_processes', 'launch_process', 'list_processes']);
    expect(server.receivedOf('launch_process')[0]).toMatchObject({ inferlet: 'compat-openai', capture_outputs: false });
    expect(await lastValueFrom(process.events$.pipe(toArray()))).toEqual([]);
  });

  it('files from a gateway carry their sanitised name; a nameless file has none', async () => {
    const data = new TextEncoder().encode('png!');
    const server = await gateway((message, socket) => {
      if (message.type !== 'launch_process') return undefined;
      setTimeout(() => {
        const file = { type: 'file', process_id: PID, file_hash: hashBlob(data), chunk_index: 0, total_chunks: 1, chunk_data: data };
        socket.send(encode({ ...file, name: '../../etc/out.png' }));
        socket.send(encode({ ...file, name: null }));
        socket.send(encode({ type: 'process_event', process_id: PID, event: 'return', value: '{}' }));
      }, 10);
      return { ok: true, result: PID };
    });
    const client = await connect(server.url);
    const events = await lastValueFrom(client.launchProcess('a@1.0.0', {}).pipe(toArray()));
    expect(events.map((e) => (e.kind === 'file' ? `file:${e.name ?? '-'}` : e.kind))).toEqual(['file:out.png', 'file:-', 'return']);
  });

  it('a gateway text notice for a refused frame reaches errors$; turn_done is not an error', async () => {
    const server = await gateway();
    const client = await connect(server.url);
    const errors: string[] = [];
    client.errors$.subscribe((e) => errors.push(e.message));
    await server.push(JSON.stringify({ type: 'turn_done' }));
    await server.push(JSON.stringify({ type: 'error', message: 'bad client frame: unknown variant `x`' }));
    await server.push('not json');
    await firstValueFrom(client.ping());
    expect(errors).toEqual([
      'protocol error: the server refused a frame: bad client frame: unknown variant `x`',
      'protocol error: received a text frame that is not a JSON notice; the engine sends binary MessagePack frames',
    ]);
  });
});

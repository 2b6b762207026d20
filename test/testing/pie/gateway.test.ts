// PieEmulator in the gateway generations beyond the real-engine wire cases: the 0.6
// vocabulary, file names, processes ending with their connection, attach rules, config.
import { decode, encode } from '@msgpack/msgpack';
import { afterEach, describe, expect, it } from 'vitest';
import { hashBlob } from '../../../src/model/pie/hash.js';
import { PieEmulator, PieEmulatorConfigError } from '../../../src/testing/pie/index.js';
import { GatewayDriver, isResponse, isTerminal, resultOf, type WireFrame } from '../../real-engine/raw-driver.js';

const emulators: PieEmulator[] = [];
const drivers: GatewayDriver[] = [];
async function start(generation: '0.5' | '0.6'): Promise<PieEmulator> {
  const emu = await PieEmulator.start({ generation, tokenDelayMs: 5 });
  emulators.push(emu);
  return emu;
}
async function connect(emu: PieEmulator, identity?: string): Promise<GatewayDriver> {
  const driver = await GatewayDriver.connect(emu.url, identity);
  drivers.push(driver);
  return driver;
}
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

const upload = (bytes: Uint8Array, extra: Record<string, unknown>) => ({
  type: 'add_program', program_hash: hashBlob(bytes), force_overwrite: false, chunk_index: 0, total_chunks: 1, chunk_data: bytes, ...extra,
});
const texts = (frames: WireFrame[]) => frames.filter((f) => f.kind === 'text').map((f) => f.value);

describe('PieEmulator gateway generations', () => {
  it("0.6 add_program names the program by file and version and answers 'name@version'", async () => {
    const emu = await start('0.6');
    const d = await connect(emu);
    const bytes = new TextEncoder().encode('component bytes');
    expect(resultOf(await d.request(upload(bytes, { file: 'dir/app.wasm', version: '1.2.3' })))).toEqual({ ok: true, result: 'app@1.2.3' });
    const hash = hashBlob(bytes);
    const hashed = `app@0.${parseInt(hash.slice(0, 4), 16)}.${parseInt(hash.slice(4, 8), 16)}`;
    expect(resultOf(await d.request(upload(bytes, { file: 'app.wasm', version: null })))).toEqual({ ok: true, result: hashed });
    expect(resultOf(await d.request({ type: 'check_program', name: 'app', version: '1.2.3' })).result).toBe('true');
    // The 0.5 form (a manifest, no file) does not decode in 0.6.
    const refused = await d.step(upload(bytes, { corr_id: 99, manifest: '[package]' }), (fs) => texts(fs).length > 0);
    expect(texts(refused)).toEqual(['{"type":"error","message":"bad client frame: missing field `file`"}']);
  });

  it('0.5 refuses the 0.6 add_program form: missing field `manifest`', async () => {
    const d = await connect(await start('0.5'));
    await d.request({ type: 'ping' });
    const refused = await d.step(upload(new Uint8Array(), { corr_id: 99, file: 'a.wasm' }), (fs) => texts(fs).length > 0);
    expect(texts(refused)).toEqual(['{"type":"error","message":"bad client frame: missing field `manifest`"}']);
  });

  it('0.6 launch hands props (cluster/ and nulls removed), session and files to the program; nil props do not decode', async () => {
    const emu = await start('0.6');
    emu.registerInferlet('seen@1.0.0', (ctx) =>
      JSON.stringify({ props: ctx.props, session: ctx.session, files: [...ctx.files].map(([n, b]) => [n, Buffer.from(b).toString()]) }),
    );
    const d = await connect(emu);
    const corrId = d.corrId();
    const frames = await d.step(
      {
        type: 'launch_process', corr_id: corrId, inferlet: 'seen', input: '{}', capture_outputs: true,
        props: '{"max-tokens":64,"cluster/x":1,"gone":null}', session: 'conv-1', files: { 'a.txt': Buffer.from('hi') },
      },
      (fs) => fs.some((f) => isTerminal(f)),
    );
    const ret = frames.find((f) => isTerminal(f));
    expect(ret?.kind === 'binary' && JSON.parse(ret.value['value'] as string)).toEqual({ props: { 'max-tokens': 64 }, session: 'conv-1', files: [['a.txt', 'hi']] });
    const nil = await d.step(
      { type: 'launch_process', corr_id: d.corrId(), inferlet: 'seen', input: '{}', capture_outputs: true, props: null },
      (fs) => texts(fs).length > 0,
    );
    expect(texts(nil)).toEqual([
      '{"type":"error","message":"bad client frame: invalid type: unit value, expected props: a JSON object, or its JSON text"}',
    ]);
    expect(resultOf(await d.request({ type: 'launch_process', inferlet: 'seen', input: '{}', capture_outputs: true, session: '' }))).toEqual({
      ok: false,
      result: 'a session id must be 1 to 128 bytes',
    });
  });

  it('file frames carry name (nil when the program gives none), after the other fields', async () => {
    const emu = await start('0.5');
    emu.registerInferlet('files@1.0.0', (ctx) => {
      ctx.sendFile(new TextEncoder().encode('png'), 'out.png');
      ctx.sendFile(new TextEncoder().encode('raw'));
      return 'ok';
    });
    const d = await connect(emu);
    const raw: Buffer[] = [];
    d.socket.on('message', (data: Buffer, isBinary: boolean) => isBinary && raw.push(data));
    const corrId = d.corrId();
    await d.step({ type: 'launch_process', corr_id: corrId, inferlet: 'files@1.0.0', input: '{}', capture_outputs: true }, (fs) => fs.some((f) => isTerminal(f)));
    const files = raw.map((b) => decode(b) as Record<string, unknown>).filter((f) => f['type'] === 'file');
    expect(files.map((f) => Object.keys(f))).toEqual([
      ['type', 'process_id', 'file_hash', 'chunk_index', 'total_chunks', 'chunk_data', 'name'],
      ['type', 'process_id', 'file_hash', 'chunk_index', 'total_chunks', 'chunk_data', 'name'],
    ]);
    expect(files.map((f) => f['name'])).toEqual(['out.png', null]);
  });

  it('0.4 file frames stay without name', async () => {
    const emu = await PieEmulator.start({ tokenFailureDelayMs: 0 });
    emulators.push(emu);
    emu.registerInferlet('files@1.0.0', (ctx) => (ctx.sendFile(new Uint8Array([1]), 'ignored.bin'), 'ok'));
    const { RawClient } = await import('./raw-client.js');
    const client = await RawClient.connect(emu.url);
    await client.identify();
    const { result } = await client.request({ type: 'launch_process', inferlet: 'files@1.0.0', input: '', capture_outputs: true });
    await client.terminal(result);
    const file = client.frames.find((f) => f.type === 'file')!;
    expect(Object.keys(file)).toEqual(['type', 'process_id', 'file_hash', 'chunk_index', 'total_chunks', 'chunk_data']);
    await client.close();
  });

  it('a dropped connection ends the processes it holds; uncaptured ones run on', async () => {
    const emu = await start('0.5');
    const a = await connect(emu, 'alice/t1');
    const held = resultOf(await a.request({ type: 'launch_process', inferlet: 'compat-openai', input: '{"prompt":"x","max_tokens":500}', capture_outputs: true }));
    const loose = resultOf(await a.request({ type: 'launch_process', inferlet: 'compat-openai', input: '{"prompt":"x","max_tokens":500}', capture_outputs: false }));
    expect(loose).toEqual({ ok: true, result: '' });
    await a.close();
    await new Promise((r) => setTimeout(r, 50));
    const b = await connect(emu, 'bob/t2');
    const list = JSON.parse(resultOf(await b.request({ type: 'list_processes' })).result) as { id: string; input: string }[];
    expect(list.map((p) => p.id)).not.toContain(held.result);
    expect(list).toHaveLength(1);
    expect(resultOf(await b.request({ type: 'attach_process', process_id: held.result }))).toEqual({ ok: false, result: 'Process not found' });
  });

  it('any identity lists and terminates; attaching a held process is refused; ids match exactly', async () => {
    const emu = await start('0.5');
    const a = await connect(emu, 'alice/t1');
    const b = await connect(emu, 'bob/t2');
    const { result: id } = resultOf(await a.request({ type: 'launch_process', inferlet: 'compat-openai', input: '{"prompt":"x","max_tokens":500}', capture_outputs: true }));
    expect(resultOf(await b.request({ type: 'attach_process', process_id: id }))).toEqual({ ok: false, result: 'Cannot attach: already attached' });
    expect(resultOf(await b.request({ type: 'terminate_process', process_id: id.toUpperCase() }))).toEqual({ ok: false, result: 'Process not found' });
    const from = a.frames.length;
    expect(resultOf(await b.request({ type: 'terminate_process', process_id: id }))).toEqual({ ok: true, result: 'Process terminated' });
    const ended = await a.waitUntil(from, (fs) => fs.some((f) => isTerminal(f, id)) && texts(fs).length > 0);
    expect(ended.find((f) => isTerminal(f))).toMatchObject({ value: { event: 'error', value: 'Signal' } });
  });

  it('a bare name launches the highest installed version; the compat programs can be left out', async () => {
    const emu = await PieEmulator.start({ generation: '0.5', builtinPrograms: false });
    emulators.push(emu);
    emu.registerInferlet('v@1.2.0', () => 'old');
    emu.registerInferlet('v@1.10.0', () => 'new');
    const d = await connect(emu);
    const corrId = d.corrId();
    const frames = await d.step({ type: 'launch_process', corr_id: corrId, inferlet: 'v', input: '', capture_outputs: true }, (fs) => fs.some((f) => isTerminal(f)));
    expect(frames.find((f) => isTerminal(f))).toMatchObject({ value: { event: 'return', value: 'new' } });
    expect(resultOf(await d.request({ type: 'check_program', name: 'compat-openai', version: '0.1.0' })).result).toBe('false');
  });

  it('HEAD /v1/models and the positional array form', async () => {
    const emu = await start('0.5');
    const d = await connect(emu);
    const frames = await d.step(encode(['ping', 9]), (fs) => fs.some((f) => isResponse(f, 9)));
    expect(resultOf(frames)).toEqual({ ok: true, result: 'Pong' });
    const head = await fetch(`${emu.url.replace('ws', 'http')}/v1/models`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('refuses an unknown generation with a typed error', async () => {
    await expect(PieEmulator.start({ generation: '0.7' as never })).rejects.toBeInstanceOf(PieEmulatorConfigError);
  });
});

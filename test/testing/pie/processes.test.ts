import { blake3 } from '@noble/hashes/blake3.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PieEmulator } from '../../../src/testing/pie/index.js';
import { RawClient, sleep } from './raw-client.js';

const hashHex = (bytes: Uint8Array): string => bytesToHex(blake3(bytes));

describe('PieEmulator processes', () => {
  let emu: PieEmulator;
  const clients: RawClient[] = [];
  const connect = async (username = 'alice'): Promise<RawClient> => {
    const client = await RawClient.connect(emu.url);
    clients.push(client);
    await client.identify(username);
    return client;
  };

  beforeEach(async () => {
    emu = await PieEmulator.start({ maxUploadMb: 1 });
    emu.registerInferlet('wait@1.0.0', async (ctx) => {
      ctx.stdout('started');
      ctx.send('ready');
      return `got:${await ctx.nextSignal()}`;
    });
    emu.registerInferlet('echo@1.0.0', (ctx) => `echo:${ctx.input}`);
    emu.registerInferlet('fail@1.0.0', (ctx) => {
      throw new Error(`fail:${ctx.input}`);
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await emu.close();
  });

  it('capture_outputs=false: empty result, stdout discarded, attach later gets message and return only', async () => {
    const a = await connect();
    expect(await a.request({ type: 'launch_process', inferlet: 'wait@1.0.0', input: 'in', capture_outputs: false })).toMatchObject({ ok: true, result: '' });
    const [entry] = JSON.parse((await a.request({ type: 'list_processes' })).result) as { id: string; input: string }[];
    expect(entry!.input).toBe('in');
    await sleep(20);
    const b = await connect();
    expect(await b.request({ type: 'attach_process', process_id: entry!.id.replace(/-/g, '') })).toMatchObject({ ok: true, result: 'Process attached' });
    b.send({ type: 'signal_process', process_id: entry!.id, message: 'go' });
    await b.terminal(entry!.id);
    expect(b.events(entry!.id)).toEqual([{ event: 'return', value: 'got:go' }]);
    expect(a.frames.filter((f) => f.type === 'process_event')).toEqual([]);
  });

  it('signals from a connection without the process attached are dropped', async () => {
    const a = await connect();
    const b = await connect();
    const { result: id } = await a.request({ type: 'launch_process', inferlet: 'wait@1.0.0', input: '', capture_outputs: true });
    await a.waitFor((f) => f['event'] === 'message');
    b.send({ type: 'signal_process', process_id: id, message: 'intruder' });
    await b.request({ type: 'ping' });
    a.send({ type: 'signal_process', process_id: `urn:uuid:${id.toUpperCase()}`, message: 'owner' });
    expect((await a.terminal(id))['value']).toBe('got:owner');
  });

  it('launch_processes returns ids (even without capture) and checks budgets', async () => {
    const a = await connect();
    const reply = await a.request({ type: 'launch_processes', inferlet: 'echo@1.0.0', inputs: ['1', '2'], capture_outputs: true, token_budgets: [10, null] });
    const ids = JSON.parse(reply.result) as string[];
    expect(ids).toHaveLength(2);
    expect((await a.terminal(ids[0]!))['value']).toBe('echo:1');
    expect((await a.terminal(ids[1]!))['value']).toBe('echo:2');
    expect(await a.request({ type: 'launch_processes', inferlet: 'echo@1.0.0', inputs: [], capture_outputs: false })).toMatchObject({ ok: true, result: '[]' });
    const uncaptured = JSON.parse((await a.request({ type: 'launch_processes', inferlet: 'echo@1.0.0', inputs: ['x'], capture_outputs: false })).result) as string[];
    expect(uncaptured).toHaveLength(1);
    expect(await a.request({ type: 'launch_processes', inferlet: 'echo@1.0.0', inputs: ['1', '2'], capture_outputs: true, token_budgets: [1] })).toMatchObject({
      ok: false,
      result: 'token_budgets length 1 does not match inputs length 2',
    });
  });

  it('run_processes waits and returns return strings, or the first failure in input order', async () => {
    const a = await connect();
    expect(await a.request({ type: 'run_processes', inferlet: 'echo@1.0.0', inputs: ['{"x":1}', 'b'] })).toMatchObject({
      ok: true,
      result: JSON.stringify(['echo:{"x":1}', 'echo:b']),
    });
    expect(await a.request({ type: 'run_processes', inferlet: 'fail@1.0.0', inputs: ['first', 'second'] })).toMatchObject({ ok: false, result: 'fail:first' });
    expect(await a.request({ type: 'run_processes', inferlet: 'echo@1.0.0', inputs: ['a'], token_budgets: [] })).toMatchObject({
      ok: false,
      result: 'token_budgets length 0 does not match inputs length 1',
    });
    expect(a.frames.filter((f) => f.type === 'process_event')).toEqual([]);
  });

  it('run_processes blocks only its own connection', async () => {
    const a = await connect();
    const b = await connect();
    a.send({ type: 'run_processes', corr_id: 1, inferlet: 'wait@1.0.0', inputs: [''] });
    a.send({ type: 'ping', corr_id: 2 });
    expect((await b.request({ type: 'ping' })).result).toBe('Pong');
    expect(await a.expectNothing((f) => f['corr_id'] === 2, 100)).toBe(true);
    const [entry] = JSON.parse((await b.request({ type: 'list_processes' })).result) as { id: string }[];
    await b.request({ type: 'terminate_process', process_id: entry!.id });
    expect(await a.waitFor((f) => f['corr_id'] === 1)).toMatchObject({ ok: false, result: 'Signal' });
    expect(await a.waitFor((f) => f['corr_id'] === 2)).toMatchObject({ ok: true, result: 'Pong' });
  });

  it('launch_daemon answers server launched', async () => {
    const a = await connect();
    expect(await a.request({ type: 'launch_daemon', port: 9, inferlet: 'echo@1.0.0', input: '' })).toMatchObject({ ok: true, result: 'server launched' });
    expect(await a.request({ type: 'launch_daemon', port: 9, inferlet: 'echo', input: '' })).toMatchObject({ ok: false });
    expect((await a.request({ type: 'list_processes' })).result).toBe('[]');
  });

  it('attach_process condition table', async () => {
    const a = await connect();
    const other = await connect('bob');
    const { result: id } = await a.request({ type: 'launch_process', inferlet: 'wait@1.0.0', input: '', capture_outputs: true });
    expect(await a.request({ type: 'attach_process', process_id: 'nope' })).toMatchObject({ ok: false, result: 'Invalid process_id' });
    expect(await a.request({ type: 'attach_process', process_id: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ ok: false, result: 'Process not found' });
    expect(await other.request({ type: 'attach_process', process_id: id })).toMatchObject({ ok: false, result: 'Permission denied' });
    expect(await a.request({ type: 'attach_process', process_id: id })).toMatchObject({ ok: false, result: 'Process not found' });
    const b = await connect();
    expect(await b.request({ type: 'attach_process', process_id: `{${id}}` })).toMatchObject({ ok: false, result: 'Process not found' });
  });

  it('terminate_process condition table', async () => {
    const a = await connect();
    const other = await connect('bob');
    const b = await connect();
    const { result: id } = await a.request({ type: 'launch_process', inferlet: 'wait@1.0.0', input: '', capture_outputs: true });
    expect(await a.request({ type: 'terminate_process', process_id: 'nope' })).toMatchObject({ ok: false, result: 'Invalid process ID' });
    expect(await a.request({ type: 'terminate_process', process_id: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ ok: false, result: 'Process not found' });
    expect(await other.request({ type: 'terminate_process', process_id: id })).toMatchObject({ ok: false, result: 'Permission denied' });
    expect(await b.request({ type: 'terminate_process', process_id: id })).toMatchObject({ ok: true, result: 'Process terminated' });
    expect((await a.terminal(id))['value']).toBe('Signal');
    expect(await b.request({ type: 'terminate_process', process_id: id })).toMatchObject({ ok: false, result: 'Process not found' });
  });

  it('sends files to the client in 256 KiB chunks with a blake3 hash; empty files send nothing', async () => {
    const blob = new Uint8Array(600_000).map((_, i) => i % 251);
    emu.registerInferlet('files@1.0.0', (ctx) => {
      ctx.sendFile(new Uint8Array());
      ctx.sendFile(blob);
      return 'sent';
    });
    const a = await connect();
    const { result: id } = await a.request({ type: 'launch_process', inferlet: 'files@1.0.0', input: '', capture_outputs: true });
    await a.terminal(id);
    const chunks = a.frames.filter((f) => f.type === 'file');
    expect(chunks.map((f) => [f['chunk_index'], f['total_chunks'], (f['chunk_data'] as Uint8Array).length])).toEqual([
      [0, 3, 262_144],
      [1, 3, 262_144],
      [2, 3, 600_000 - 2 * 262_144],
    ]);
    expect(chunks.every((f) => f['file_hash'] === hashHex(blob) && f['process_id'] === id)).toBe(true);
    const joined = Buffer.concat(chunks.map((f) => f['chunk_data'] as Uint8Array));
    expect(hashHex(joined)).toBe(hashHex(blob));
    const fileRaw = a.rawFrames.find((raw) => raw.includes(Buffer.from('file_hash')))!;
    expect(fileRaw.subarray(0, 11).toString('hex')).toBe('86a474797065a466696c65');
  });

  it('delivers a client file to a waiting inferlet only when the hash matches', async () => {
    emu.registerInferlet('recv@1.0.0', async (ctx) => {
      ctx.send('waiting');
      const bytes = await ctx.receiveFile();
      return `${bytes.length}:${hashHex(bytes)}`;
    });
    const a = await connect();
    const { result: id } = await a.request({ type: 'launch_process', inferlet: 'recv@1.0.0', input: '', capture_outputs: true });
    await a.waitFor((f) => f['event'] === 'message');
    const blob = new Uint8Array(300_000).fill(7);
    const good = hashHex(blob);
    a.send({ type: 'transfer_file', process_id: id, file_hash: good.toUpperCase(), chunk_index: 0, total_chunks: 1, chunk_data: blob });
    a.send({ type: 'transfer_file', process_id: id, file_hash: good, chunk_index: 0, total_chunks: 2, chunk_data: blob.subarray(0, 262_144) });
    a.send({ type: 'transfer_file', process_id: id, file_hash: good, chunk_index: 1, total_chunks: 2, chunk_data: blob.subarray(262_144) });
    expect((await a.terminal(id))['value']).toBe(`300000:${good}`);
  });

  it('delivers an empty client file sent as one empty chunk', async () => {
    emu.registerInferlet('recv@1.0.0', async (ctx) => {
      ctx.send('waiting');
      return `${(await ctx.receiveFile()).length}`;
    });
    const a = await connect();
    const { result: id } = await a.request({ type: 'launch_process', inferlet: 'recv@1.0.0', input: '', capture_outputs: true });
    await a.waitFor((f) => f['event'] === 'message');
    a.send({ type: 'transfer_file', process_id: id, file_hash: hashHex(new Uint8Array()), chunk_index: 0, total_chunks: 1, chunk_data: [] });
    expect((await a.terminal(id))['value']).toBe('0');
  });

  it('drops files that arrive while the inferlet is not waiting', async () => {
    emu.registerInferlet('late@1.0.0', async (ctx) => {
      ctx.send('not yet');
      await ctx.nextSignal();
      ctx.send('waiting');
      return `${(await ctx.receiveFile())[0]}`;
    });
    const a = await connect();
    const { result: id } = await a.request({ type: 'launch_process', inferlet: 'late@1.0.0', input: '', capture_outputs: true });
    await a.waitFor((f) => f['value'] === 'not yet');
    const early = Uint8Array.of(1);
    a.send({ type: 'transfer_file', process_id: id, file_hash: hashHex(early), chunk_index: 0, total_chunks: 1, chunk_data: early });
    a.send({ type: 'signal_process', process_id: id, message: 'go' });
    await a.waitFor((f) => f['value'] === 'waiting');
    const late = Uint8Array.of(2);
    a.send({ type: 'transfer_file', process_id: id, file_hash: hashHex(late), chunk_index: 0, total_chunks: 1, chunk_data: late });
    expect((await a.terminal(id))['value']).toBe('2');
  });

  it('answers model_status for each model and nothing for unknown subjects', async () => {
    await emu.close();
    emu = await PieEmulator.start({ models: ['m1', 'm2'] });
    const a = await connect();
    const status = JSON.parse((await a.request({ type: 'query', subject: 'model_status', record: '' })).result) as Record<string, unknown>;
    for (const model of ['m1', 'm2']) {
      for (const key of ['kv_pages_used', 'kv_pages_total', 'total_tokens_processed', 'avg_batch_latency_us']) {
        expect(typeof status[`${model}.${key}`]).toBe('number');
      }
    }
    a.send({ type: 'query', corr_id: 5, subject: 'other', record: '' });
    expect(await a.expectNothing((f) => f['corr_id'] === 5)).toBe(true);
  });

  it('buffers only the last 4096 captured events while unattached (designed mode)', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let finish: () => void = () => undefined;
    const end = new Promise<void>((r) => (finish = r));
    emu.registerInferlet('chatty@1.0.0', async (ctx) => {
      await gate;
      for (let i = 0; i < 4100; i++) ctx.stdout(`line ${i}`);
      await end;
      return 'done';
    });
    const a = await connect();
    const { result: id } = await a.request({ type: 'launch_process', inferlet: 'chatty@1.0.0', input: '', capture_outputs: true });
    await a.close();
    await sleep(30);
    release();
    await sleep(10);
    const b = await connect();
    expect((await b.request({ type: 'attach_process', process_id: id })).ok).toBe(true);
    await b.waitFor((f) => f['value'] === 'line 4099');
    finish();
    await b.terminal(id);
    const events = b.events(id);
    expect(events).toHaveLength(4097);
    expect(events[0]).toEqual({ event: 'stdout', value: 'line 4' });
  });
});

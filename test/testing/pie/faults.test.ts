import { decode } from '@msgpack/msgpack';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PieEmulator } from '../../../src/testing/pie/index.js';
import { RawClient, sleep } from './raw-client.js';

describe('PieEmulator fault injection', () => {
  let emu: PieEmulator;
  const clients: RawClient[] = [];
  const connect = async (): Promise<RawClient> => {
    const client = await RawClient.connect(emu.url);
    clients.push(client);
    await client.identify();
    return client;
  };

  beforeEach(async () => {
    emu = await PieEmulator.start();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await emu.close();
  });

  it('sendCorruptFrame sends an undecodable frame and an unknown kind, then the connection still works', async () => {
    const a = await connect();
    const b = await connect();
    const before = a.rawFrames.length;
    emu.sendCorruptFrame(1);
    await sleep(30);
    const corrupt = a.rawFrames.slice(before);
    expect(corrupt).toHaveLength(2);
    expect(() => decode(corrupt[0]!)).toThrow();
    expect((decode(corrupt[1]!) as { type: string }).type).toBe('unknown_kind');
    expect(b.rawFrames).toHaveLength(1);
    expect((await a.request({ type: 'ping' })).result).toBe('Pong');
  });

  it('stallConnections stops pongs and replies for a while, then resumes in order', async () => {
    const a = await connect();
    emu.stallConnections(300);
    let pong = false;
    a.socket.once('pong', () => (pong = true));
    a.socket.ping();
    a.send({ type: 'ping', corr_id: 1 });
    await sleep(150);
    expect(pong).toBe(false);
    expect(a.frames.some((f) => f['corr_id'] === 1)).toBe(false);
    expect(await a.waitFor((f) => f['corr_id'] === 1, 2000)).toMatchObject({ result: 'Pong' });
    expect(pong).toBe(true);
  });

  it('delayReplies delays responses but keeps their order', async () => {
    const a = await connect();
    emu.delayReplies(100);
    a.send({ type: 'ping', corr_id: 1 });
    a.send({ type: 'list_processes', corr_id: 2 });
    await sleep(50);
    expect(a.frames.filter((f) => f['corr_id'] === 1 || f['corr_id'] === 2)).toEqual([]);
    await a.waitFor((f) => f['corr_id'] === 2);
    expect(a.frames.filter((f) => f.type === 'response').map((f) => f['corr_id']).slice(-2)).toEqual([1, 2]);
    emu.delayReplies(0);
    expect((await a.request({ type: 'ping' }, 50)).result).toBe('Pong');
  });

  it('dropConnections closes every socket abruptly', async () => {
    const a = await connect();
    const b = await connect();
    const codes: number[] = [];
    a.socket.once('close', (code) => codes.push(code));
    b.socket.once('close', (code) => codes.push(code));
    expect(emu.connectionCount).toBe(2);
    emu.dropConnections();
    await sleep(50);
    expect(codes).toEqual([1006, 1006]);
    expect(emu.connectionCount).toBe(0);
    const c = await connect();
    expect((await c.request({ type: 'ping' })).result).toBe('Pong');
  });

  it('keeps at most receivedLimit messages in received, each tagged with its connection', async () => {
    await emu.close();
    emu = await PieEmulator.start({ receivedLimit: 3 });
    const a = await connect();
    for (let i = 0; i < 5; i++) await a.request({ type: 'ping' });
    expect(emu.received).toHaveLength(3);
    expect(emu.received.every((m) => m.type === 'ping' && m.connectionId === 1)).toBe(true);
    a.send({ type: 'transfer_file', process_id: 'p', file_hash: 'h', chunk_index: 0, total_chunks: 1, chunk_data: Uint8Array.of(1, 2) });
    await a.request({ type: 'ping' });
    expect(emu.received.at(-2)).toEqual({ type: 'transfer_file', process_id: 'p', file_hash: 'h', chunk_index: 0, total_chunks: 1, chunk_data: Uint8Array.of(1, 2) });
    const transfer = emu.received.at(-2) as { chunk_data: Uint8Array };
    expect(Object.getPrototypeOf(transfer.chunk_data)).toBe(Uint8Array.prototype);
  });
});

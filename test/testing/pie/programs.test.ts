import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PieEmulator } from '../../../src/testing/pie/index.js';
import { RawClient } from './raw-client.js';

const manifest = (name: string, version = '1.0.0'): string => `[package]\nname = "${name}"\nversion = "${version}"\n`;
const CHUNK = 262_144;

describe('PieEmulator program uploads', () => {
  let emu: PieEmulator;
  let client: RawClient;

  beforeEach(async () => {
    emu = await PieEmulator.start({ maxUploadMb: 1 });
    client = await RawClient.connect(emu.url);
    await client.identify();
  });
  afterEach(async () => {
    await client.close();
    await emu.close();
  });

  function chunk(corrId: number, hash: string, index: number, total: number, data: Uint8Array, extra: Record<string, unknown> = {}): void {
    client.send({
      type: 'add_program',
      corr_id: corrId,
      program_hash: hash,
      manifest: manifest('prog'),
      force_overwrite: true,
      chunk_index: index,
      total_chunks: total,
      chunk_data: data,
      ...extra,
    });
  }
  const responses = (corrId: number) => client.frames.filter((f) => f.type === 'response' && f['corr_id'] === corrId);

  it('checks identifiers and existence', async () => {
    expect(await client.request({ type: 'check_program', name: 'prog', version: '1.0' })).toMatchObject({
      ok: false,
      result: "Invalid program identifier 'prog@1.0': expected 'name@major.minor.patch'",
    });
    expect(await client.request({ type: 'check_program', name: 'prog', version: '1.0.0', wasm_hash: 'x' })).toMatchObject({ ok: true, result: 'false' });
    emu.registerInferlet('prog@1.0.0', () => 'ok');
    expect(await client.request({ type: 'check_program', name: 'prog', version: '1.0.0', manifest_hash: null })).toMatchObject({ ok: true, result: 'true' });
  });

  it('installs an empty program sent as one empty chunk', async () => {
    chunk(1, 'h0', 0, 1, new Uint8Array());
    expect(await client.waitFor((f) => f['corr_id'] === 1)).toMatchObject({ ok: true, result: 'Program installed successfully' });
    expect((await client.request({ type: 'check_program', name: 'prog', version: '1.0.0' })).result).toBe('true');
  });

  it('installs one-chunk and many-chunk uploads with a single reply', async () => {
    chunk(1, 'h1', 0, 1, new Uint8Array(10));
    expect(await client.waitFor((f) => f['corr_id'] === 1)).toMatchObject({ ok: true, result: 'Program installed successfully' });
    for (let i = 0; i < 3; i++) chunk(2, 'h2', i, 3, new Uint8Array(CHUNK));
    expect(await client.waitFor((f) => f['corr_id'] === 2)).toMatchObject({ ok: true });
    expect(await client.expectNothing((f) => f['corr_id'] === 2 && f !== responses(2)[0])).toBe(true);
    expect(responses(2)).toHaveLength(1);
  });

  it('keys the program by the manifest identity, and launching it without code fails with No run function', async () => {
    client.send({ type: 'add_program', corr_id: 1, program_hash: 'h', manifest: manifest('other', '2.1.0'), force_overwrite: false, chunk_index: 0, total_chunks: 1, chunk_data: [1, 2, 3] });
    expect(await client.waitFor((f) => f['corr_id'] === 1)).toMatchObject({ ok: true });
    expect((await client.request({ type: 'check_program', name: 'other', version: '2.1.0' })).result).toBe('true');
    const { result: id } = await client.request({ type: 'launch_process', inferlet: 'other@2.1.0', input: '', capture_outputs: true });
    expect((await client.terminal(id))).toMatchObject({ event: 'error', value: "No 'run' function found" });
  });

  it('answers each chunk error with that chunk, then stray First chunk replies', async () => {
    chunk(1, 'a', 1, 2, new Uint8Array(1));
    expect(await client.waitFor((f) => f['corr_id'] === 1)).toMatchObject({ ok: false, result: 'First chunk index must be 0' });

    chunk(2, 'b', 0, 3, new Uint8Array(1));
    chunk(2, 'b', 1, 4, new Uint8Array(1));
    chunk(2, 'b', 2, 3, new Uint8Array(1));
    await client.waitFor(() => responses(2).length === 2);
    expect(responses(2).map((f) => f['result'])).toEqual(['Chunk count mismatch: expected 3, got 4', 'First chunk index must be 0']);

    chunk(3, 'c', 0, 3, new Uint8Array(1));
    chunk(3, 'c', 2, 3, new Uint8Array(1));
    expect(await client.waitFor((f) => f['corr_id'] === 3)).toMatchObject({ ok: false, result: 'Out-of-order chunk: expected 1, got 2' });
  });

  it('enforces the cap: exactly the cap passes, one byte more fails', async () => {
    chunk(1, 'cap', 0, 2, new Uint8Array(512 * 1024));
    chunk(1, 'cap', 1, 2, new Uint8Array(512 * 1024));
    expect(await client.waitFor((f) => f['corr_id'] === 1)).toMatchObject({ ok: true });
    chunk(2, 'over', 0, 2, new Uint8Array(512 * 1024));
    chunk(2, 'over', 1, 2, new Uint8Array(512 * 1024 + 1));
    expect(await client.waitFor((f) => f['corr_id'] === 2)).toMatchObject({ ok: false, result: 'upload exceeds max_upload_mb cap of 1 MiB' });
  });

  it('keeps a half-finished upload: a restart fails once, the second retry works', async () => {
    chunk(1, 'stale', 0, 2, new Uint8Array(1));
    chunk(2, 'stale', 0, 2, new Uint8Array(1));
    chunk(2, 'stale', 1, 2, new Uint8Array(1));
    await client.waitFor(() => responses(2).length === 2);
    expect(responses(2).map((f) => f['result'])).toEqual(['Out-of-order chunk: expected 1, got 0', 'First chunk index must be 0']);
    chunk(3, 'stale', 0, 2, new Uint8Array(1));
    chunk(3, 'stale', 1, 2, new Uint8Array(1));
    expect(await client.waitFor((f) => f['corr_id'] === 3)).toMatchObject({ ok: true, result: 'Program installed successfully' });
  });

  it('never answers total_chunks = 0', async () => {
    chunk(1, 'zero', 0, 0, new Uint8Array());
    expect(await client.expectNothing((f) => f['corr_id'] === 1)).toBe(true);
  });

  it('reports invalid manifests', async () => {
    chunk(1, 'm1', 0, 1, new Uint8Array(), { manifest: 'not = [toml' });
    const bad = await client.waitFor((f) => f['corr_id'] === 1);
    expect(bad['ok']).toBe(false);
    expect(bad['result']).toMatch(/^Invalid manifest: Failed to parse manifest TOML: /);
    chunk(2, 'm2', 0, 1, new Uint8Array(), { manifest: '[package]\nname = "x"\n' });
    expect(await client.waitFor((f) => f['corr_id'] === 2)).toMatchObject({
      ok: false,
      result: 'Invalid manifest: Failed to parse manifest TOML: missing field `version`',
    });
  });

  it('launching an unknown program fails like a registry 404', async () => {
    expect(await client.request({ type: 'launch_process', inferlet: 'nope@1.2.3', input: '', capture_outputs: true })).toMatchObject({
      ok: false,
      result: 'Failed to download manifest: https://registry.pie-project.org/api/v1/inferlets/nope/1.2.3/manifest returned 404 Not Found',
    });
    expect(await client.request({ type: 'launch_process', inferlet: 'nope', input: '', capture_outputs: true })).toMatchObject({
      ok: false,
      result: "Invalid program identifier 'nope': expected 'name@major.minor.patch'",
    });
  });

  it('a slow final chunk blocks only its own connection', async () => {
    await client.close();
    await emu.close();
    emu = await PieEmulator.start({ installDelayMs: 200 });
    client = await RawClient.connect(emu.url);
    await client.identify();
    const other = await RawClient.connect(emu.url);
    try {
      await other.identify();
      chunk(1, 'slow', 0, 1, new Uint8Array(1));
      client.send({ type: 'ping', corr_id: 2 });
      expect((await other.request({ type: 'ping' })).result).toBe('Pong');
      expect(client.frames.some((f) => f['corr_id'] === 1 || f['corr_id'] === 2)).toBe(false);
      await client.waitFor((f) => f['corr_id'] === 2);
      expect(client.frames.filter((f) => f.type === 'response').map((f) => f['corr_id']).slice(-2)).toEqual([1, 2]);
    } finally {
      await other.close();
    }
  });
});

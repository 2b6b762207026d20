import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PieEmulator } from '../../../src/testing/pie/index.js';
import { buildComponent } from '../../../src/testing/pie/component-check.js';
import { RawClient } from './raw-client.js';

const manifest = (name: string, version = '1.0.0'): string => `[package]\nname = "${name}"\nversion = "${version}"\n`;
const CHUNK = 262_144;
/** A valid component of `size` bytes cut into `count` equal pieces (the last takes the rest). */
function pieces(size: number, count: number, exports?: string[]): Uint8Array[] {
  const bytes = buildComponent({ size, ...(exports ? { exports } : {}) });
  const step = Math.floor(size / count);
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * step, i === count - 1 ? size : (i + 1) * step));
}
const COMPILE_FAILED = 'Failed to compile WASM: failed to parse WebAssembly module';

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

  it('refuses an empty program or a core module like the engine\u2019s compiler, yet keeps it registered', async () => {
    chunk(1, 'h0', 0, 1, new Uint8Array());
    expect(await client.waitFor((f) => f['corr_id'] === 1)).toMatchObject({ ok: false, result: COMPILE_FAILED });
    expect((await client.request({ type: 'check_program', name: 'prog', version: '1.0.0' })).result).toBe('true');
    expect(await client.request({ type: 'launch_process', inferlet: 'prog@1.0.0', input: '', capture_outputs: true })).toMatchObject({
      ok: false,
      result: COMPILE_FAILED,
    });
    chunk(2, 'core', 0, 1, Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
    expect(await client.waitFor((f) => f['corr_id'] === 2)).toMatchObject({ ok: false, result: COMPILE_FAILED });
    chunk(3, 'good', 0, 1, buildComponent());
    expect(await client.waitFor((f) => f['corr_id'] === 3)).toMatchObject({ ok: true, result: 'Program installed successfully' });
  });

  it('installs one-chunk and many-chunk uploads with a single reply', async () => {
    chunk(1, 'h1', 0, 1, buildComponent({ size: 100 }));
    expect(await client.waitFor((f) => f['corr_id'] === 1)).toMatchObject({ ok: true, result: 'Program installed successfully' });
    pieces(3 * CHUNK, 3).forEach((piece, i) => chunk(2, 'h2', i, 3, piece));
    expect(await client.waitFor((f) => f['corr_id'] === 2)).toMatchObject({ ok: true });
    expect(await client.expectNothing((f) => f['corr_id'] === 2 && f !== responses(2)[0])).toBe(true);
    expect(responses(2)).toHaveLength(1);
  });

  it('keys the program by the manifest identity; a component without run fails with No run interface', async () => {
    const noRun = buildComponent({ exports: ['other:thing/helpers'] });
    client.send({ type: 'add_program', corr_id: 1, program_hash: 'h', manifest: manifest('other', '2.1.0'), force_overwrite: false, chunk_index: 0, total_chunks: 1, chunk_data: noRun });
    expect(await client.waitFor((f) => f['corr_id'] === 1)).toMatchObject({ ok: true });
    expect((await client.request({ type: 'check_program', name: 'other', version: '2.1.0' })).result).toBe('true');
    emu.registerInferlet('other@2.1.0', () => 'never runs');
    const { result: id } = await client.request({ type: 'launch_process', inferlet: 'other@2.1.0', input: '', capture_outputs: true });
    expect((await client.terminal(id))).toMatchObject({ event: 'error', value: "No 'run' interface found" });
  });

  it('runs the registered code of an uploaded component with run, and says so when there is none', async () => {
    chunk(1, 'r1', 0, 1, buildComponent(), { manifest: manifest('coded') });
    chunk(2, 'r2', 0, 1, buildComponent({ exports: ['run'] }), { manifest: manifest('uncoded') });
    await client.waitFor(() => responses(2).length === 1);
    emu.registerInferlet('coded@1.0.0', () => 'ran');
    const { result: coded } = await client.request({ type: 'launch_process', inferlet: 'coded@1.0.0', input: '', capture_outputs: true });
    expect(await client.terminal(coded)).toMatchObject({ event: 'return', value: 'ran' });
    const { result: uncoded } = await client.request({ type: 'launch_process', inferlet: 'uncoded@1.0.0', input: '', capture_outputs: true });
    expect(await client.terminal(uncoded)).toMatchObject({ event: 'error', value: 'PieEmulator has no code for uncoded@1.0.0: register it with registerInferlet' });
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
    pieces(1024 * 1024, 2).forEach((piece, i) => chunk(1, 'cap', i, 2, piece));
    expect(await client.waitFor((f) => f['corr_id'] === 1)).toMatchObject({ ok: true });
    chunk(2, 'over', 0, 2, new Uint8Array(512 * 1024));
    chunk(2, 'over', 1, 2, new Uint8Array(512 * 1024 + 1));
    expect(await client.waitFor((f) => f['corr_id'] === 2)).toMatchObject({ ok: false, result: 'upload exceeds max_upload_mb cap of 1 MiB' });
  });

  it('keeps a half-finished upload: a restart fails once, the second retry works', async () => {
    const [a, b] = pieces(64, 2) as [Uint8Array, Uint8Array];
    chunk(1, 'stale', 0, 2, a);
    chunk(2, 'stale', 0, 2, a);
    chunk(2, 'stale', 1, 2, b);
    await client.waitFor(() => responses(2).length === 2);
    expect(responses(2).map((f) => f['result'])).toEqual(['Out-of-order chunk: expected 1, got 0', 'First chunk index must be 0']);
    chunk(3, 'stale', 0, 2, a);
    chunk(3, 'stale', 1, 2, b);
    expect(await client.waitFor((f) => f['corr_id'] === 3)).toMatchObject({ ok: true, result: 'Program installed successfully' });
  });

  it('never answers total_chunks = 0', async () => {
    chunk(1, 'zero', 0, 0, new Uint8Array());
    expect(await client.expectNothing((f) => f['corr_id'] === 1)).toBe(true);
  });

  it('reports invalid manifests', async () => {
    chunk(1, 'm1', 0, 1, new Uint8Array(), { manifest: 'this is = = not toml' });
    expect(await client.waitFor((f) => f['corr_id'] === 1)).toMatchObject({
      ok: false,
      result:
        'Invalid manifest: Failed to parse manifest TOML: TOML parse error at line 1, column 6\n  |\n1 | this is = = not toml\n  |      ^\nkey with no value, expected `=`\n',
    });
    chunk(2, 'm2', 0, 1, new Uint8Array(), { manifest: '[package]\nname = "x"\n' });
    expect(await client.waitFor((f) => f['corr_id'] === 2)).toMatchObject({
      ok: false,
      result: 'Invalid manifest: Failed to parse manifest TOML: TOML parse error at line 1, column 1\n  |\n1 | [package]\n  | ^^^^^^^^^\nmissing field `version`\n',
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

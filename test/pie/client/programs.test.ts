import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, tap, toArray } from 'rxjs';
import { harness } from './helpers.js';
import { PieFileError, PieProgramIdError, PieUploadError } from '../../../src/model/pie/errors.js';
import { hashBlob } from '../../../src/model/pie/hash.js';
import { buildComponent } from '../../../src/testing/pie/component-check.js';

const h = harness();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pie-programs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => h.cleanup());

const manifest = (name: string, version = '0.1.0') => `[package]\nname = "${name}"\nversion = "${version}"\n`;

/** A valid WebAssembly component of exactly `length` bytes (the emulator refuses anything else). */
function bytes(length: number): Uint8Array {
  return buildComponent({ size: length });
}

describe('PieClient programs', () => {
  it('uploads a 0-byte program as one empty chunk; the engine refuses it to compile but keeps it registered', async () => {
    const emu = await h.emulator();
    const client = await h.client(emu);
    const progress: unknown[] = [];
    const error = await lastValueFrom(
      client.addProgram({ wasm: new Uint8Array(0), manifest: manifest('empty') }).pipe(tap((p) => progress.push(p))),
    ).catch((e: unknown) => e);
    expect(progress).toEqual([{ sentChunks: 1, totalChunks: 1, sentBytes: 0, totalBytes: 0 }]);
    expect(error).toBeInstanceOf(PieUploadError);
    expect((error as PieUploadError).serverMessage).toBe('Failed to compile WASM: failed to parse WebAssembly module');
    const chunks = emu.received.filter((m) => m.type === 'add_program');
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ chunk_index: 0, total_chunks: 1, program_hash: hashBlob(new Uint8Array(0)) });
    expect(await firstValueFrom(client.checkProgram('empty@0.1.0'))).toBe(true);
  });

  it('uploads one chunk and then many chunks (1 MiB + 1) with progress, one corr_id per upload', async () => {
    const emu = await h.emulator();
    const client = await h.client(emu);
    const small = await lastValueFrom(client.addProgram({ wasm: bytes(1000), manifest: manifest('small') }).pipe(toArray()));
    expect(small).toEqual([{ sentChunks: 1, totalChunks: 1, sentBytes: 1000, totalBytes: 1000 }]);

    const big = bytes(1024 * 1024 + 1);
    const progress = await lastValueFrom(
      client.addProgram({ wasm: big, manifest: manifest('big'), forceOverwrite: true }).pipe(toArray()),
    );
    expect(progress.map((p) => p.sentChunks)).toEqual([1, 2, 3, 4, 5]);
    expect(progress.at(-1)).toEqual({ sentChunks: 5, totalChunks: 5, sentBytes: big.length, totalBytes: big.length });
    const chunks = emu.received.filter((m) => m.type === 'add_program' && (m as { manifest: string }).manifest.includes('big'));
    expect(new Set(chunks.map((c) => (c as { corr_id: number }).corr_id)).size).toBe(1);
    expect(chunks.map((c) => (c as { force_overwrite: boolean }).force_overwrite)).toEqual([true, true, true, true, true]);
    expect(await firstValueFrom(client.checkProgram('big@0.1.0'))).toBe(true);
  });

  it('reads the wasm and manifest from files, and check_program sends their blake3 hashes', async () => {
    const emu = await h.emulator();
    const client = await h.client(emu);
    const wasmPath = join(dir, 'app.wasm');
    const manifestPath = join(dir, 'Pie.toml');
    const wasm = bytes(300_000);
    writeFileSync(wasmPath, wasm);
    writeFileSync(manifestPath, manifest('fromfile', '1.2.3'));
    expect(await firstValueFrom(client.checkProgram('fromfile@1.2.3', { wasm: wasmPath, manifest: { path: manifestPath } }))).toBe(false);
    await lastValueFrom(client.addProgram({ wasm: wasmPath, manifest: { path: manifestPath } }));
    expect(await firstValueFrom(client.checkProgram('fromfile@1.2.3', { wasm, manifest: manifest('fromfile', '1.2.3') }))).toBe(true);
    const checks = emu.received.filter((m) => m.type === 'check_program');
    expect(checks[0]).toMatchObject({
      name: 'fromfile',
      version: '1.2.3',
      wasm_hash: hashBlob(wasm),
      manifest_hash: hashBlob(new TextEncoder().encode(manifest('fromfile', '1.2.3'))),
    });
    expect(checks[1]).toMatchObject({ wasm_hash: hashBlob(wasm) });
    expect(checks).toHaveLength(2);
  });

  it('a missing file is a PieFileError, a bad program id a PieProgramIdError, nothing is sent', async () => {
    const emu = await h.emulator();
    const client = await h.client(emu);
    await expect(
      lastValueFrom(client.addProgram({ wasm: join(dir, 'missing.wasm'), manifest: manifest('x') })),
    ).rejects.toBeInstanceOf(PieFileError);
    await expect(firstValueFrom(client.checkProgram('no-version'))).rejects.toBeInstanceOf(PieProgramIdError);
    await expect(firstValueFrom(client.launchProcess('bad id@1.0.0', {}))).rejects.toBeInstanceOf(PieProgramIdError);
    expect(emu.received.filter((m) => m.type !== 'auth_identify')).toEqual([]);
  });

  it('an upload over the engine cap is a PieUploadError with the engine text; the connection stays usable', async () => {
    const emu = await h.emulator({ maxUploadMb: 1 });
    const client = await h.client(emu);
    const error = await lastValueFrom(
      client.addProgram({ wasm: bytes(1024 * 1024 + 1), manifest: manifest('huge') }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PieUploadError);
    expect((error as PieUploadError).serverMessage).toBe('upload exceeds max_upload_mb cap of 1 MiB');
    await lastValueFrom(client.addProgram({ wasm: bytes(1024 * 1024), manifest: manifest('exact') }));
    expect(await firstValueFrom(client.checkProgram('exact@0.1.0'))).toBe(true);
    expect(await firstValueFrom(client.ping())).toBeGreaterThanOrEqual(0);
  });

  it('an invalid manifest is a PieUploadError', async () => {
    const emu = await h.emulator();
    const client = await h.client(emu);
    const error = await lastValueFrom(client.addProgram({ wasm: bytes(100), manifest: 'not = [toml' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PieUploadError);
    expect((error as PieUploadError).serverMessage).toMatch(/^Invalid manifest: Failed to parse manifest TOML/);
  });

  it('an uploaded program with registered code can be launched', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('hello@0.1.0', () => 'hi');
    const client = await h.client(emu);
    await lastValueFrom(client.addProgram({ wasm: bytes(64), manifest: manifest('hello'), forceOverwrite: true }));
    const events = await lastValueFrom(client.launchProcess('hello@0.1.0').pipe(toArray()));
    expect(events).toEqual([{ kind: 'return', processId: events[0]!.processId, value: 'hi' }]);
  });
});

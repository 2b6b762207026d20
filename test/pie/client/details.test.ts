// Client defects seen by users of a real 0.4 engine (issue 11, items 9–14), each pinned
// against PieEmulator over a real loopback socket.
import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom, lastValueFrom, switchMap, toArray } from 'rxjs';
import { generateKeyPairSync } from 'node:crypto';
import { harness, delay } from './helpers.js';
import { PieClient } from '../../../src/observables/pie/pie-client.js';
import type { UploadProgress } from '../../../src/observables/pie/programs/programs.js';
import { PieAuthError, PieIdleTimeoutError, PieRequestError } from '../../../src/model/pie/errors.js';
import { buildComponent } from '../../../src/testing/pie/component-check.js';

const h = harness();
afterEach(() => h.cleanup());

const manifest = (name: string) => `[package]\nname = "${name}"\nversion = "0.1.0"\n`;
const CHUNK = 262_144;

describe('addProgram cancel and retry progress', () => {
  it('unsubscribing inside the first progress callback stops the upload at the next chunk; nothing is installed', async () => {
    const emu = await h.emulator();
    const client = await h.client(emu);
    const wasm = buildComponent({ size: 3 * CHUNK });
    const seen: UploadProgress[] = [];
    const subscription = client.addProgram({ wasm, manifest: manifest('cancelled') }).subscribe((p) => {
      seen.push(p);
      subscription?.unsubscribe();
    });
    // A ping answered after the upload was cut: every frame sent before it has arrived.
    await firstValueFrom(client.ping());
    await delay(20);
    expect(seen).toHaveLength(1);
    expect(emu.received.filter((m) => m.type === 'add_program')).toHaveLength(1);
    expect(await firstValueFrom(client.checkProgram('cancelled@0.1.0'))).toBe(false);
  });

  it('the automatic retry of an abandoned upload marks its progress attempt 2 instead of running backwards', async () => {
    const emu = await h.emulator();
    const client = await h.client(emu);
    const wasm = buildComponent({ size: 3 * CHUNK });
    const first = client.addProgram({ wasm, manifest: manifest('retried') }).subscribe((p) => {
      if (p.sentChunks === 1) first.unsubscribe();
    });
    await delay(50);
    const progress = await lastValueFrom(client.addProgram({ wasm, manifest: manifest('retried') }).pipe(toArray()));
    expect(progress.map((p) => `${p.sentChunks}/${p.totalChunks}${p.attempt ? ` attempt ${p.attempt}` : ''}`)).toEqual([
      '1/3',
      '2/3',
      '3/3',
      '1/3 attempt 2',
      '2/3 attempt 2',
      '3/3 attempt 2',
    ]);
    expect(await firstValueFrom(client.checkProgram('retried@0.1.0'))).toBe(true);
  });
});

describe('typed errors from the client\u2019s own checks', () => {
  it('PieAuthError keeps the engine text in serverMessage and leaves it unset for the client\u2019s own text', async () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(12); // the 32 key bytes
    const emu = await h.emulator({ auth: { mode: 'publicKey', users: { ed: [opensshEd25519(raw)] } } });
    const keyless = await PieClient.connect(emu.url, { username: 'ed' }, { heartbeat: false }).catch((e: unknown) => e);
    expect(keyless).toBeInstanceOf(PieAuthError);
    expect((keyless as PieAuthError).message).toBe(
      "authentication rejected: the engine requires public-key authentication for user '<username, 2 chars>', but no key was given",
    );
    expect((keyless as PieAuthError).serverMessage).toBeUndefined();
    const mallory = await PieClient.connect(emu.url, { username: 'mallory' }, { heartbeat: false }).catch((e: unknown) => e);
    expect((mallory as PieAuthError).serverMessage).toBe("User '<username, 7 chars>' is not authorized");
  });

  it('a token-budget count mismatch is the PieRequestError the engine\u2019s check maps to, in its words, nothing sent', async () => {
    const emu = await h.emulator();
    const client = await h.client(emu);
    const launched = await firstValueFrom(client.launchProcesses('missing@1.0.0', [1, 2], { tokenBudgets: [5] })).catch((e: unknown) => e);
    expect(launched).toBeInstanceOf(PieRequestError);
    expect((launched as PieRequestError).message).toBe('launch_processes failed: token_budgets length 1 does not match inputs length 2');
    expect((launched as PieRequestError).request).toBe('launch_processes');
    expect((launched as PieRequestError).serverMessage).toBeUndefined();
    const ran = await firstValueFrom(client.runProcesses('missing@1.0.0', [1], { tokenBudgets: [1, 2] })).catch((e: unknown) => e);
    expect((ran as PieRequestError).message).toBe('run_processes failed: token_budgets length 2 does not match inputs length 1');
    expect(emu.received.filter((m) => m.type === 'launch_processes' || m.type === 'run_processes')).toEqual([]);
  });
});

/** An OpenSSH public key line: blob = string "ssh-ed25519" + string key (32 bytes). */
function opensshEd25519(raw: Buffer): string {
  const type = Buffer.from('ssh-ed25519');
  const blob = Buffer.concat([u32(type.length), type, u32(raw.length), raw]);
  return `ssh-ed25519 ${blob.toString('base64')} ed@test`;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

describe('attachProcess of an ended process whose events are still queued', () => {
  it('is served from the client\u2019s own handle, without asking the engine', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('quick@0.1.0', (ctx) => {
      ctx.stdout('one ');
      ctx.stdout('two');
      return 'done';
    });
    const client = await h.client(emu);
    const handle = await firstValueFrom(client.launch('quick@0.1.0', {}));
    await delay(50); // the process ends; its events wait on the handle
    const attached = await firstValueFrom(client.attachProcess(handle.id));
    expect(emu.received.filter((m) => m.type === 'attach_process')).toEqual([]);
    const events = await lastValueFrom(attached.events$.pipe(toArray()));
    expect(events.map((e) => e.kind)).toEqual(['stdout', 'stdout', 'return']);
    // The original handle still ends with the terminal event (the queued ones went to the first subscriber).
    expect((await lastValueFrom(handle.events$.pipe(toArray()))).map((e) => e.kind)).toEqual(['return']);
  });

  it('once its events were taken, an attach asks the engine again (which no longer knows it)', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('quick@0.1.0', () => 'done');
    const client = await h.client(emu);
    const events = await lastValueFrom(client.launchProcess('quick@0.1.0', {}).pipe(toArray()));
    const error = await firstValueFrom(client.attachProcess(events[0]!.processId)).catch((e: unknown) => e);
    expect((error as Error).message).toBe('attach_process failed: Process not found');
  });
});

describe('idleTimeoutMs on process streams', () => {
  it('fails a silent launch with PieIdleTimeoutError and releases the process (terminate policy)', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('silent@0.1.0', (ctx) => new Promise((_, reject) => ctx.aborted.addEventListener('abort', () => reject(new Error('aborted')))));
    const client = await h.client(emu);
    const started = Date.now();
    const error = await lastValueFrom(
      client.launchProcess('silent@0.1.0', {}, { idleTimeoutMs: 150, onUnsubscribe: 'terminate' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PieIdleTimeoutError);
    expect((error as PieIdleTimeoutError).idleMs).toBe(150);
    expect((error as PieIdleTimeoutError).message).toMatch(/^process [0-9a-f-]{36}: no event within 150 ms$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await delay(50);
    expect(emu.received.filter((m) => m.type === 'terminate_process')).toHaveLength(1);
    expect(await firstValueFrom(client.listProcesses())).toEqual([]);
  });

  it('a stream that keeps talking is not cut, and a bad value is refused before sending', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('talk@0.1.0', async (ctx) => {
      for (let i = 0; i < 4; i++) {
        ctx.stdout(String(i));
        await new Promise((done) => setTimeout(done, 40));
      }
      return 'ok';
    });
    const client = await h.client(emu);
    const events = await lastValueFrom(client.launchProcess('talk@0.1.0', {}, { idleTimeoutMs: 120 }).pipe(toArray()));
    expect(events.map((e) => e.kind)).toEqual(['stdout', 'stdout', 'stdout', 'stdout', 'return']);
    await expect(firstValueFrom(client.launch('talk@0.1.0', {}, { idleTimeoutMs: -1 }))).rejects.toThrow('idleTimeoutMs must be a positive number');
    expect(emu.received.filter((m) => m.type === 'launch_process')).toHaveLength(1);
  });
});

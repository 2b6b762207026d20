// The `signal` option of every Pie operation, against the emulator over loopback: an
// aborted signal sends nothing, an abort while running cancels (a process stream is
// released with its `onUnsubscribe` policy, seen at the server), and no listener is left.
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { type Observable, firstValueFrom, lastValueFrom, tap } from 'rxjs';
import { delay, harness } from '../pie/client/helpers.js';
import type { PieClient } from '../../src/observables/pie/pie-client.js';
import type { PieEmulator } from '../../src/testing/pie/index.js';

const h = harness();
afterEach(() => h.cleanup());

const WASM = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
const MANIFEST = '[package]\nname = "tiny"\nversion = "1.0.0"\n';

/** Registers `wait@1.0.0` (runs until signalled or terminated) and records what the server saw end it. */
function waiting(emu: PieEmulator): { terminated: string[]; running: Set<string> } {
  const seen = { terminated: [] as string[], running: new Set<string>() };
  emu.registerInferlet('wait@1.0.0', async (ctx) => {
    seen.running.add(ctx.processId);
    ctx.aborted.addEventListener('abort', () => seen.terminated.push(ctx.processId));
    ctx.send('ready');
    try {
      return await ctx.nextSignal();
    } finally {
      seen.running.delete(ctx.processId);
    }
  });
  return seen;
}

async function until(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !check(); i++) await delay(20);
  return check();
}

const listeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;

/** Every operation of the client that sends something, given a signal. */
function operations(client: PieClient, signal: AbortSignal): Record<string, Observable<unknown>> {
  const id = '67e55044-10b1-426f-9247-bb680e5fe0c8';
  return {
    ping: client.ping({ signal }),
    query: client.query('model_status', '', { signal }),
    modelStatus: client.modelStatus({ signal }),
    listProcesses: client.listProcesses({ signal }),
    checkProgram: client.checkProgram('wait@1.0.0', { signal }),
    addProgram: client.addProgram({ wasm: WASM, manifest: MANIFEST, signal }),
    installProgram: client.installProgram({ wasm: WASM, manifest: MANIFEST, signal }),
    launch: client.launch('wait@1.0.0', {}, { signal }),
    launchProcess: client.launchProcess('wait@1.0.0', {}, { signal }),
    launchProcesses: client.launchProcesses('wait@1.0.0', [{}], { signal }),
    runProcesses: client.runProcesses('wait@1.0.0', [{}], { signal }),
    launchDaemon: client.launchDaemon('wait@1.0.0', 8089, undefined, { signal }),
    attachProcess: client.attachProcess(id, { signal }),
    terminateProcess: client.terminateProcess(id, { signal }),
    signalProcess: client.signalProcess(id, 'go', { signal }),
    submitWorkflow: client.submitWorkflow({ type: 'literal', value: 1 }, { signal }),
    attachWorkflow: client.attachWorkflow(id, { signal }),
    registerMcpServer: client.registerMcpServer('files', { command: 'node', args: ['-e', ''] }, { signal }),
  };
}

describe('Pie operations take an AbortSignal', () => {
  it('an aborted signal fails every operation at once with its reason and sends nothing', async () => {
    const emu = await h.emulator();
    waiting(emu);
    const client = await h.client(emu);
    const before = emu.received.length;
    const reason = new Error('not wanted');
    const signal = AbortSignal.abort(reason);
    for (const [name, operation] of Object.entries(operations(client, signal))) {
      await expect(firstValueFrom(operation), name).rejects.toBe(reason);
    }
    await delay(50);
    expect(emu.received.slice(before).map((m) => m.type)).toEqual([]);
    expect(listeners(signal)).toBe(0);
  });

  it('aborting a process stream with onUnsubscribe "terminate" terminates it at the engine', async () => {
    const emu = await h.emulator();
    const seen = waiting(emu);
    const client = await h.client(emu);
    const controller = new AbortController();
    const events = client.launchProcess('wait@1.0.0', {}, { onUnsubscribe: 'terminate', signal: controller.signal });
    const ended = lastValueFrom(events);
    await until(() => seen.running.size === 1);
    const [id] = [...seen.running];
    controller.abort(new Error('user left'));
    await expect(ended).rejects.toThrow('user left');
    expect(await until(() => seen.terminated.includes(id!))).toBe(true);
    expect(emu.received.some((m) => m.type === 'terminate_process' && m.process_id === id)).toBe(true);
    expect(await firstValueFrom(client.listProcesses())).toEqual([]);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('aborting a process stream by default detaches: the process keeps running, nothing is terminated', async () => {
    const emu = await h.emulator();
    const seen = waiting(emu);
    const client = await h.client(emu);
    const controller = new AbortController();
    const ended = lastValueFrom(client.launchProcess('wait@1.0.0', {}, { signal: controller.signal }));
    await until(() => seen.running.size === 1);
    const [id] = [...seen.running];
    controller.abort();
    await expect(ended).rejects.toMatchObject({ name: 'AbortError' });
    await delay(100);
    expect(emu.received.some((m) => m.type === 'terminate_process')).toBe(false);
    expect((await firstValueFrom(client.listProcesses())).map((p) => p.id)).toEqual([id]);
    expect(seen.terminated).toEqual([]);
    await firstValueFrom(client.terminateProcess(id!));
  });

  it('aborting `launch` before the engine answered terminates the process it then creates', async () => {
    const emu = await h.emulator();
    const seen = waiting(emu);
    const client = await h.client(emu);
    emu.delayReplies(300);
    const controller = new AbortController();
    const launched = firstValueFrom(client.launch('wait@1.0.0', {}, { onUnsubscribe: 'terminate', signal: controller.signal }));
    await until(() => emu.received.some((m) => m.type === 'launch_process'));
    controller.abort(new Error('too slow'));
    await expect(launched).rejects.toThrow('too slow');
    expect(await until(() => seen.terminated.length === 1)).toBe(true);
    expect(emu.received.filter((m) => m.type === 'terminate_process').length).toBe(1);
  });

  it('aborting `submitWorkflow` before the engine answered cancels the workflow it then creates', async () => {
    const emu = await h.emulator();
    waiting(emu);
    const client = await h.client(emu);
    emu.delayReplies(300);
    const controller = new AbortController();
    const submitted = firstValueFrom(client.submitWorkflow({ type: 'process', program_name: 'wait@1.0.0' }, { signal: controller.signal }));
    await until(() => emu.received.some((m) => m.type === 'submit_workflow'));
    controller.abort(new Error('too slow'));
    await expect(submitted).rejects.toThrow('too slow');
    expect(await until(() => emu.received.some((m) => m.type === 'cancel_workflow'))).toBe(true);
    expect(emu.received.filter((m) => m.type === 'cancel_workflow').length).toBe(1);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('aborting an upload after its first chunk sends no further chunk and stores nothing', async () => {
    const emu = await h.emulator();
    const client = await h.client(emu);
    const controller = new AbortController();
    const big = new Uint8Array(16 * 1024 * 1024).fill(7);
    const manifest = '[package]\nname = "big"\nversion = "1.0.0"\n';
    const done = new Promise<unknown>((resolve) =>
      client.addProgram({ wasm: big, manifest, signal: controller.signal }).subscribe({
        next: () => controller.abort(new Error('upload cancelled')),
        error: resolve,
        complete: () => resolve('completed'),
      }),
    );
    expect(await done).toMatchObject({ message: 'upload cancelled' });
    await delay(300);
    const sent = emu.received.filter((m) => m.type === 'add_program').length;
    expect(sent).toBe(1); // of the 64 chunks of 256 KiB that make the whole program
    expect(await firstValueFrom(client.checkProgram('big@1.0.0'))).toBe(false);
  });

  it("aborting a handle's file transfer after its first chunk sends no further chunk", async () => {
    const emu = await h.emulator();
    emu.registerInferlet('sink@1.0.0', async (ctx) => {
      ctx.send('ready');
      await ctx.receiveFile();
      return 'received';
    });
    const client = await h.client(emu);
    const process = await firstValueFrom(client.launch('sink@1.0.0', {}, { onUnsubscribe: 'terminate' }));
    const controller = new AbortController();
    const transfer = new Promise<unknown>((resolve) =>
      process.events$.subscribe({
        next: (event) => {
          if (event.kind !== 'message') return;
          process.transferFile(new Uint8Array(4 * 1024 * 1024), { signal: controller.signal }).subscribe({
            next: () => controller.abort(new Error('transfer cancelled')),
            error: resolve,
            complete: () => resolve('completed'),
          });
        },
        error: () => undefined, // the terminate at the end fails the stream with Signal
      }),
    );
    expect(await transfer).toMatchObject({ message: 'transfer cancelled' });
    await delay(200);
    expect(emu.received.filter((m) => m.type === 'transfer_file')).toHaveLength(1); // of 16 chunks
    expect(listeners(controller.signal)).toBe(0);
    await firstValueFrom(process.terminate());
  });

  it('aborting a pending request errors it at once; the late reply is ignored and the client goes on', async () => {
    const emu = await h.emulator();
    const client = await h.client(emu);
    emu.delayReplies(400);
    const controller = new AbortController();
    const pending = firstValueFrom(client.ping({ signal: controller.signal }));
    await until(() => emu.received.some((m) => m.type === 'ping'));
    controller.abort(new Error('enough')); // the reply is still 400 ms away: without the abort, ping would resolve
    await expect(pending).rejects.toThrow('enough');
    emu.delayReplies(0);
    await delay(450);
    expect(typeof (await firstValueFrom(client.ping()))).toBe('number');
    expect(listeners(controller.signal)).toBe(0);
  });

  it('handle operations take a signal too, and no listener is left once operations complete', async () => {
    const emu = await h.emulator();
    waiting(emu);
    const client = await h.client(emu);
    const { signal } = new AbortController();
    expect(typeof (await firstValueFrom(client.ping({ signal })))).toBe('number');
    await firstValueFrom(client.modelStatus({ signal }));
    await firstValueFrom(client.listProcesses({ signal }));
    const process = await firstValueFrom(client.launch('wait@1.0.0', {}, { signal }));
    const last = await lastValueFrom(
      process.events$.pipe(tap((e) => e.kind === 'message' && process.signal('go', { signal }).subscribe())),
    );
    expect(last).toMatchObject({ kind: 'return', value: 'go' });
    const streamed = await lastValueFrom(
      client
        .launchProcess('wait@1.0.0', {}, { signal })
        .pipe(tap((e) => e.kind === 'message' && client.signalProcess(e.processId, 'again', { signal }).subscribe())),
    );
    expect(streamed).toMatchObject({ kind: 'return', value: 'again' });
    await expect(firstValueFrom(process.terminate({ signal: AbortSignal.abort(new Error('no')) }))).rejects.toThrow('no');
    expect(listeners(signal)).toBe(0);
  });
});

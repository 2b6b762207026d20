// The `signal` option of Flame operations over loopback against the emulator: an aborted
// signal sends nothing, an abort while running errors with the reason and the call is
// cancelled at the server (unary, server stream, 0.7's shared bidi WatchTasks stream,
// cache calls), and no listener is left on the signal afterwards.
import { getEventListeners } from 'node:events';
import { range } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FlameClient } from '../../src/flame.js';
import { FlameCache } from '../../src/flame-cache.js';
import { runAll } from '../../src/index.js';
import { firstValue, lastValue } from '../../src/interop/promise.js';
import { FlameCacheEmulator, FlameEmulator } from '../../src/testing.js';
import { type EmulatorAndClient, eventually, gate, one, startEmulatorAndClient } from '../flame/client/emulator-fixture.js';

const listeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;

let emu: FlameEmulator;
let client: FlameClient;
beforeAll(async () => {
  emu = await FlameEmulator.start();
  client = FlameClient.connect({ endpoint: emu.endpoint, env: {} });
});
afterAll(async () => {
  client.close();
  await emu.close();
});

const cancelledAtServer = async (method: string): Promise<boolean> => {
  for (let i = 0; i < 100; i++) {
    if (emu.cancelledCalls.some((c) => c.method.toLowerCase() === method.toLowerCase())) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
};

describe('the `signal` call option of Flame operations', () => {
  it('aborting a unary call errors it with the reason and cancels it at the server', async () => {
    emu.delayNext(1, 5_000, { method: 'GetApplication' });
    const controller = new AbortController();
    const pending = firstValue(client.getApplication('flmping', { signal: controller.signal }));
    await new Promise((r) => setTimeout(r, 200));
    controller.abort(new Error('no longer needed'));
    await expect(pending).rejects.toThrow('no longer needed');
    expect(await cancelledAtServer('GetApplication')).toBe(true);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('an already aborted signal never starts the call; without a signal nothing changes', async () => {
    const before = emu.calls.length;
    const signal = AbortSignal.abort(new Error('early'));
    await expect(firstValue(client.listApplications({ signal }))).rejects.toThrow('early');
    await expect(firstValue(client.watchTask('nope', '1', { signal }))).rejects.toThrow('early');
    await expect(firstValue(client.sessionStatus('nope', { signal }))).rejects.toThrow('early');
    await expect(firstValue(client.runTask('nope', undefined, { signal }))).rejects.toThrow('early');
    await expect(firstValue(client.invoke('nope', undefined, { signal }))).rejects.toThrow('early');
    await expect(firstValue(client.detectVersion({ signal }))).rejects.toThrow('early');
    expect(emu.calls.length).toBe(before);
    expect((await firstValue(client.listApplications())).length).toBeGreaterThan(0);
  });

  it('a completed operation leaves no listener on its signal', async () => {
    const { signal } = new AbortController();
    emu.handle('echo-signal', (input) => input ?? new Uint8Array());
    const session = await firstValue(client.createSession('echo-signal', { signal }));
    await firstValue(client.listApplications({ signal }));
    await firstValue(client.getSession(session.id, { signal }));
    await lastValue(session.runTask(new Uint8Array([1]), { signal }));
    await firstValue(session.invoke(new Uint8Array([2]), { signal }));
    await lastValue(client.listTasks(session.id, { signal }));
    await lastValue(range(0, 3).pipe(runAll(() => session.invoke(new Uint8Array([3])), { signal })));
    expect(listeners(signal)).toBe(0);
  });

  it('aborting a 0.6 watch cancels its WatchTask stream at the server', async () => {
    emu.registerApplication('never-served');
    const session = await firstValue(client.createSession('never-served'));
    const task = await firstValue(session.createTask());
    const controller = new AbortController();
    const states: string[] = [];
    const watched = lastValue(client.watchTask(session.id, task.id, { signal: controller.signal }), { defaultValue: undefined });
    const watching = client.watchTask(session.id, task.id).subscribe((t) => states.push(t.state));
    await eventually(() => emu.openStreams === 2);
    const before = emu.cancelledCalls.filter((c) => c.method === 'watchTask').length;
    controller.abort(new Error('stop watching'));
    await expect(watched).rejects.toThrow('stop watching');
    await eventually(() => emu.cancelledCalls.filter((c) => c.method === 'watchTask').length === before + 1);
    expect(emu.openStreams).toBe(1);
    watching.unsubscribe();
    expect(listeners(controller.signal)).toBe(0);
  });

  it('aborting runTask while its CreateTask is in flight cancels that call at the server', async () => {
    emu.registerApplication('slow-create');
    const session = await firstValue(client.createSession('slow-create'));
    const creates = emu.calls.filter((c) => c.method === 'createTask').length;
    emu.delayNext(1, 5_000, { method: 'CreateTask' });
    const controller = new AbortController();
    const pending = lastValue(session.runTask(new Uint8Array([1]), { signal: controller.signal }));
    await eventually(() => emu.calls.filter((c) => c.method === 'createTask').length === creates + 1);
    controller.abort(new Error('never mind'));
    await expect(pending).rejects.toThrow('never mind');
    expect(await cancelledAtServer('createTask')).toBe(true);
  });

  it('aborting during the version probe ends the wait; the shared probe goes on for the others', async () => {
    const fresh = await FlameEmulator.start();
    const other = FlameClient.connect({ endpoint: fresh.endpoint, env: {} });
    try {
      // 0.6: ListApplications is UNIMPLEMENTED at once; ListApplication, the second probe, is slow.
      fresh.delayNext(1, 400, { method: 'ListApplication' });
      const controller = new AbortController();
      const mine = firstValue(other.listSessions({ signal: controller.signal }));
      const theirs = firstValue(other.listSessions());
      await new Promise((r) => setTimeout(r, 100));
      controller.abort(new Error('gone'));
      await expect(mine).rejects.toThrow('gone');
      expect(await theirs).toEqual([]);
      expect(other.version).toBe('0.6');
    } finally {
      other.close();
      await fresh.close();
    }
  });
});

describe('the `signal` of a watch on Flame 0.7 (the shared bidi WatchTasks stream)', () => {
  let env: EmulatorAndClient | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('aborting the last watch of a Pending task cancels the shared stream at the server', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    const { emu: emu07, client: client07 } = env;
    emu07.registerApplication('unserved');
    const session = await one(client07.createSession('unserved'));
    const task = await one(session.createTask());
    const controller = new AbortController();
    let seen = 0;
    const watched = new Promise<unknown>((resolve) =>
      client07.watchTask(session.id, task.id, { signal: controller.signal }).subscribe({ next: () => seen++, error: resolve }),
    );
    await eventually(() => seen === 1 && emu07.openWatchTasksStreams === 1);
    controller.abort(new Error('enough'));
    expect(await watched).toMatchObject({ message: 'enough' });
    await eventually(() => emu07.cancelledCalls.some((c) => c.method === 'watchTasks'));
    expect(emu07.openWatchTasksStreams).toBe(0);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('aborting one of two watches keeps the stream for the other', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    const { emu: emu07, client: client07 } = env;
    const hold = gate();
    emu07.handle('held', async (input) => {
      await hold.opened;
      return input;
    });
    const session = await one(client07.createSession('held'));
    const task = await one(session.createTask());
    const controller = new AbortController();
    const aborted = lastValue(client07.watchTask(session.id, task.id, { signal: controller.signal }));
    const kept = lastValue(client07.watchTask(session.id, task.id));
    await eventually(() => emu07.openWatchTasksStreams === 1);
    controller.abort(new Error('one less'));
    await expect(aborted).rejects.toThrow('one less');
    hold.open();
    expect(await kept).toMatchObject({ state: 'Succeed' });
    expect(emu07.cancelledCalls.filter((c) => c.method === 'watchTasks')).toHaveLength(0);
  });
});

describe('the `signal` of object cache calls', () => {
  for (const version of ['0.6', '0.7'] as const) {
    it(`${version}: aborting a get in flight cancels it at the server; an aborted signal sends nothing`, async () => {
      const cacheEmu = await FlameCacheEmulator.start({ version });
      const cache = new FlameCache(cacheEmu.endpoint, { version });
      try {
        const ref = await firstValue(cache.put('app/signal', new TextEncoder().encode('payload')));
        const before = cacheEmu.cancelledCalls.length;
        cacheEmu.delayNext(1, 3_000, { method: version === '0.7' ? 'Get' : 'DoGet' });
        const controller = new AbortController();
        const pending = firstValue(cache.get(ref, { signal: controller.signal }));
        await eventually(() => cacheEmu.openCalls > 0);
        controller.abort(new Error('cache abort'));
        await expect(pending).rejects.toThrow('cache abort');
        await eventually(() => cacheEmu.cancelledCalls.length > before);
        expect(listeners(controller.signal)).toBe(0);
        const calls = cacheEmu.calls.length;
        const signal = AbortSignal.abort(new Error('early'));
        await expect(firstValue(cache.list({ signal }))).rejects.toThrow('early');
        await expect(firstValue(cache.metadata(ref, { signal }))).rejects.toThrow('early');
        await expect(firstValue(cache.delete('app/*', { signal }), { defaultValue: undefined })).rejects.toThrow('early');
        expect(cacheEmu.calls.length).toBe(calls);
      } finally {
        cache.close();
        await cacheEmu.close();
      }
    });
  }
});

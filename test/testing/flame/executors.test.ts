// Executors kept per session (minInstances / session min_instances) and released after
// delay_release (flame.md 3.5, 5.1), observed through ListExecutor over loopback.
import { afterEach, describe, expect, it } from 'vitest';
import type { RawFrontendClient as FrontendClient } from './helpers.js';
import { ExecutorState, TaskState, type Executor } from '../../../src/gen/flame/v1/types.js';
import { FlameEmulatorError } from '../../../src/testing/flame/index.js';
import { call, collect, defaultSpec, eventually, startHarness, type Harness } from './helpers.js';

async function boundTo(client: FrontendClient, sessionId: string): Promise<Executor[]> {
  const list = await call(client, 'listExecutor', {});
  return list.executors.filter((e) => e.status!.sessionId === sessionId);
}

const ids = (executors: Executor[]) => executors.map((e) => e.metadata!.id).sort();

/** A handler that holds every task until `release()` is called. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let running = 0;
  return {
    handler: async () => {
      running++;
      await opened;
      running--;
      return 'done';
    },
    get running() {
      return running;
    },
    release: () => open(),
  };
}

describe('executors kept and released', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('keeps minInstances executors bound without work, adds more for tasks, releases the extra ones after delayReleaseMs', async () => {
    h = await startHarness({ nodeName: 'node-a' });
    const tasks = gate();
    h.emu.handle('warm', tasks.handler, { minInstances: 2, maxInstances: 4, delayReleaseMs: 500 });
    await call(h.client, 'createSession', { sessionId: 'w', session: defaultSpec('warm') });

    // Before any task: exactly two executors, bound to the session.
    await eventually(async () => (await boundTo(h.client, 'w')).length === 2, 'two warm executors');
    const warm = await boundTo(h.client, 'w');
    for (const executor of warm) {
      expect(executor.status!.state).toBe(ExecutorState.ExecutorBound);
      expect(executor.spec!.node).toBe('node-a');
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(ids(await boundTo(h.client, 'w'))).toEqual(ids(warm));

    // Four tasks at once: the warm executors plus two more.
    for (let i = 0; i < 4; i++) await call(h.client, 'createTask', { task: { affinity: [], sessionId: 'w' } });
    await eventually(async () => tasks.running === 4, 'four running tasks');
    const busy = await boundTo(h.client, 'w');
    expect(busy).toHaveLength(4);
    expect(ids(busy)).toEqual(expect.arrayContaining(ids(warm)));

    tasks.release();
    const watched = await Promise.all(
      ['1', '2', '3', '4'].map((taskId) => collect(h.client.watchTask({ sessionId: 'w', taskId }))),
    );
    for (const w of watched) expect(w.messages.at(-1)!.status!.state).toBe(TaskState.Succeed);

    // Right after the tasks, all four are still bound; after delayReleaseMs only two remain.
    expect(await boundTo(h.client, 'w')).toHaveLength(4);
    await eventually(async () => (await boundTo(h.client, 'w')).length === 2, 'release down to two');
    await new Promise((r) => setTimeout(r, 600));
    const kept = await boundTo(h.client, 'w');
    expect(kept).toHaveLength(2);
    expect(kept.every((e) => e.status!.state === ExecutorState.ExecutorBound)).toBe(true);

    // Closing the session unbinds them all.
    await call(h.client, 'closeSession', { sessionId: 'w' });
    expect(await boundTo(h.client, 'w')).toEqual([]);
    expect((await call(h.client, 'listExecutor', {})).executors).toEqual([]);
  });

  it('takes the larger of minInstances and the session min_instances, capped by max_instances', async () => {
    h = await startHarness();
    h.emu.handle('m', () => 'ok', { minInstances: 2 });
    await call(h.client, 'createSession', { sessionId: 'plain', session: defaultSpec('m') });
    await call(h.client, 'createSession', { sessionId: 'more', session: defaultSpec('m', { minInstances: 3 }) });
    await call(h.client, 'createSession', { sessionId: 'capped', session: defaultSpec('m', { maxInstances: 1 }) });
    await eventually(async () => (await call(h.client, 'listExecutor', {})).executors.length === 6, 'six executors');
    await new Promise((r) => setTimeout(r, 50));
    expect(await boundTo(h.client, 'plain')).toHaveLength(2);
    expect(await boundTo(h.client, 'more')).toHaveLength(3);
    expect(await boundTo(h.client, 'capped')).toHaveLength(1);

    // A session's own min_instances keeps executors even when the handler asks for none.
    h.emu.handle('solo', () => 'ok');
    await call(h.client, 'createSession', { sessionId: 'own', session: defaultSpec('solo', { minInstances: 1 }) });
    await eventually(async () => (await boundTo(h.client, 'own')).length === 1, 'the session minimum');
  });

  it('defaults the release delay to the application delay_release and binds again for new work', async () => {
    h = await startHarness();
    h.emu.registerApplication('quick', { delayRelease: 0n });
    h.emu.handle('quick', () => 'ok', { maxInstances: 2, delayMs: 20 });
    await call(h.client, 'createSession', { sessionId: 'q', session: defaultSpec('quick') });
    expect(await boundTo(h.client, 'q')).toEqual([]);
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 'q' } });
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 'q' } });
    await eventually(async () => (await boundTo(h.client, 'q')).length === 2, 'two executors for the work');
    await collect(h.client.watchTask({ sessionId: 'q', taskId: '2' }));
    await eventually(async () => (await boundTo(h.client, 'q')).length === 0, 'release at delay_release 0');

    const again = await call(h.client, 'createTask', { task: { affinity: [], sessionId: 'q' } });
    const watched = await collect(h.client.watchTask({ sessionId: 'q', taskId: again.metadata!.id }));
    expect(watched.messages.at(-1)!.status!.state).toBe(TaskState.Succeed);
    await eventually(async () => (await boundTo(h.client, 'q')).length === 0, 'release after the new task');
  });

  it('keeps executors bound for the default 60 s delay_release after tasks finish', async () => {
    h = await startHarness();
    h.emu.handle('steady', () => 'ok', { maxInstances: 1 });
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('steady') });
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } });
    await collect(h.client.watchTask({ sessionId: 's', taskId: '1' }));
    await new Promise((r) => setTimeout(r, 100));
    const bound = await boundTo(h.client, 's');
    expect(bound).toHaveLength(1);
    expect(bound[0]!.status!.state).toBe(ExecutorState.ExecutorBound);
  });

  it('binds the minimum again after executor loss and after a restart', async () => {
    h = await startHarness();
    h.emu.handle('warm', () => 'ok', { minInstances: 2 });
    await call(h.client, 'createSession', { sessionId: 'w', session: defaultSpec('warm') });
    await eventually(async () => (await boundTo(h.client, 'w')).length === 2, 'two warm executors');
    const first = ids(await boundTo(h.client, 'w'));

    expect(h.emu.loseExecutor('w')).toBe(0);
    await eventually(async () => (await boundTo(h.client, 'w')).length === 2, 'two executors after loss');
    const second = ids(await boundTo(h.client, 'w'));
    expect(second.some((id) => first.includes(id))).toBe(false);

    await h.emu.restart();
    await eventually(async () => (await boundTo(h.client, 'w')).length === 2, 'two executors after restart');
    expect(ids(await boundTo(h.client, 'w')).some((id) => second.includes(id))).toBe(false);
  });

  it('unbinds the minimum when the session is deleted after closing', async () => {
    h = await startHarness();
    h.emu.handle('warm', () => 'ok', { minInstances: 1 });
    await call(h.client, 'createSession', { sessionId: 'w', session: defaultSpec('warm') });
    await eventually(async () => (await boundTo(h.client, 'w')).length === 1, 'one warm executor');
    await call(h.client, 'closeSession', { sessionId: 'w' });
    await call(h.client, 'deleteSession', { sessionId: 'w' });
    await new Promise((r) => setTimeout(r, 30));
    expect((await call(h.client, 'listExecutor', {})).executors).toEqual([]);
  });

  it('rejects a bad minInstances or delayReleaseMs with FlameEmulatorError', async () => {
    h = await startHarness();
    expect(() => h.emu.handle('x', () => 'ok', { minInstances: -1 })).toThrow(FlameEmulatorError);
    expect(() => h.emu.handle('x', () => 'ok', { minInstances: 1.5 })).toThrow(/minInstances must be a non-negative integer/);
    expect(() => h.emu.handle('x', () => 'ok', { delayReleaseMs: -5 })).toThrow(/delayReleaseMs must be a non-negative number/);
    expect(() => h.emu.handle('x', () => 'ok', { delayReleaseMs: Number.NaN })).toThrow(FlameEmulatorError);
  });
});

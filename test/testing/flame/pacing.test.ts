// The emulator's pacing option (pacing.ts): executors bound one per session per scheduling
// interval up to the cluster's count, a least per-task turnaround, and CreateTask latency.
import { afterEach, describe, expect, it } from 'vitest';
import { TaskState } from '../../../src/gen/flame/v1/types.js';
import { FlameEmulator, FlameEmulatorError } from '../../../src/testing/flame/index.js';
import { call, collect, defaultSpec, startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('FlameEmulator pacing', () => {
  it('binds one executor per session per interval, up to the cluster executors, and answers CreateTask late', async () => {
    h = await startHarness({ pacing: { executors: 3, taskTurnaroundMs: 20, scheduleIntervalMs: 100, createTaskLatencyMs: 20 } });
    h.emu.handle('paced', () => 'ok');
    await call(h.client, 'createSession', { sessionId: 'p', session: defaultSpec('paced') });
    const before = Date.now();
    await call(h.client, 'createTask', { task: { sessionId: 'p', affinity: [] } });
    expect(Date.now() - before).toBeGreaterThanOrEqual(19);
    await Promise.all(Array.from({ length: 29 }, () => call(h!.client, 'createTask', { task: { sessionId: 'p', affinity: [] } })));
    // Unpaced, 30 pending tasks would bind an executor each at once; paced, one per interval.
    const counts: number[] = [];
    const sampling = setInterval(() => {
      void call(h!.client, 'listExecutor', {}).then((list) => counts.push(list.executors.length));
    }, 10);
    const last = await collect(h.client.watchTask({ sessionId: 'p', taskId: '30' }));
    clearInterval(sampling);
    expect(last.messages.at(-1)!.status!.state).toBe(TaskState.Succeed);
    expect(counts[0]).toBeLessThanOrEqual(2);
    expect(Math.max(...counts)).toBe(3);
    // 30 tasks of >= 20 ms on at most 3 executors bound 100 ms apart take well over 200 ms.
    expect(Date.now() - before).toBeGreaterThanOrEqual(200);
  });

  it('rejects a bad pacing value with FlameEmulatorError', async () => {
    await expect(FlameEmulator.start({ pacing: { executors: 0 } })).rejects.toThrow(FlameEmulatorError);
    await expect(FlameEmulator.start({ pacing: { scheduleIntervalMs: -1 } })).rejects.toThrow(FlameEmulatorError);
  });
});

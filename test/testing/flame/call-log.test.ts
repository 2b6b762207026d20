// The bounded call log: `calls` and `cancelledCalls` keep only the `callLogLimit` most recent
// entries; nothing else stays behind per finished call or task.
import { afterEach, describe, expect, it } from 'vitest';
import { TaskState } from '../../../src/gen/flame/v1/types.js';
import { FlameEmulator, FlameEmulatorError } from '../../../src/testing/flame/index.js';
import { call, callError, collect, defaultSpec, eventually, open, startHarness, until, type Harness } from './helpers.js';

describe('call log limit', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('keeps only the most recent callLogLimit calls, oldest first, with their requests', async () => {
    h = await startHarness({ callLogLimit: 3 });
    for (const name of ['a', 'b', 'c', 'd', 'e']) await callError(h.client, 'getApplication', { name });
    expect(h.emu.calls.map((c) => c.method)).toEqual(['getApplication', 'getApplication', 'getApplication']);
    expect(h.emu.calls.map((c) => (c.request as { name: string }).name)).toEqual(['c', 'd', 'e']);
    await call(h.client, 'listApplication', {});
    expect(h.emu.calls.map((c) => c.method)).toEqual(['getApplication', 'getApplication', 'listApplication']);
  });

  it('keeps no calls with callLogLimit 0, and every call below the default limit', async () => {
    h = await startHarness({ callLogLimit: 0 });
    await call(h.client, 'listApplication', {});
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('flmping') });
    expect(h.emu.calls).toEqual([]);
    await h.close();

    h = await startHarness();
    for (let i = 0; i < 40; i++) await call(h.client, 'listApplication', {});
    expect(h.emu.calls).toHaveLength(40);
  });

  it('applies the same limit to cancelled calls', async () => {
    h = await startHarness({ callLogLimit: 2 });
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('flmping') });
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } });
    for (let i = 1; i <= 3; i++) {
      const w = open(h.client.watchTask({ sessionId: 's', taskId: '1' }));
      await until(() => h!.emu.openStreams === 1, 'the watch');
      w.stream.cancel();
      await until(() => h!.emu.openStreams === 0, 'the cancellation');
    }
    expect(h.emu.cancelledCalls).toHaveLength(2);
    expect(h.emu.cancelledCalls.every((c) => c.method === 'watchTask')).toBe(true);
    expect(h.emu.calls.map((c) => c.method)).toEqual(['watchTask', 'watchTask']);
  });

  it('leaves no streams or executors behind after many finished tasks', async () => {
    h = await startHarness({ callLogLimit: 10 });
    h.emu.handle('many', (input) => input, { maxInstances: 2, delayReleaseMs: 0 });
    await call(h.client, 'createSession', { sessionId: 'm', session: defaultSpec('many') });
    const watches = [];
    for (let i = 1; i <= 30; i++) {
      await call(h.client, 'createTask', { task: { affinity: [], sessionId: 'm', input: Buffer.from(`${i}`) } });
      watches.push(collect(h.client.watchTask({ sessionId: 'm', taskId: `${i}` })));
    }
    const outcomes = await Promise.all(watches);
    expect(outcomes.every((o) => o.messages.at(-1)!.status!.state === TaskState.Succeed)).toBe(true);
    await until(() => h!.emu.openStreams === 0, 'the watches to end');
    const session = await call(h.client, 'getSession', { sessionId: 'm' });
    expect(session.status!.succeed).toBe(30);
    await eventually(async () => (await call(h!.client, 'listExecutor', {})).executors.length === 0, 'release');
    expect(h.emu.calls.length).toBe(10);
  });

  it('rejects an invalid callLogLimit with FlameEmulatorError', async () => {
    await expect(FlameEmulator.start({ callLogLimit: -1 })).rejects.toBeInstanceOf(FlameEmulatorError);
    await expect(FlameEmulator.start({ callLogLimit: 2.5 })).rejects.toThrow(/callLogLimit must be/);
    await expect(FlameEmulator.start({ callLogLimit: Number.NaN })).rejects.toThrow(FlameEmulatorError);
  });
});

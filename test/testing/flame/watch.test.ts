// WatchTask against flame.md 3.4.13.
import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskState } from '../../../src/gen/flame/v1/types.js';
import { call, collect, defaultSpec, open, startHarness, until, type Harness } from './helpers.js';

describe('WatchTask', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('flmping') });
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } });
  });
  afterEach(() => h.close());

  it('rejects a non-integer task id with INVALID_ARGUMENT before streaming', async () => {
    const out = await collect(h.client.watchTask({ sessionId: 's', taskId: 'x' }));
    expect(out).toEqual({ messages: [], code: status.INVALID_ARGUMENT, details: 'invalid task id' });
  });

  it('ends immediately with OK and no message for an unknown session or task', async () => {
    expect(await collect(h.client.watchTask({ sessionId: 'nope', taskId: '1' }))).toEqual({
      messages: [],
      code: status.OK,
      details: 'OK',
    });
    const unknownTask = await collect(h.client.watchTask({ sessionId: 's', taskId: '42' }));
    expect([unknownTask.messages.length, unknownTask.code]).toEqual([0, status.OK]);
  });

  it('does not send the current state first; sends each new state and ends after the terminal one', async () => {
    const w = open(h.client.watchTask({ sessionId: 's', taskId: '1' }));
    await until(() => h.emu.openStreams === 1, 'the watch to be open');
    h.emu.setTaskState('s', 1, 'Running');
    await until(() => w.messages.length === 1, 'the Running message');
    expect(w.messages[0]!.status!.state).toBe(TaskState.Running);
    h.emu.setTaskState('s', 1, 'Failed', { message: 'boom' });
    const out = await w.done;
    expect(out.code).toBe(status.OK);
    expect(out.messages.map((t) => t.status!.state)).toEqual([TaskState.Running, TaskState.Failed]);
    // The failure message is only available through GetTask.
    expect(out.messages[1]!.status!.events).toEqual([]);
    const task = await call(h.client, 'getTask', { sessionId: 's', taskId: '1' });
    expect(task.status!.events.at(-1)).toMatchObject({ code: 3, message: 'boom' });
    expect(h.emu.openStreams).toBe(0);
  });

  it('sends exactly one message for a task that is already terminal', async () => {
    h.emu.setTaskState('s', 1, 'Succeed', { output: 'done' });
    const out = await collect(h.client.watchTask({ sessionId: 's', taskId: '1' }));
    expect(out.code).toBe(status.OK);
    expect(out.messages).toHaveLength(1);
    expect(out.messages[0]!.status!.state).toBe(TaskState.Succeed);
    expect(out.messages[0]!.spec!.output!.toString()).toBe('done');
  });

  it('delivers Cancelled on CloseSession and ends; several watchers all see it', async () => {
    const watchers = [1, 2, 3].map(() => open(h.client.watchTask({ sessionId: 's', taskId: '1' })));
    await until(() => h.emu.openStreams === 3, 'three watches');
    await call(h.client, 'closeSession', { sessionId: 's' });
    for (const w of watchers) {
      const out = await w.done;
      expect(out.code).toBe(status.OK);
      expect(out.messages.map((t) => t.status!.state)).toEqual([TaskState.Cancelled]);
      expect(out.messages[0]!.status!.completionTime).toBeDefined();
    }
  });

  it('ends with OK and zero messages when the session disappears', async () => {
    // Deletion needs terminal tasks, whose watches have already ended; a closed session with a
    // (forced) non-terminal task vanishes through UnregisterApplication instead.
    await call(h.client, 'registerApplication', {
      name: 'tmp',
      application: { shim: 0, labels: [], arguments: [], environments: [] },
    });
    await call(h.client, 'createSession', { sessionId: 'd', session: defaultSpec('tmp') });
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 'd' } });
    await call(h.client, 'closeSession', { sessionId: 'd' });
    h.emu.setTaskState('d', 1, 'Pending');
    const w = open(h.client.watchTask({ sessionId: 'd', taskId: '1' }));
    await until(() => h.emu.openStreams === 1, 'the watch');
    expect(await call(h.client, 'unregisterApplication', { name: 'tmp' })).toEqual({ returnCode: 0 });
    expect(await w.done).toEqual({ messages: [], code: status.OK, details: 'OK' });
  });

  it('breaks with UNAVAILABLE on restart, which resets Running to Pending silently', async () => {
    const w = open(h.client.watchTask({ sessionId: 's', taskId: '1' }));
    await until(() => h.emu.openStreams === 1, 'the watch');
    h.emu.setTaskState('s', 1, 'Running');
    await until(() => w.messages.length === 1, 'Running');
    await h.emu.restart(); // Running → Pending silently; the stream breaks with UNAVAILABLE
    const out = await w.done;
    expect(out.code).toBe(status.UNAVAILABLE);
    expect(out.messages.map((t) => t.status!.state)).toEqual([TaskState.Running]);
    const task = await call(h.client, 'getTask', { sessionId: 's', taskId: '1' });
    expect(task.status!.state).toBe(TaskState.Pending);
    expect(task.status!.events.map((e) => e.code)).toEqual([0, 1]);
  });
});

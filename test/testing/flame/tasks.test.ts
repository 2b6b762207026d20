// Task RPCs against flame.md 3.3.2, 3.3.5, 3.4.11, 3.4.12, 3.4.14 (filesystem profile).
import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskState } from '../../../src/gen/flame/v1/types.js';
import { bytes, call, callError, collect, defaultSpec, startHarness, type Harness } from './helpers.js';

describe('task RPCs', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('flmping') });
  });
  afterEach(() => h.close());

  it('creates Pending tasks numbered 1, 2, 3 with empty events; output is ignored', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const task = await call(h.client, 'createTask', {
        task: { affinity: [], sessionId: 's', input: bytes(`in${i}`), output: bytes('ignored') },
      });
      expect(task.metadata!.id).toBe(task.metadata!.name);
      expect(task.status!.state).toBe(TaskState.Pending);
      expect(task.status!.events).toEqual([]);
      expect(task.status!.completionTime).toBeUndefined();
      expect(task.spec!.output).toBeUndefined();
      expect(task.spec!.input).toEqual(bytes(`in${i}`));
      ids.push(task.metadata!.id);
    }
    expect(ids).toEqual(['1', '2', '3']);
  });

  it('records event 0, visible only through GetTask', async () => {
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } });
    const task = await call(h.client, 'getTask', { sessionId: 's', taskId: '1' });
    expect(task.status!.events.map((e) => [e.code, e.message])).toEqual([[0, 'Task was created with state <Pending>']]);
    const listed = await collect(h.client.listTask({ sessionId: 's' }));
    expect(listed.messages[0]!.status!.events).toEqual([]);
  });

  it('treats an empty input as absent', async () => {
    const task = await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's', input: Buffer.alloc(0) } });
    expect(task.spec!.input).toBeUndefined();
  });

  it('answers CreateTask errors with the fs codes and texts', async () => {
    expect(await callError(h.client, 'createTask', { task: undefined })).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'session spec',
    });
    expect(await callError(h.client, 'createTask', { task: { affinity: [], sessionId: 'nope' } })).toEqual({
      code: status.NOT_FOUND,
      details: 'Session nope not found: No such file or directory (os error 2)',
    });
    await call(h.client, 'closeSession', { sessionId: 's' });
    expect(await callError(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } })).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'Cannot create task in closed session',
    });
  });

  it('answers GetTask errors: invalid id, unknown session, unknown task', async () => {
    for (const taskId of ['', 'abc', '1.5', ' 1', '99999999999999999999']) {
      expect(await callError(h.client, 'getTask', { sessionId: 's', taskId })).toEqual({
        code: status.INVALID_ARGUMENT,
        details: 'invalid task id',
      });
    }
    expect(await callError(h.client, 'getTask', { sessionId: 'nope', taskId: '1' })).toEqual({
      code: status.NOT_FOUND,
      details: 'nope',
    });
    expect(await callError(h.client, 'getTask', { sessionId: 's', taskId: '7' })).toEqual({
      code: status.NOT_FOUND,
      details: '7',
    });
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } });
    expect((await call(h.client, 'getTask', { sessionId: 's', taskId: '+1' })).metadata!.id).toBe('1');
  });

  it('lists every task once; unknown session is NOT_FOUND before any message', async () => {
    for (let i = 0; i < 20; i++) await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's', input: bytes(`${i}`) } });
    const listed = await collect(h.client.listTask({ sessionId: 's' }));
    expect(listed.code).toBe(status.OK);
    expect(listed.messages.map((t) => Number(t.metadata!.id)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(listed.messages.every((t) => t.spec!.input !== undefined)).toBe(true);
    const unknown = await collect(h.client.listTask({ sessionId: 'nope' }));
    expect(unknown).toEqual({ messages: [], code: status.NOT_FOUND, details: 'nope' });
  });

  it('shuffles ListTask order by default and keeps creation order when asked not to', async () => {
    for (let i = 0; i < 30; i++) await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } });
    const orders = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const listed = await collect(h.client.listTask({ sessionId: 's' }));
      orders.add(listed.messages.map((t) => t.metadata!.id).join(','));
    }
    const sorted = Array.from({ length: 30 }, (_, i) => `${i + 1}`).join(',');
    expect([...orders].some((o) => o !== sorted)).toBe(true);

    const plain = await startHarness({ shuffleLists: false });
    try {
      await call(plain.client, 'createSession', { sessionId: 'p', session: defaultSpec('flmping') });
      for (let i = 0; i < 5; i++) await call(plain.client, 'createTask', { task: { affinity: [], sessionId: 'p' } });
      const listed = await collect(plain.client.listTask({ sessionId: 'p' }));
      expect(listed.messages.map((t) => t.metadata!.id)).toEqual(['1', '2', '3', '4', '5']);
    } finally {
      await plain.close();
    }
  });

  it('computes session counters from task states', async () => {
    for (let i = 0; i < 5; i++) await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } });
    h.emu.setTaskState('s', 1, 'Running');
    h.emu.setTaskState('s', 2, 'Succeed');
    h.emu.setTaskState('s', 3, 'Failed');
    let st = (await call(h.client, 'getSession', { sessionId: 's' })).status!;
    expect([st.pending, st.running, st.succeed, st.failed, st.cancelled]).toEqual([2, 1, 1, 1, 0]);
    h.emu.setTaskState('s', 1, 'Pending');
    st = (await call(h.client, 'getSession', { sessionId: 's' })).status!;
    expect([st.pending, st.running]).toEqual([3, 0]);
    await call(h.client, 'closeSession', { sessionId: 's' });
    st = (await call(h.client, 'getSession', { sessionId: 's' })).status!;
    expect([st.pending, st.running, st.succeed, st.failed, st.cancelled]).toEqual([0, 0, 1, 1, 3]);
    expect([h.emu.taskState('s', 1), h.emu.taskState('s', '2'), h.emu.taskState('s', 99)]).toEqual([
      'Cancelled',
      'Succeed',
      undefined,
    ]);
    expect([h.emu.sessionState('s'), h.emu.sessionState('nope')]).toEqual(['Closed', undefined]);
  });
});

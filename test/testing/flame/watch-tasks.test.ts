// The emulator's 0.7 WatchTasks against the table of flame-0.7.md 3.1, and the version
// surface of 5.2 (1): the other version's names answer UNIMPLEMENTED with an empty message.
import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskState } from '../../../src/gen/flame/v1/types.js';
import { call, callError, collect, defaultSpec, open, startHarness, until, type Harness } from './helpers.js';

const states = (messages: { status?: { state: TaskState } }[]) => messages.map((t) => t.status!.state);

describe('WatchTasks (Flame 0.7 emulator)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ version: '0.7' });
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('flmping') });
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } });
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } });
  });
  afterEach(() => h.close());

  it('sends a snapshot per registration (duplicates too), then later states; terminal ones with events', async () => {
    const stream = h.client.watchTasks();
    const w = open(stream);
    stream.write({ sessionId: 's', taskId: '1' });
    stream.write({ sessionId: 's', taskId: '2' });
    stream.write({ sessionId: 's', taskId: '1' });
    await until(() => w.messages.length === 3, 'three snapshots');
    expect(w.messages.map((t) => t.metadata!.id)).toEqual(['1', '2', '1']);
    expect(states(w.messages)).toEqual([TaskState.Pending, TaskState.Pending, TaskState.Pending]);
    expect(w.messages[0]!.status!.events).toEqual([]);
    h.emu.setTaskState('s', 1, 'Running');
    h.emu.setTaskState('s', 1, 'Failed', { message: 'boom' });
    await until(() => w.messages.length === 5, 'Running and Failed');
    const failed = w.messages[4]!;
    expect(failed.status!.state).toBe(TaskState.Failed);
    expect(failed.status!.events.at(-1)).toMatchObject({ code: 3, message: 'boom' });
    expect(h.emu.openWatchTasksStreams).toBe(1);
    // Half-close: the call ends OK once every registered task (here 2) is terminal.
    stream.end();
    h.emu.setTaskState('s', 2, 'Succeed');
    const out = await w.done;
    expect(out.code).toBe(status.OK);
    expect(out.messages.at(-1)!.metadata!.id).toBe('2');
    expect(h.emu.openWatchTasksStreams).toBe(0);
  });

  it('a half-close without any registration is INVALID_ARGUMENT', async () => {
    const stream = h.client.watchTasks();
    stream.end();
    const out = await collect(stream);
    expect([out.code, out.details]).toEqual([status.INVALID_ARGUMENT, 'at least one task is required']);
  });

  it('ends with INVALID_ARGUMENT for a second session or a bad task id, NOT_FOUND for unknown ids', async () => {
    await call(h.client, 'createSession', { sessionId: 'other', session: defaultSpec('flmping') });
    const cases: [string, string, number, string][] = [
      ['other', '1', status.INVALID_ARGUMENT, 'all watched tasks must be in one session'],
      ['s', 'x', status.INVALID_ARGUMENT, 'invalid task id'],
      ['s', '42', status.NOT_FOUND, 'task <42> not found'],
    ];
    for (const [sessionId, taskId, code, details] of cases) {
      const stream = h.client.watchTasks();
      stream.write({ sessionId: 's', taskId: '1' });
      stream.write({ sessionId, taskId });
      const out = await collect(stream);
      expect([out.code, out.details]).toEqual([code, details]);
    }
    const unknownSession = h.client.watchTasks();
    unknownSession.write({ sessionId: 'nope', taskId: '1' });
    expect((await collect(unknownSession)).code).toBe(status.NOT_FOUND);
  });

  it('a session already closed cannot be watched: NOT_FOUND "session is closed"', async () => {
    await call(h.client, 'closeSession', { sessionId: 's' });
    const stream = h.client.watchTasks();
    stream.write({ sessionId: 's', taskId: '1' });
    const out = await collect(stream);
    expect([out.code, out.details, out.messages.length]).toEqual([status.NOT_FOUND, 'session is closed', 0]);
  });

  it('closing the session sends final Cancelled snapshots, then NOT_FOUND "session task watch closed"', async () => {
    const stream = h.client.watchTasks();
    const w = open(stream);
    stream.write({ sessionId: 's', taskId: '1' });
    stream.write({ sessionId: 's', taskId: '2' });
    await until(() => w.messages.length === 2, 'snapshots');
    await call(h.client, 'closeSession', { sessionId: 's' });
    const out = await w.done;
    expect(states(out.messages.slice(2))).toEqual([TaskState.Cancelled, TaskState.Cancelled]);
    expect([out.code, out.details]).toEqual([status.NOT_FOUND, 'session task watch closed']);
  });

  it('resendTaskWatches re-sends registered tasks (notification lag); breakStreams ends with UNAVAILABLE', async () => {
    const stream = h.client.watchTasks();
    const w = open(stream);
    stream.write({ sessionId: 's', taskId: '1' });
    await until(() => w.messages.length === 1, 'snapshot');
    h.emu.resendTaskWatches();
    await until(() => w.messages.length === 2, 're-sent');
    expect(states(w.messages)).toEqual([TaskState.Pending, TaskState.Pending]);
    h.emu.breakStreams();
    expect((await w.done).code).toBe(status.UNAVAILABLE);
  });

  it('records the client cancelling the stream', async () => {
    const stream = h.client.watchTasks();
    const w = open(stream);
    stream.write({ sessionId: 's', taskId: '1' });
    await until(() => w.messages.length === 1, 'snapshot');
    stream.cancel();
    await until(() => h.emu.cancelledCalls.some((c) => c.method === 'watchTasks'), 'the cancel');
    expect(h.emu.openWatchTasksStreams).toBe(0);
  });

  it('serves the 0.7 names; the 0.6 ones answer UNIMPLEMENTED with an empty message', async () => {
    expect((await call(h.client, 'listApplications', {})).applications.length).toBeGreaterThan(0);
    expect(await callError(h.client, 'listApplication', {})).toEqual({ code: status.UNIMPLEMENTED, details: '' });
    expect(await callError(h.client, 'listSession', { ids: [] })).toEqual({ code: status.UNIMPLEMENTED, details: '' });
    expect(await callError(h.client, 'listExecutor', {})).toEqual({ code: status.UNIMPLEMENTED, details: '' });
    expect((await collect(h.client.watchTask({ sessionId: 's', taskId: '1' }))).code).toBe(status.UNIMPLEMENTED);
    expect((await collect(h.client.listTask({ sessionId: 's' }))).code).toBe(status.UNIMPLEMENTED);
  });
});

describe('Flame 0.7 emulator sessions', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('suspend: Open → Suspended without running tasks (pending kept), resume → Open; Closed refuses', async () => {
    h = await startHarness({ version: '0.7' });
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('flmping') });
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } });
    expect((await call(h.client, 'suspendSession', { sessionId: 's' })).status!.state).toBe(3);
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } }); // queued while suspended
    expect(h.emu.taskState('s', 2)).toBe('Pending');
    expect((await call(h.client, 'resumeSession', { sessionId: 's' })).status!.state).toBe(0);
    await call(h.client, 'closeSession', { sessionId: 's' });
    expect((await callError(h.client, 'suspendSession', { sessionId: 's' })).code).toBe(status.INVALID_ARGUMENT);
    expect((await callError(h.client, 'resumeSession', { sessionId: 'nope' })).code).toBe(status.NOT_FOUND);
  });

  it('stores tokens without echoing them, and the gang batch size (0 counts as 1)', async () => {
    h = await startHarness({ version: '0.7' });
    const made = await call(h.client, 'createSession', {
      sessionId: 's',
      session: defaultSpec('flmping', { batchSize: 4, tokens: { svc: 'secret' } }),
    });
    expect(made.spec!.batchSize).toBe(4);
    expect(made.spec!.tokens).toEqual({});
    const zero = await call(h.client, 'createSession', { sessionId: 'z', session: defaultSpec('flmping', { batchSize: 0 }) });
    expect(zero.spec!.batchSize).toBe(1);
  });

  it('a 0.6 emulator drops what 0.6 drops (tokens, batch size, affinity) and refuses the 0.7 names', async () => {
    h = await startHarness({ version: '0.6' });
    const made = await call(h.client, 'createSession', {
      sessionId: 's',
      session: defaultSpec('flmping', { batchSize: 4, tokens: { svc: 'secret' } }),
    });
    expect(made.spec!.batchSize).toBe(1);
    const task = await call(h.client, 'createTask', { task: { affinity: [Buffer.from('k')], sessionId: 's' } });
    expect(task.spec!.affinity).toEqual([]);
    expect(await callError(h.client, 'suspendSession', { sessionId: 's' })).toEqual({ code: status.UNIMPLEMENTED, details: '' });
    expect(await callError(h.client, 'listSessions', { ids: [] })).toEqual({ code: status.UNIMPLEMENTED, details: '' });
    const watch = h.client.watchTasks();
    watch.write({ sessionId: 's', taskId: '1' });
    expect((await collect(watch)).code).toBe(status.UNIMPLEMENTED);
  });
});

describe("a 'both' emulator", () => {
  it('serves the names of either version', async () => {
    const h = await startHarness({ version: 'both' });
    try {
      await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('flmping') });
      expect((await call(h.client, 'listSession', { ids: [] })).sessions).toHaveLength(1);
      expect((await call(h.client, 'listSessions', { ids: ['s'] })).sessions).toHaveLength(1);
      expect((await call(h.client, 'suspendSession', { sessionId: 's' })).status!.state).toBe(3);
    } finally {
      await h.close();
    }
  });
});

// Handler execution (flame.md 3.5, 3.6, 3.9): state machine, events, concurrency, FIFO order,
// bind failures, executor loss, executors and nodes.
import { status } from '@grpc/grpc-js';
import { Observable, of, throwError } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ExecutorState, NodeState, TaskState } from '../../../src/gen/flame/v1/types.js';
import { FlameEmulatorError } from '../../../src/testing/flame/index.js';
import { bytes, call, callError, collect, defaultSpec, open, startHarness, until, type Harness } from './helpers.js';

async function runOne(h: Harness, sessionId: string, input?: Buffer) {
  const created = await call(h.client, 'createTask', { task: { affinity: [], sessionId, ...(input ? { input } : {}) } });
  const watched = await collect(h.client.watchTask({ sessionId, taskId: created.metadata!.id }));
  const task = await call(h.client, 'getTask', { sessionId, taskId: created.metadata!.id });
  return { created, watched, task };
}

describe('task execution', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('runs Pending → Running → Succeed with events 0/1/2, output and times', async () => {
    h = await startHarness();
    const seen: unknown[] = [];
    h.emu.registerApplication('echo');
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('echo', { commonData: bytes('cd') }) });
    const created = await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's', input: bytes('x') } });
    expect(created.status!.state).toBe(TaskState.Pending);
    // Watch first, then let the task run, so every transition is observed.
    const w = open(h.client.watchTask({ sessionId: 's', taskId: '1' }));
    await until(() => h.emu.openStreams === 1, 'the watch');
    h.emu.handle(
      'echo',
      (input, ctx) => {
        seen.push(ctx);
        return Buffer.concat([Buffer.from('echo:'), Buffer.from(input ?? [])]);
      },
      { delayMs: 30 },
    );
    const watched = await w.done;
    const task = await call(h.client, 'getTask', { sessionId: 's', taskId: '1' });
    expect(watched.messages.map((t) => t.status!.state)).toEqual([TaskState.Running, TaskState.Succeed]);
    expect(task.spec!.output!.toString()).toBe('echo:x');
    expect(task.status!.events.map((e) => [e.code, e.message])).toEqual([
      [0, 'Task was created with state <Pending>'],
      [1, 'Task state was updated to <Running>'],
      [2, 'Task was completed with state <Succeed>'],
    ]);
    expect(task.status!.completionTime! >= task.status!.creationTime).toBe(true);
    expect(seen).toEqual([{ sessionId: 's', taskId: '1', application: 'echo', commonData: bytes('cd') }]);
    const session = await call(h.client, 'getSession', { sessionId: 's' });
    expect(session.status!.succeed).toBe(1);
  });

  it('fails with the handler message as event 3, or the default text when empty', async () => {
    h = await startHarness();
    let n = 0;
    h.emu.handle('bad', () => {
      n++;
      if (n === 1) throw new Error('exploded');
      if (n === 2) return Promise.reject(new Error(''));
      return throwError(() => new Error('stream failed'));
    });
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('bad') });
    const messages: (string | undefined)[] = [];
    for (let i = 0; i < 3; i++) {
      const { watched, task } = await runOne(h, 's');
      expect(watched.messages.at(-1)!.status!.state).toBe(TaskState.Failed);
      expect(task.status!.events.map((e) => e.code)).toEqual([0, 1, 3]);
      messages.push(task.status!.events.at(-1)!.message);
    }
    expect(messages).toEqual(['exploded', 'Task failed with state <Failed>', 'stream failed']);
  });

  it('accepts string, Uint8Array, undefined, Promise and Observable results', async () => {
    h = await startHarness();
    const results: unknown[] = [
      'text',
      new Uint8Array([1, 2, 3]),
      undefined,
      Promise.resolve('later'),
      of('a', 'last'),
      new Observable<string>((s) => {
        setTimeout(() => (s.next('async'), s.complete()), 5);
      }),
    ];
    let i = 0;
    h.emu.handle('forms', () => results[i++] as never);
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('forms') });
    const outputs: (string | undefined)[] = [];
    for (let k = 0; k < results.length; k++) {
      const { task } = await runOne(h, 's');
      expect(task.status!.state).toBe(TaskState.Succeed);
      outputs.push(task.spec!.output ? Buffer.from(task.spec!.output).toString('hex') : undefined);
    }
    expect(outputs).toEqual([
      bytes('text').toString('hex'),
      '010203',
      undefined,
      bytes('later').toString('hex'),
      bytes('last').toString('hex'),
      bytes('async').toString('hex'),
    ]);
  });

  it('leaves tasks Pending for an application without a handler, and runs them once one is installed', async () => {
    h = await startHarness();
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('flmping') });
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } });
    await new Promise((r) => setImmediate(r));
    expect((await call(h.client, 'getTask', { sessionId: 's', taskId: '1' })).status!.state).toBe(TaskState.Pending);
    h.emu.handle('flmping', () => 'pong');
    const out = await collect(h.client.watchTask({ sessionId: 's', taskId: '1' }));
    expect(out.messages.at(-1)!.spec!.output!.toString()).toBe('pong');
  });

  it('runs at most min(maxInstances, session max_instances) at once, lowest id first', async () => {
    h = await startHarness();
    let running = 0;
    let peak = 0;
    const order: string[] = [];
    h.emu.handle(
      'slow',
      async (_input, ctx) => {
        order.push(ctx.taskId);
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 10));
        running--;
      },
      { maxInstances: 3 },
    );
    await call(h.client, 'createSession', { sessionId: 'a', session: defaultSpec('slow') });
    await call(h.client, 'createSession', { sessionId: 'b', session: defaultSpec('slow', { maxInstances: 1 }) });
    for (let i = 0; i < 8; i++) await call(h.client, 'createTask', { task: { affinity: [], sessionId: 'a' } });
    const last = await collect(h.client.watchTask({ sessionId: 'a', taskId: '8' }));
    expect(last.messages.at(-1)!.status!.state).toBe(TaskState.Succeed);
    await until(() => running === 0, 'handlers to finish');
    expect(peak).toBe(3);
    expect(order).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);

    peak = 0;
    for (let i = 0; i < 4; i++) await call(h.client, 'createTask', { task: { affinity: [], sessionId: 'b' } });
    await collect(h.client.watchTask({ sessionId: 'b', taskId: '4' }));
    expect(peak).toBe(1);
    const executors = await call(h.client, 'listExecutor', {});
    expect(executors.executors.filter((e) => e.status!.sessionId === 'a')).toHaveLength(3);
    expect(executors.executors.filter((e) => e.status!.sessionId === 'b')).toHaveLength(1);
    expect(executors.executors[0]!.status!.state).toBe(ExecutorState.ExecutorBound);
    await call(h.client, 'closeSession', { sessionId: 'a' });
    const after = await call(h.client, 'listExecutor', {});
    expect(after.executors.map((e) => e.status!.sessionId)).toEqual(['b']);
  });

  it('records bind failures as 1001 and pauses the session at the retry limit with 1002', async () => {
    h = await startHarness();
    h.emu.handle('binds', () => 'ok');
    h.emu.failNextBinds(2);
    await call(h.client, 'createSession', { sessionId: 'few', session: defaultSpec('binds') });
    await runOne(h, 'few');
    let events = (await call(h.client, 'getSession', { sessionId: 'few' })).status!.events;
    expect(events.map((e) => e.code)).toEqual([1001, 1001]);
    expect(events[0]!.message).toMatch(
      /^Executor <[0-9a-f-]{36}> on node <.+> failed to bind session with return_code <12>: on_session_enter failed: /,
    );

    h.emu.failNextBinds(6, { returnCode: 11, detail: 'shim creation failed: no such file' });
    await call(h.client, 'createSession', { sessionId: 'many', session: defaultSpec('binds') });
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 'many' } });
    let session = await call(h.client, 'getSession', { sessionId: 'many' });
    for (let i = 0; i < 50 && session.status!.events.length < 6; i++) {
      await new Promise((r) => setTimeout(r, 5));
      session = await call(h.client, 'getSession', { sessionId: 'many' });
    }
    events = session.status!.events;
    expect(events.map((e) => e.code)).toEqual([1001, 1001, 1001, 1001, 1001, 1002]);
    expect(events[0]!.message).toContain('return_code <11>: shim creation failed: no such file');
    expect(events[5]!.message).toBe(
      'Session retry limit reached after 5/5 failed attempts; new executor assignment is paused for this session; existing executors are unchanged.',
    );
    expect(session.status!.pending).toBe(1);
    // Listed sessions carry the events too.
    const listed = (await call(h.client, 'listSession', { ids: [] })).sessions.find((s) => s.metadata!.id === 'many')!;
    expect(listed.status!.events).toHaveLength(6);
    // A restart resets the in-memory counter: the last injected failure is consumed, then the
    // bind succeeds and the task runs.
    await h.emu.restart();
    const out = await collect(h.client.watchTask({ sessionId: 'many', taskId: '1' }));
    expect(out.messages.at(-1)!.status!.state).toBe(TaskState.Succeed);
    events = (await call(h.client, 'getSession', { sessionId: 'many' })).status!.events;
    expect(events.map((e) => e.code)).toEqual([1001, 1001, 1001, 1001, 1001, 1002, 1001]);
  });

  it('re-runs a task whose executor was lost, without event or watch notification for the reset', async () => {
    h = await startHarness();
    let calls = 0;
    h.emu.registerApplication('lossy');
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('lossy') });
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } });
    const w = open(h.client.watchTask({ sessionId: 's', taskId: '1' }));
    await until(() => h.emu.openStreams === 1, 'the watch');
    h.emu.handle('lossy', () => {
      calls++;
      return calls === 1 ? new Promise<string>(() => {}) : 'second';
    });
    await until(() => calls === 1, 'the first run');
    await until(() => w.messages.length === 1, 'Running');
    expect(h.emu.loseExecutor('other')).toBe(0);
    expect(h.emu.loseExecutor('s')).toBe(1);
    const out = await w.done;
    expect(out.messages.map((t) => t.status!.state)).toEqual([TaskState.Running, TaskState.Succeed]);
    const task = await call(h.client, 'getTask', { sessionId: 's', taskId: '1' });
    expect(task.status!.events.map((e) => e.code)).toEqual([0, 1, 1, 2]);
    expect(calls).toBe(2);
  });

  it('reports the single node and NOT_FOUND for another name', async () => {
    h = await startHarness({ nodeName: 'node-a' });
    const nodes = await call(h.client, 'listNodes', {});
    expect(nodes.nodes).toHaveLength(1);
    const node = nodes.nodes[0]!;
    expect(node.metadata).toEqual({ id: 'node-a', name: 'node-a' });
    expect(node.spec!.hostname).toBe('node-a');
    expect(node.status!.state).toBe(NodeState.Ready);
    expect(node.status!.addresses).toEqual([]);
    expect(node.status!.lastHeartbeatTime).toBe(0n);
    expect((await call(h.client, 'getNode', { name: 'node-a' })).node!.metadata!.name).toBe('node-a');
    expect(await callError(h.client, 'getNode', { name: 'node-b' })).toEqual({
      code: status.NOT_FOUND,
      details: 'node <node-b> not found',
    });
  });

  it('rejects misuse of the test controls with FlameEmulatorError', async () => {
    h = await startHarness();
    expect(() => h.emu.setTaskState('nope', 1, 'Succeed')).toThrow(FlameEmulatorError);
    expect(() => h.emu.registerApplication('bad/name')).toThrow(FlameEmulatorError);
    expect(() => h.emu.registerApplication('flmping')).toThrow(/already exists/);
    await expect(startHarness({ clusterResreq: 'cpu=,mem=1g' })).rejects.toBeInstanceOf(FlameEmulatorError);
  });
});

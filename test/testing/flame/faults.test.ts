import { rawFrontendClient } from './helpers.js';
// Fault controls and observation: restart/stop/start, breakStreams, failNext, delayNext,
// client cancellations, call log, request size limit.
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskState } from '../../../src/gen/flame/v1/types.js';
import { call, callError, collect, defaultSpec, open, startHarness, until, type Harness } from './helpers.js';

describe('faults and observation', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('restart keeps state on the same port, resets Running to Pending silently and breaks streams with UNAVAILABLE', async () => {
    h = await startHarness();
    const port = h.emu.port;
    let release: (() => void) | undefined;
    let runs = 0;
    h.emu.registerApplication('app');
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('app') });
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } });
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } });
    const w = open(h.client.watchTask({ sessionId: 's', taskId: '1' }));
    await until(() => h.emu.openStreams === 1, 'the watch');
    h.emu.handle(
      'app',
      () => {
        runs++;
        if (runs === 1) return new Promise<string>(() => {});
        if (runs === 2) return new Promise<string>((r) => (release = () => r('done')));
        return 'done';
      },
      { maxInstances: 1 },
    );
    await until(() => w.messages.length === 1, 'Running');

    await h.emu.restart();
    expect(h.emu.port).toBe(port);
    const broken = await w.done;
    expect(broken.code).toBe(grpc.status.UNAVAILABLE);

    // State survived; the running task was found Running and put back to Pending, no event.
    // After the restart it runs again (second invocation), held until released.
    await until(() => runs === 2, 'the re-run');
    const task = await call(h.client, 'getTask', { sessionId: 's', taskId: '1' });
    expect(task.status!.events.map((e) => e.code)).toEqual([0, 1, 1]);
    expect((await call(h.client, 'listApplication', {})).applications.some((a) => a.metadata!.name === 'app')).toBe(true);
    release!();
    const done = await collect(h.client.watchTask({ sessionId: 's', taskId: '2' }));
    expect(done.messages.at(-1)!.status!.state).toBe(TaskState.Succeed);
  });

  it('stop answers UNAVAILABLE until start listens again', async () => {
    h = await startHarness();
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('flmping') });
    await h.emu.stop();
    expect(h.emu.listening).toBe(false);
    const err = await callError(h.client, 'getSession', { sessionId: 's' });
    expect(err.code).toBe(grpc.status.UNAVAILABLE);
    await h.emu.start();
    // The old channel backs off after the refused connection; a client with its own
    // subchannel pool connects at once.
    const fresh = rawFrontendClient(`127.0.0.1:${h.emu.port}`, grpc.credentials.createInsecure(), {
      'grpc.use_local_subchannel_pool': 1,
    });
    try {
      expect((await call(fresh, 'getSession', { sessionId: 's' })).metadata!.id).toBe('s');
    } finally {
      fresh.close();
    }
  });

  it('breakStreams ends open streams with the given code and keeps serving', async () => {
    h = await startHarness();
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('flmping') });
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } });
    const a = open(h.client.watchTask({ sessionId: 's', taskId: '1' }));
    await until(() => h.emu.openStreams === 1, 'the watch');
    h.emu.breakStreams();
    expect((await a.done).code).toBe(grpc.status.UNAVAILABLE);
    const b = open(h.client.watchTask({ sessionId: 's', taskId: '1' }));
    await until(() => h.emu.openStreams === 1, 'the second watch');
    h.emu.breakStreams(grpc.status.INTERNAL);
    expect((await b.done).code).toBe(grpc.status.INTERNAL);
    expect(h.emu.openStreams).toBe(0);
    expect(h.emu.cancelledCalls).toEqual([]);
  });

  it('failNext fails the next matching calls with the given status', async () => {
    h = await startHarness();
    h.emu.failNext(2, { code: grpc.status.UNAVAILABLE, message: 'try later', method: 'getSession' });
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('flmping') });
    expect(await callError(h.client, 'getSession', { sessionId: 's' })).toEqual({
      code: grpc.status.UNAVAILABLE,
      details: 'try later',
    });
    expect((await callError(h.client, 'getSession', { sessionId: 's' })).code).toBe(grpc.status.UNAVAILABLE);
    expect((await call(h.client, 'getSession', { sessionId: 's' })).metadata!.id).toBe('s');

    h.emu.failNext(1, { code: grpc.status.INTERNAL, message: 'boom', method: 'WatchTask' });
    expect(await collect(h.client.watchTask({ sessionId: 's', taskId: '1' }))).toEqual({
      messages: [],
      code: grpc.status.INTERNAL,
      details: 'boom',
    });
    h.emu.failNext(1, { code: grpc.status.DEADLINE_EXCEEDED, message: 'any' });
    expect((await callError(h.client, 'listSession', { ids: [] })).code).toBe(grpc.status.DEADLINE_EXCEEDED);
    // The failed calls are logged but change nothing.
    expect(h.emu.calls.filter((c) => c.method === 'getSession')).toHaveLength(3);
  });

  it('delayNext holds the next matching calls back', async () => {
    h = await startHarness();
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('flmping') });
    h.emu.delayNext(1, 150, { method: 'getSession' });
    const order: string[] = [];
    const slow = call(h.client, 'getSession', { sessionId: 's' }).then(() => order.push('delayed'));
    await until(() => h.emu.calls.filter((c) => c.method === 'getSession').length === 1, 'the delayed call');
    await call(h.client, 'getSession', { sessionId: 's' }).then(() => order.push('prompt'));
    await slow;
    expect(order).toEqual(['prompt', 'delayed']);
  });

  it('records client cancellations of streams and unary calls', async () => {
    h = await startHarness();
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('flmping') });
    await call(h.client, 'createTask', { task: { affinity: [], sessionId: 's' } });
    const w = open(h.client.watchTask({ sessionId: 's', taskId: '1' }));
    await until(() => h.emu.openStreams === 1, 'the watch');
    w.stream.cancel();
    await until(() => h.emu.cancelledCalls.length === 1, 'the cancellation');
    expect(h.emu.cancelledCalls[0]!.method).toBe('watchTask');
    expect(h.emu.cancelledCalls[0]!.at).toBeInstanceOf(Date);
    expect(h.emu.openStreams).toBe(0);
    // A cancelled watch no longer listens: a later change goes nowhere and nothing breaks.
    h.emu.setTaskState('s', 1, 'Succeed');

    h.emu.delayNext(1, 5000, { method: 'getTask' });
    const pending = h.client.getTask({ sessionId: 's', taskId: '1' }, () => {});
    await until(() => h.emu.calls.some((c) => c.method === 'getTask'), 'the unary call');
    pending.cancel();
    await until(() => h.emu.cancelledCalls.length === 2, 'the unary cancellation');
    expect(h.emu.cancelledCalls[1]!.method).toBe('getTask');
  });

  it('logs calls by FrontendClient method name with their requests', async () => {
    h = await startHarness();
    await call(h.client, 'listApplication', {});
    await call(h.client, 'createSession', { sessionId: 'x', session: defaultSpec('flmping') });
    expect(h.emu.calls.map((c) => c.method)).toEqual(['listApplication', 'createSession']);
    expect(h.emu.calls[1]!.request).toMatchObject({ sessionId: 'x' });
  });

  it('keeps the 4 MiB request limit by default and raises it on request', async () => {
    h = await startHarness();
    await call(h.client, 'createSession', { sessionId: 's', session: defaultSpec('flmping') });
    const big = Buffer.alloc(5 * 1024 * 1024, 1);
    const err = await callError(h.client, 'createTask', { task: { affinity: [], sessionId: 's', input: big } });
    expect(err.code).toBe(grpc.status.RESOURCE_EXHAUSTED);

    const roomy = await startHarness({ maxReceiveMessageBytes: 16 * 1024 * 1024 });
    const client = rawFrontendClient(`127.0.0.1:${roomy.emu.port}`, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': 16 * 1024 * 1024,
    });
    try {
      await call(client, 'createSession', { sessionId: 's', session: defaultSpec('flmping') });
      const task = await call(client, 'createTask', { task: { affinity: [], sessionId: 's', input: big } });
      expect(task.spec!.input!.length).toBe(big.length);
    } finally {
      client.close();
      await roomy.close();
    }
  });
});

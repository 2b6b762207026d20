// bidiStreamCall over loopback against the emulator's 0.7 WatchTasks: requests written as
// they come, half-close on their completion, and cancellation on the wire by unsubscribe,
// a signal, or a failing request source, seen at the server.
import { getEventListeners } from 'node:events';
import { NEVER, Subject, concat, firstValueFrom, lastValueFrom, of, throwError, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { bidiStreamCall } from '../../../src/transport/grpc/bidi-stream.js';
import { type EmulatorAndClient, eventually, one, startEmulatorAndClient } from '../../flame/client/emulator-fixture.js';

let env: EmulatorAndClient | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function pendingTask(): Promise<{ sessionId: string; taskId: string; env: EmulatorAndClient }> {
  env = await startEmulatorAndClient({ version: '0.7' });
  env.emu.registerApplication('unserved');
  const session = await one(env.client.createSession('unserved'));
  const task = await one(session.createTask());
  return { sessionId: session.id, taskId: task.id, env };
}

describe('bidiStreamCall', () => {
  it('writes each request as it comes; completing them half-closes, and the server ends with OK', async () => {
    env = await startEmulatorAndClient({ version: '0.7' });
    env.emu.handle('served', (input) => input ?? new Uint8Array());
    const session = await one(env.client.createSession('served'));
    const done = await lastValueFrom(session.runTask());
    const requests = new Subject<{ sessionId: string; taskId: string }>();
    const seen = lastValueFrom(bidiStreamCall(env.client.channel, 'watchTasks', requests).pipe(toArray()));
    requests.next({ sessionId: session.id, taskId: done.id });
    await eventually(() => env!.emu.openWatchTasksStreams === 1);
    requests.complete();
    const messages = await seen;
    expect(messages.map((m) => m.metadata?.id)).toEqual([done.id]);
    expect(env.emu.cancelledCalls.filter((c) => c.method === 'watchTasks')).toHaveLength(0);
  });

  it('an abort cancels the call at the server and errors with the reason; an aborted signal opens nothing', async () => {
    const { sessionId, taskId, env } = await pendingTask();
    const controller = new AbortController();
    let messages = 0;
    let failure: unknown;
    bidiStreamCall(env.client.channel, 'watchTasks', concat(of({ sessionId, taskId }), NEVER), { signal: controller.signal }).subscribe({
      next: () => messages++,
      error: (error: unknown) => (failure = error),
    });
    await eventually(() => messages === 1);
    controller.abort(new Error('watch no more'));
    expect(failure).toMatchObject({ message: 'watch no more' });
    await eventually(() => env.emu.cancelledCalls.some((c) => c.method === 'watchTasks'));
    expect(env.emu.openWatchTasksStreams).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    const calls = env.emu.calls.length;
    const signal = AbortSignal.abort(new Error('early'));
    await expect(firstValueFrom(bidiStreamCall(env.client.channel, 'watchTasks', of({ sessionId, taskId }), { signal }))).rejects.toThrow('early');
    expect(env.emu.calls.length).toBe(calls);
  });

  it('a request source that fails cancels the call and errors with what it threw', async () => {
    const { sessionId, taskId, env } = await pendingTask();
    const requests = new Subject<{ sessionId: string; taskId: string }>();
    const result = lastValueFrom(bidiStreamCall(env.client.channel, 'watchTasks', concat(requests, throwError(() => new Error('source broke')))));
    requests.next({ sessionId, taskId });
    await eventually(() => env.emu.openWatchTasksStreams === 1);
    requests.complete();
    await expect(result).rejects.toThrow('source broke');
    await eventually(() => env.emu.cancelledCalls.some((c) => c.method === 'watchTasks'));
  });
});

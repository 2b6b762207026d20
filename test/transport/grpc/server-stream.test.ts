import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskState } from '../../../src/gen/flame/v1/types.js';
import { FlameDeadlineExceededError, FlameInternalError } from '../../../src/model/flame/errors.js';
import { FlameChannel, serverStreamCall } from '../../../src/transport/grpc/index.js';
import { fastBackoff } from './helpers/channel-helpers.js';
import { TestFrontendServer } from './helpers/test-frontend-server.js';

let server: TestFrontendServer;
let channel: FlameChannel;

beforeAll(async () => {
  server = await TestFrontendServer.start();
  channel = new FlameChannel(server.endpoint, { backoff: fastBackoff });
});

afterAll(() => {
  channel.close();
  server.stop();
});

describe('serverStreamCall over loopback', () => {
  it('emits every streamed message in order, then completes', async () => {
    const cancelledBefore = server.cancelled.length;
    const tasks = await lastValueFrom(
      serverStreamCall(channel, 'watchTask', { sessionId: 'ssn-1', taskId: '3' }).pipe(toArray()),
    );
    expect(tasks.map((t) => t.status?.state)).toEqual([TaskState.Pending, TaskState.Running, TaskState.Succeed]);
    expect(tasks.every((t) => t.metadata?.id === '3')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.cancelled.length).toBe(cancelledBefore); // a finished stream is not cancelled
  });

  it('completes without values for an empty stream', async () => {
    const tasks = await lastValueFrom(serverStreamCall(channel, 'listTask', { sessionId: 'empty' }).pipe(toArray()));
    expect(tasks).toEqual([]);
  });

  it('emits the messages before a non-OK status, then the typed error (and no completion)', async () => {
    const seen: unknown[] = [];
    let completed = false;
    const error = await new Promise((resolve) =>
      serverStreamCall(channel, 'watchTask', { sessionId: 'ssn-1', taskId: 'fail' }).subscribe({
        next: (task) => seen.push(task.status?.state),
        error: resolve,
        complete: () => (completed = true),
      }),
    );
    expect(seen).toEqual([TaskState.Pending]);
    expect(error).toBeInstanceOf(FlameInternalError);
    expect((error as FlameInternalError).serverMessage).toBe('storage broke');
    expect((error as FlameInternalError).method).toBe('WatchTask');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(completed).toBe(false);
  });

  it('cancels the stream on the wire when unsubscribed after the first message', async () => {
    const cancelled = server.nextCancellation('WatchTask');
    const before = server.cancelled.length;
    const first = await firstValueFrom(serverStreamCall(channel, 'watchTask', { sessionId: 'ssn-1', taskId: 'hang' }));
    expect(first.status?.state).toBe(TaskState.Pending);
    await cancelled;
    expect(server.cancelled.length).toBe(before + 1);
  });

  it('take(n) unsubscribes, and so cancels, without reporting the CANCELLED status', async () => {
    const events: string[] = [];
    const before = server.cancelled.length;
    const cancelled = server.nextCancellation('WatchTask');
    await new Promise<void>((resolve) =>
      serverStreamCall(channel, 'watchTask', { sessionId: 'ssn-2', taskId: 'hang' })
        .pipe(take(1))
        .subscribe({ next: () => events.push('next'), error: () => events.push('error'), complete: resolve }),
    );
    await cancelled;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.cancelled.length).toBe(before + 1);
    expect(events).toEqual(['next']);
  });

  it('fails a silent stream with FlameDeadlineExceededError at the deadline', async () => {
    const seen: unknown[] = [];
    const error = await new Promise((resolve) =>
      serverStreamCall(channel, 'watchTask', { sessionId: 'ssn-3', taskId: 'hang' }, { deadlineMs: 150 }).subscribe({
        next: (task) => seen.push(task.status?.state),
        error: resolve,
      }),
    );
    expect(seen).toEqual([TaskState.Pending]);
    expect(error).toBeInstanceOf(FlameDeadlineExceededError);
    expect((error as FlameDeadlineExceededError).method).toBe('WatchTask');
  });
});

import { type Observable, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { type ApplicationList, type Task, TaskState } from '../../../src/gen/flame/v1/types.js';
import {
  FlameCancelledError,
  FlameDeadlineExceededError,
  FlameError,
  FlameNotFoundError,
  FlameUnavailableError,
} from '../../../src/model/flame/errors.js';
import { FlameChannel, FlameChannelClosedError, serverStreamCall, unaryCall } from '../../../src/transport/grpc/index.js';
import { errorOf, fastBackoff, freePort } from './helpers/channel-helpers.js';
import { BIG_OUTPUT_BYTES, TestFrontendServer } from './helpers/test-frontend-server.js';

let server: TestFrontendServer;
let channel: FlameChannel;
const extraChannels: FlameChannel[] = [];

beforeAll(async () => {
  server = await TestFrontendServer.start();
  channel = new FlameChannel(server.endpoint, { backoff: fastBackoff });
});

afterEach(() => {
  for (const extra of extraChannels.splice(0)) extra.close();
});

afterAll(() => {
  channel.close();
  server.stop();
});

describe('unaryCall over loopback', () => {
  it('returns the decoded response and completes', async () => {
    const values = await lastValueFrom(unaryCall(channel, 'getTask', { sessionId: 'ssn-1', taskId: '7' }).pipe(toArray()));
    expect(values).toHaveLength(1);
    const task = values[0]!;
    expect(task.metadata?.id).toBe('7');
    expect(task.spec?.sessionId).toBe('ssn-1');
    expect(task.status?.state).toBe(TaskState.Succeed);
  });

  it('is typed by the method name: request and response come from the generated definitions', () => {
    expectTypeOf(unaryCall(channel, 'getTask', { sessionId: 's', taskId: '1' })).toEqualTypeOf<Observable<Task>>();
    expectTypeOf(unaryCall(channel, 'listApplication', {})).toEqualTypeOf<Observable<ApplicationList>>();
    expectTypeOf(serverStreamCall(channel, 'listTask', { sessionId: 's' })).toEqualTypeOf<Observable<Task>>();
    const misuses = () => [
      // @ts-expect-error watchTask streams: it is not a unary method
      unaryCall(channel, 'watchTask', { sessionId: 's', taskId: '1' }),
      // @ts-expect-error getTask is unary: it is not a streaming method
      serverStreamCall(channel, 'getTask', { sessionId: 's', taskId: '1' }),
      // @ts-expect-error getTask needs a taskId
      unaryCall(channel, 'getTask', { sessionId: 's' }),
    ];
    expect(misuses).toBeTypeOf('function');
  });

  it('is cold: nothing is sent before subscription, each subscription makes one call', async () => {
    const before = server.calls.filter((m) => m === 'GetTask').length;
    const call = unaryCall(channel, 'getTask', { sessionId: 'ssn-1', taskId: '1' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.calls.filter((m) => m === 'GetTask').length).toBe(before);
    await firstValueFrom(call);
    await firstValueFrom(call);
    expect(server.calls.filter((m) => m === 'GetTask').length).toBe(before + 2);
  });

  it('turns an error status into the typed error with code, server message and method', async () => {
    const error = await errorOf(unaryCall(channel, 'getTask', { sessionId: 'ssn-unknown', taskId: '1' }));
    expect(error).toBeInstanceOf(FlameNotFoundError);
    expect(error).toBeInstanceOf(FlameError);
    const flame = error as FlameNotFoundError;
    expect(flame.code).toBe(5);
    expect(flame.codeName).toBe('NOT_FOUND');
    expect(flame.serverMessage).toBe('ssn-unknown');
    expect(flame.method).toBe('GetTask');
    expect(flame.retryable).toBe(false);
  });

  it('reports UNIMPLEMENTED for a method the server lacks', async () => {
    const error = await errorOf(unaryCall(channel, 'listApplication', {}));
    expect(error).toBeInstanceOf(FlameError);
    expect((error as FlameError).codeName).toBe('UNIMPLEMENTED');
  });

  it('cancels the call on the wire when unsubscribed mid-call, and reports nothing', async () => {
    const events: string[] = [];
    const called = server.nextCall('GetTask');
    const cancelled = server.nextCancellation('GetTask');
    const subscription = unaryCall(channel, 'getTask', { sessionId: 'ssn-1', taskId: 'hang' }).subscribe({
      next: () => events.push('next'),
      error: (e: unknown) => events.push(`error ${String(e)}`),
      complete: () => events.push('complete'),
    });
    await called;
    subscription.unsubscribe();
    await cancelled;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual([]);
  });

  it('fails with FlameDeadlineExceededError when the deadline passes', async () => {
    const started = Date.now();
    const error = await errorOf(unaryCall(channel, 'getTask', { sessionId: 'ssn-1', taskId: 'hang' }, { deadlineMs: 100 }));
    expect(error).toBeInstanceOf(FlameDeadlineExceededError);
    expect((error as FlameError).code).toBe(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('receives a response larger than 4 MiB', async () => {
    const task = await firstValueFrom(unaryCall(channel, 'getTask', { sessionId: 'ssn-1', taskId: 'big' }));
    expect(task.spec?.output?.length).toBe(BIG_OUTPUT_BYTES);
    expect(task.spec?.output?.[BIG_OUTPUT_BYTES - 1]).toBe(7);
  });

  it('refuses that response with a 4 MiB receive limit (the option is what makes it pass)', async () => {
    const small = new FlameChannel(server.endpoint, { maxReceiveMessageBytes: 4 * 1024 * 1024, backoff: fastBackoff });
    extraChannels.push(small);
    const error = await errorOf(unaryCall(small, 'getTask', { sessionId: 'ssn-1', taskId: 'big' }));
    expect(error).toBeInstanceOf(FlameError);
    expect((error as FlameError).codeName).toBe('RESOURCE_EXHAUSTED');
  });

  it('with waitForReady false fails at once with UNAVAILABLE while nothing listens', async () => {
    const down = new FlameChannel(`http://127.0.0.1:${await freePort()}`, { backoff: fastBackoff });
    extraChannels.push(down);
    const error = await errorOf(
      unaryCall(down, 'getTask', { sessionId: 'ssn-1', taskId: '1' }, { waitForReady: false, deadlineMs: 3000 }),
    );
    expect(error).toBeInstanceOf(FlameUnavailableError);
    expect((error as FlameUnavailableError).retryable).toBe(true);
  });

  it('fails with FlameChannelClosedError on a closed channel, and cancels running calls on close', async () => {
    const other = new FlameChannel(server.endpoint, { backoff: fastBackoff });
    extraChannels.push(other);
    const called = server.nextCall('GetTask');
    const cancelled = server.nextCancellation('GetTask');
    const running = errorOf(unaryCall(other, 'getTask', { sessionId: 'ssn-1', taskId: 'hang' }));
    await called;
    other.close();
    await cancelled;
    expect(await running).toBeInstanceOf(FlameCancelledError);
    const error = await errorOf(unaryCall(other, 'getTask', { sessionId: 'ssn-1', taskId: '1' }));
    expect(error).toBeInstanceOf(FlameChannelClosedError);
    expect((error as Error).message).toBe('GetTask: the Flame channel is closed');
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { InstanceService, type SessionContext, type TaskContext } from '../../src/gen/flame/v1/shim.js';
import { Result, Shim, TaskResult } from '../../src/gen/flame/v1/types.js';

type Unary<Req, Res> = (request: Req, callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown;

/** What a 0.6 executor manager speaks: the same paths, bare Result / TaskResult replies. */
interface InstanceClient extends grpc.Client {
  onSessionEnter: Unary<SessionContext, Result>;
  onTaskInvoke: Unary<TaskContext, TaskResult>;
  onSessionLeave: Unary<object, Result>;
}
const InstanceClient = grpc.makeGenericClientConstructor(
  {
    onSessionEnter: { ...InstanceService.onSessionEnter, responseDeserialize: (b: Buffer) => Result.decode(b) },
    onTaskInvoke: { ...InstanceService.onTaskInvoke, responseDeserialize: (b: Buffer) => TaskResult.decode(b) },
    onSessionLeave: InstanceService.onSessionLeave,
  } as unknown as grpc.ServiceDefinition,
  'flame.v1.Instance',
) as unknown as new (address: string, credentials: grpc.ChannelCredentials) => InstanceClient;
import { FlameServiceError, FlameServiceHandle, serveFlameInstance } from '../../src/service/index.js';

function unary<Res>(invoke: (cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => invoke((err, res) => (err ? reject(err) : resolve(res))));
}

describe('serveFlameInstance (the Instance service of a Flame service program) for a 0.6 executor manager', () => {
  let handle: FlameServiceHandle | undefined;
  let client: InstanceClient | undefined;

  afterEach(async () => {
    client?.close();
    await handle?.close();
    handle = undefined;
    client = undefined;
  });

  async function start(service: Parameters<typeof serveFlameInstance>[0], log?: (line: string) => void) {
    const socketPath = join(mkdtempSync(join(tmpdir(), 'flame-svc-')), 'executor.sock');
    handle = await serveFlameInstance(service, { socketPath, exitOnSigterm: false, log });
    client = new InstanceClient(`unix:${socketPath}`, grpc.credentials.createInsecure());
    return client;
  }

  it('passes session context and task input to the handlers and returns output with return_code 0', async () => {
    const seen: string[] = [];
    const c = await start({
      onSessionEnter: (s) => {
        seen.push(`enter ${s.sessionId} ${s.application.name} ${s.application.shim} ${new TextDecoder().decode(s.commonData)}`);
      },
      onTaskInvoke: (task, session) => `${session?.sessionId}/${task.taskId}:${new TextDecoder().decode(task.input).toUpperCase()}`,
      onSessionLeave: () => {
        seen.push('leave');
      },
    });
    const entered = await unary<Result>((cb) => c.onSessionEnter({
      sessionId: 'ssn-1',
      application: { name: 'echo', shim: Shim.Host },
      commonData: Buffer.from('shared'),
      tokens: {},
      batchSize: 0,
    }, cb));
    expect(entered).toEqual({ returnCode: 0 });
    const result = await unary<TaskResult>((cb) => c.onTaskInvoke({ taskId: '7', sessionId: 'ssn-1', input: Buffer.from('abc') }, cb));
    expect(result.returnCode).toBe(0);
    expect(Buffer.from(result.output!).toString()).toBe('ssn-1/7:ABC');
    expect(result.message).toBeUndefined();
    expect(await unary<Result>((cb) => c.onSessionLeave({}, cb))).toEqual({ returnCode: 0 });
    expect(seen).toEqual(['enter ssn-1 echo Host shared', 'leave']);
  });

  it('turns a thrown error into return_code -1 with its message, never a gRPC error', async () => {
    const c = await start({
      onSessionEnter: () => {
        throw new Error('cannot load model');
      },
      onTaskInvoke: async () => {
        throw new Error('bad input');
      },
    });
    const entered = await unary<Result>((cb) => c.onSessionEnter({ sessionId: 's', application: { name: 'a', shim: Shim.Host }, tokens: {}, batchSize: 0 }, cb));
    expect(entered).toEqual({ returnCode: -1, message: 'cannot load model' });
    const failed = await unary<TaskResult>((cb) => c.onTaskInvoke({ taskId: '1', sessionId: 's' }, cb));
    expect(failed).toEqual({ returnCode: -1, message: 'bad input' });
  });

  it('always answers OnSessionLeave with 0 and logs the failure instead', async () => {
    const lines: string[] = [];
    const c = await start(
      {
        onTaskInvoke: () => undefined,
        onSessionLeave: () => {
          throw new Error('flush failed');
        },
      },
      (line) => lines.push(line),
    );
    expect(await unary<Result>((cb) => c.onSessionLeave({}, cb))).toEqual({ returnCode: 0 });
    expect(lines).toEqual(['onSessionLeave failed (reported as success, spec 5.3): flush failed']);
  });

  it('runs calls one at a time even when they arrive together', async () => {
    let active = 0;
    let maxActive = 0;
    const order: string[] = [];
    const c = await start({
      onTaskInvoke: async (task) => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push(task.taskId);
        active--;
        return task.taskId;
      },
    });
    await Promise.all(['1', '2', '3'].map((taskId) => unary<TaskResult>((cb) => c.onTaskInvoke({ taskId, sessionId: 's' }, cb))));
    expect(maxActive).toBe(1);
    expect(order).toHaveLength(3);
  });

  it('fails clearly without FLAME_INSTANCE_ENDPOINT', async () => {
    const saved = process.env.FLAME_INSTANCE_ENDPOINT;
    delete process.env.FLAME_INSTANCE_ENDPOINT;
    try {
      await expect(serveFlameInstance({ onTaskInvoke: () => undefined })).rejects.toThrow(FlameServiceError);
      await expect(serveFlameInstance({ onTaskInvoke: () => undefined })).rejects.toThrow('FLAME_INSTANCE_ENDPOINT not found');
    } finally {
      if (saved !== undefined) process.env.FLAME_INSTANCE_ENDPOINT = saved;
    }
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  InstanceClient,
  type OnSessionEnterResponse,
  type OnTaskInvokeResponse,
  type SessionContext,
} from '../../src/gen/flame/v1/shim.js';
import { type Result, Shim } from '../../src/gen/flame/v1/types.js';
import { FlameUnsupportedFeatureError } from '../../src/model/flame/version-errors.js';
import { FlameServiceError, type FlameServiceHandle, serveFlameInstance } from '../../src/service/index.js';

function unary<Res>(invoke: (cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => invoke((err, res) => (err ? reject(err) : resolve(res))));
}

const context07 = (sessionId: string, extra: Partial<SessionContext> = {}): SessionContext => ({
  sessionId,
  application: { name: 'svc', shim: Shim.Host },
  tokens: {},
  batchSize: 1,
  ...extra,
});

describe('serveFlameInstance for a 0.7 executor manager', () => {
  let handle: FlameServiceHandle | undefined;
  let client: InstanceClient | undefined;
  afterEach(async () => {
    client?.close();
    await handle?.close();
    handle = undefined;
    client = undefined;
  });

  async function start(service: Parameters<typeof serveFlameInstance>[0], version?: '0.6' | '0.7' | 'auto') {
    const socketPath = join(mkdtempSync(join(tmpdir(), 'flame-svc07-')), 'executor.sock');
    handle = await serveFlameInstance(service, { socketPath, exitOnSigterm: false, ...(version ? { version } : {}) });
    client = new InstanceClient(`unix:${socketPath}`, grpc.credentials.createInsecure());
    return client;
  }

  it('answers with the wrapped replies, gives the session its tokens and batch size, and serves several sessions in turn', async () => {
    const seen: string[] = [];
    const c = await start({
      onSessionEnter: (s) => {
        seen.push(`${s.sessionId} batch=${s.batchSize} tokens=${JSON.stringify(s.tokens)}`);
      },
      onTaskInvoke: (task) => `out-${task.taskId}`,
    });
    const entered = await unary<OnSessionEnterResponse>((cb) =>
      c.onSessionEnter(context07('s1', { tokens: { s3: 'secret' }, batchSize: 4 }), cb),
    );
    expect(entered).toEqual({ result: { returnCode: 0 }, attributes: { publish: [], retract: [] } });
    expect(handle!.version).toBe('0.7');
    const invoked = await unary<OnTaskInvokeResponse>((cb) => c.onTaskInvoke({ taskId: '1', sessionId: 's1' }, cb));
    expect(Buffer.from(invoked.taskResult!.output!).toString()).toBe('out-1');
    expect(await unary<Result>((cb) => c.onSessionLeave({}, cb))).toEqual({ returnCode: 0 });
    await unary<OnSessionEnterResponse>((cb) => c.onSessionEnter(context07('s2'), cb));
    expect(seen).toEqual(['s1 batch=4 tokens={"s3":"secret"}', 's2 batch=1 tokens={}']);
  });

  it('carries published and retracted attributes on the next reply: last operation per key wins; a failed enter keeps them', async () => {
    let failEnter = true;
    const c = await start({
      onSessionEnter: () => {
        if (failEnter) throw new Error('not yet');
      },
      onTaskInvoke: () => undefined,
    }, '0.7');
    handle!.publish(['a', 'b']);
    handle!.retract(['b', 'c']);
    const failed = await unary<OnSessionEnterResponse>((cb) => c.onSessionEnter(context07('s'), cb));
    expect(failed).toEqual({ result: { returnCode: -1, message: 'not yet' } });
    failEnter = false;
    const entered = await unary<OnSessionEnterResponse>((cb) => c.onSessionEnter(context07('s'), cb));
    expect(entered.attributes!.publish.map(String)).toEqual(['a']);
    expect(entered.attributes!.retract.map(String).sort()).toEqual(['b', 'c']);
    const invoked = await unary<OnTaskInvokeResponse>((cb) => c.onTaskInvoke({ taskId: '1', sessionId: 's' }, cb));
    expect(invoked.attributes).toEqual({ publish: [], retract: [] });
    expect(() => handle!.publish([''])).toThrow(FlameServiceError);
    expect(() => handle!.publish(['x'.repeat(257)])).toThrow(FlameServiceError);
  });

  it('on a 0.6 executor manager (no batch_size sent) answers bare results and refuses attributes', async () => {
    const c = await start({ onTaskInvoke: () => 'x' });
    // Read as the 0.7 wrapper, a bare Result {return_code: 0} encodes as nothing at all.
    const entered = await unary<OnSessionEnterResponse>((cb) => c.onSessionEnter(context07('s', { batchSize: 0 }), cb));
    expect(entered.result).toBeUndefined();
    expect(handle!.version).toBe('0.6');
    expect(() => handle!.publish(['a'])).toThrow(FlameUnsupportedFeatureError);
  });
});

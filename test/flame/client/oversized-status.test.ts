// A server status larger than the client's HTTP/2 layer accepts (issue 7 item 10), over
// real loopback: a grpc-js server answering with an error status whose trailers hold
// 4 x 60 KiB (a header block Node refuses at once) gives a typed, non-retried
// FlameStatusTooLargeError for unary, server-stream and bidi calls and for watches; a
// single field above 64 KiB (1 MiB of details, the FlameEmulator fault) leaves the
// connection waiting for keepalive, which `deadlineMs` bounds.
import * as grpc from '@grpc/grpc-js';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlameDeadlineExceededError, FlameStatusTooLargeError } from '../../../src/model/flame/errors.js';
import { FlameClient } from '../../../src/observables/flame/client.js';
import { FlameEmulator } from '../../../src/testing/flame/index.js';
import { FrontendService06, FrontendService07 } from '../../../src/transport/grpc/frontend-06.js';
import { errorOf, fastBackoff } from './emulator-fixture.js';

/**
 * An error status whose trailers are 4 fields of 60 KiB: over 200 KiB after HPACK (a `z`
 * takes 7 bits), 13 or more HTTP/2 frames, every field under the 64 KiB field limit.
 */
function hugeStatus(): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  for (let i = 0; i < 4; i++) metadata.set(`x-detail-${i}`, 'z'.repeat(60 * 1024));
  return Object.assign(new Error('storage broke'), { code: grpc.status.INTERNAL, details: 'storage broke', metadata });
}

interface HugeServer {
  readonly endpoint: string;
  readonly calls: Map<string, number>;
  close(): void;
}

async function hugeStatusServer(version: '0.6' | '0.7'): Promise<HugeServer> {
  const calls = new Map<string, number>();
  const count = (method: string) => calls.set(method, (calls.get(method) ?? 0) + 1);
  const server = new grpc.Server();
  const fail = (method: string) => (_call: unknown, done: grpc.sendUnaryData<never>) => {
    count(method);
    done(hugeStatus());
  };
  const failStream = (method: string) => (call: grpc.ServerWritableStream<unknown, never>) => {
    count(method);
    call.emit('error', hugeStatus());
  };
  const handlers =
    version === '0.6'
      ? { getTask: fail('getTask'), listTask: failStream('listTask'), watchTask: failStream('watchTask') }
      : { getTask: fail('getTask'), listTasks: failStream('listTasks'), watchTasks: failStream('watchTasks') };
  const service = (version === '0.6' ? FrontendService06 : FrontendService07) as unknown as grpc.ServiceDefinition;
  server.addService(service, handlers as never);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return { endpoint: `http://127.0.0.1:${port}`, calls, close: () => server.forceShutdown() };
}

function expectTooLarge(error: unknown, method: string): void {
  expect(error).toBeInstanceOf(FlameStatusTooLargeError);
  const typed = error as FlameStatusTooLargeError;
  expect(typed.retryable).toBe(false);
  expect(typed.method).toBe(method);
  expect(typed.message).toContain(`${method} failed: INTERNAL: the server's status was larger than the client accepts (`);
  expect(typed.refusal).toMatch(/Too many CONTINUATION frames/);
}

describe.each(['0.6', '0.7'] as const)('a server status larger than the client accepts (Flame %s)', (version) => {
  let server: HugeServer;
  let client: FlameClient;
  beforeAll(async () => {
    server = await hugeStatusServer(version);
    client = FlameClient.connect({ endpoint: server.endpoint, env: {}, version, backoff: fastBackoff });
  });
  afterAll(() => {
    client.close();
    server.close();
  });

  // The deadline is far beyond what a refusal takes: meeting it would mean the call hung.
  const call = { deadlineMs: 15_000 };

  it('unary (GetTask, a read that is otherwise retried): the typed error, sent once', async () => {
    expectTooLarge(await errorOf(client.getTask('s', '1', call)), 'GetTask');
    expect(server.calls.get('getTask')).toBe(1);
  });

  it('server stream (the task list, also a retried read): the typed error, sent once', async () => {
    const method = version === '0.6' ? 'listTask' : 'listTasks';
    expectTooLarge(await errorOf(client.listTasks('s', call)), version === '0.6' ? 'ListTask' : 'ListTasks');
    expect(server.calls.get(method)).toBe(1);
  });

  it('a watch (server stream in 0.6, bidi in 0.7) ends with it, per its retry rules: not retryable', async () => {
    const method = version === '0.6' ? 'watchTask' : 'watchTasks';
    const error = await errorOf(client.watchTask('s', '1'));
    expectTooLarge(error, version === '0.6' ? 'WatchTask' : 'WatchTasks');
    expect(server.calls.get(method)).toBe(1);
  });
});

describe('FlameEmulator: an error status with 1 MiB of details (one field above 64 KiB)', () => {
  let emu: FlameEmulator;
  beforeAll(async () => {
    emu = await FlameEmulator.start({ version: '0.6' });
  });
  afterAll(() => emu.close());

  it('sends small details as grpc-status-details-bin', async () => {
    const details = new Uint8Array([8, 13, 18, 4, 98, 114, 111, 107]);
    emu.failNext(1, { code: grpc.status.INTERNAL, message: 'broke', method: 'getTask', statusDetails: details });
    const raw = new grpc.Client(`127.0.0.1:${emu.port}`, grpc.credentials.createInsecure());
    try {
      const error = await new Promise<grpc.ServiceError>((resolve) =>
        raw.makeUnaryRequest(
          FrontendService06.getTask.path,
          FrontendService06.getTask.requestSerialize,
          FrontendService06.getTask.responseDeserialize,
          { sessionId: 's', taskId: '1' },
          (e) => resolve(e!),
        ),
      );
      expect(error.code).toBe(grpc.status.INTERNAL);
      expect(error.details).toBe('broke');
      expect(new Uint8Array(error.metadata.get('grpc-status-details-bin')[0] as Buffer)).toEqual(details);
    } finally {
      raw.close();
    }
  });

  // Node 20 drops a field above 64 KiB without a word to grpc-js (see
  // src/transport/grpc/oversized-status.ts): only the deadline ends the call. Node 22 and
  // later refuse it as a stream error at once, which is FlameStatusTooLargeError.
  const wedges = Number(process.versions.node.split('.')[0]) < 22;
  it(wedges ? 'Node 20: waits for keepalive on the connection it wedges, deadlineMs bounds the call' : 'Node 22+: fails the call at once with FlameStatusTooLargeError, not sent again', async () => {
    const client = FlameClient.connect({ endpoint: emu.endpoint, env: {}, version: '0.6', backoff: fastBackoff });
    try {
      emu.failNext(1, { code: grpc.status.INTERNAL, message: 'huge', method: 'getTask', statusDetails: new Uint8Array(1024 * 1024) });
      const before = emu.calls.filter((c) => c.method === 'getTask').length;
      const error = await firstValueFrom(client.getTask('s', '1', { deadlineMs: wedges ? 300 : 5000 })).catch((e: unknown) => e);
      if (wedges) expect(error).toBeInstanceOf(FlameDeadlineExceededError);
      else {
        expect(error).toBeInstanceOf(FlameStatusTooLargeError);
        expect((error as Error).message).toMatch(/^GetTask failed: INTERNAL: the server's status was larger than the client accepts \(.*Protocol error\)$/);
        expect(emu.calls.filter((c) => c.method === 'getTask').length - before).toBe(1); // a read, yet not sent again
        // The connection is still up: the next call on it is answered.
        expect(await firstValueFrom(client.getTask('s', '1')).catch((e: unknown) => (e as Error).name)).toBe('FlameNotFoundError');
      }
    } finally {
      client.close();
    }
    // A fresh connection is not affected.
    const fresh = FlameClient.connect({ endpoint: emu.endpoint, env: {}, version: '0.6', backoff: fastBackoff });
    try {
      expect(await lastValueFrom(fresh.listTasks('none').pipe(toArray())).catch((e: unknown) => (e as Error).name)).toBe('FlameNotFoundError');
    } finally {
      fresh.close();
    }
  });
});

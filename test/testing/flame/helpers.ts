// Test helpers: the raw generated Frontend client against a FlameEmulator, with promisified
// unary calls and collected streams.
import * as grpc from '@grpc/grpc-js';
import { FrontendClient } from '../../../src/gen/flame/v1/frontend.js';
import type { Task } from '../../../src/gen/flame/v1/types.js';
import { FlameEmulator, type FlameEmulatorOptions } from '../../../src/testing/flame/index.js';

export interface Harness {
  emu: FlameEmulator;
  client: FrontendClient;
  close(): Promise<void>;
}

/** Starts an emulator and a plaintext client on it. */
export async function startHarness(options: FlameEmulatorOptions = {}): Promise<Harness> {
  const emu = await FlameEmulator.start({ timestampResolution: 'millisecond', ...options });
  const client = new FrontendClient(`127.0.0.1:${emu.port}`, grpc.credentials.createInsecure());
  return {
    emu,
    client,
    close: async () => {
      client.close();
      await emu.close();
    },
  };
}

type UnaryMethod<Req, Res> = (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown;

/** Calls a unary method and resolves with its response (rejects with the ServiceError). */
export function call<Req, Res>(client: FrontendClient, method: UnaryMethod<Req, Res>, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** Calls a unary method expecting failure; resolves with `{code, details}`. */
export async function callError<Req, Res>(
  client: FrontendClient,
  method: UnaryMethod<Req, Res>,
  request: Req,
): Promise<{ code: number; details: string }> {
  try {
    await call(client, method, request);
  } catch (e) {
    const err = e as grpc.ServiceError;
    return { code: err.code, details: err.details };
  }
  throw new Error('expected the call to fail');
}

export interface StreamOutcome {
  messages: Task[];
  code: number;
  details: string;
}

/** Collects a server stream until it ends; resolves with its messages and final status. */
export function collect(stream: grpc.ClientReadableStream<Task>): Promise<StreamOutcome> {
  return new Promise((resolve) => {
    const messages: Task[] = [];
    let done = false;
    stream.on('data', (m: Task) => messages.push(m));
    stream.on('error', (err: grpc.ServiceError) => {
      if (done) return;
      done = true;
      resolve({ messages, code: err.code, details: err.details });
    });
    stream.on('status', (s: grpc.StatusObject) => {
      if (done || s.code !== grpc.status.OK) return;
      done = true;
      // 'status' may come before the last 'data' is delivered; wait for 'end'.
      stream.on('end', () => resolve({ messages, code: s.code, details: s.details }));
      if (stream.readableEnded) resolve({ messages, code: s.code, details: s.details });
    });
  });
}

/** Waits until `predicate` holds, checking on every turn of the event loop (max ~2 s). */
export async function until(predicate: () => boolean, what = 'condition'): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const bytes = (text: string) => Buffer.from(text, 'utf8');

export const defaultSpec = (application: string, extra: Record<string, unknown> = {}) => ({
  application,
  minInstances: 0,
  batchSize: 1,
  priority: 0,
  ...extra,
});

// Test helpers: the raw generated Frontend client against a FlameEmulator, with promisified
// unary calls and collected streams.
import * as grpc from '@grpc/grpc-js';
import { FrontendClient, FrontendService } from '../../../src/gen/flame/v1/frontend.js';
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

type Service = typeof FrontendService;
type UnaryName = { [K in keyof Service]: Service[K]['responseStream'] extends false ? K : never }[keyof Service];
type RequestOf<K extends UnaryName> = ReturnType<Service[K]['requestDeserialize']>;
type ResponseOf<K extends UnaryName> = ReturnType<Service[K]['responseDeserialize']>;

/** Calls a unary method by name and resolves with its response (rejects with the ServiceError). */
export function call<K extends UnaryName>(client: FrontendClient, method: K, request: RequestOf<K>): Promise<ResponseOf<K>> {
  return new Promise((resolve, reject) => {
    const fn = client[method] as unknown as (
      req: RequestOf<K>,
      cb: (err: grpc.ServiceError | null, res: ResponseOf<K>) => void,
    ) => unknown;
    fn.call(client, request, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** Calls a unary method expecting failure; resolves with `{code, details}`. */
export async function callError<K extends UnaryName>(
  client: FrontendClient,
  method: K,
  request: RequestOf<K>,
): Promise<{ code: number; details: string }> {
  try {
    await call(client, method, request);
  } catch (e) {
    const err = e as grpc.ServiceError;
    return { code: err.code, details: err.details };
  }
  throw new Error(`expected ${method} to fail`);
}

export interface StreamOutcome {
  messages: Task[];
  code: number;
  details: string;
}

/** A stream being read: messages so far, and the final outcome. */
export interface OpenStream {
  messages: Task[];
  done: Promise<StreamOutcome>;
  stream: grpc.ClientReadableStream<Task>;
}

/** Starts reading a server stream. */
export function open(stream: grpc.ClientReadableStream<Task>): OpenStream {
  const messages: Task[] = [];
  const done = new Promise<StreamOutcome>((resolve) => {
    let settled = false;
    stream.on('data', (m: Task) => messages.push(m));
    stream.on('error', (err: grpc.ServiceError) => {
      if (settled) return;
      settled = true;
      resolve({ messages, code: err.code, details: err.details });
    });
    stream.on('status', (s: grpc.StatusObject) => {
      if (settled || s.code !== grpc.status.OK) return;
      settled = true;
      // 'status' can precede the delivery of the last messages; 'end' follows them.
      if (stream.readableEnded) resolve({ messages, code: s.code, details: s.details });
      else stream.on('end', () => resolve({ messages, code: s.code, details: s.details }));
    });
  });
  return { messages, done, stream };
}

/** Collects a server stream until it ends; resolves with its messages and final status. */
export function collect(stream: grpc.ClientReadableStream<Task>): Promise<StreamOutcome> {
  return open(stream).done;
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

/** Waits until an async `probe` resolves to true, retrying every 10 ms (max ~2 s). */
export async function eventually(probe: () => Promise<boolean>, what = 'condition'): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// Test helpers: the raw generated Frontend client against a FlameEmulator, with promisified
// unary calls and collected streams.
import * as grpc from '@grpc/grpc-js';
import type { FrontendClient, ListApplicationsRequest, ListExecutorsRequest, ListSessionsRequest, ListTasksRequest, WatchTaskRequest } from '../../../src/gen/flame/v1/frontend.js';
import type { ApplicationList, ExecutorList, SessionList } from '../../../src/gen/flame/v1/types.js';
import { FLAME_FRONTEND_METHODS } from '../../../src/transport/grpc/methods.js';
import type { Task } from '../../../src/gen/flame/v1/types.js';
import { FlameEmulator, type FlameEmulatorOptions } from '../../../src/testing/flame/index.js';

type Unary<Req, Res> = (request: Req, callback: (error: grpc.ServiceError | null, response: Res) => void) => grpc.ClientUnaryCall;

/** The raw client of both versions' methods (the 0.6 names beside the generated 0.7 ones). */
export type RawFrontendClient = FrontendClient & {
  listApplication: Unary<ListApplicationsRequest, ApplicationList>;
  listExecutor: Unary<ListExecutorsRequest, ExecutorList>;
  listSession: Unary<ListSessionsRequest, SessionList>;
  watchTask(request: WatchTaskRequest): grpc.ClientReadableStream<Task>;
  listTask(request: ListTasksRequest): grpc.ClientReadableStream<Task>;
};

const RawClient = grpc.makeGenericClientConstructor(
  FLAME_FRONTEND_METHODS as unknown as grpc.ServiceDefinition,
  'flame.v1.Frontend',
) as unknown as new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => RawFrontendClient;

/** A raw client of both versions' Frontend methods. */
export function rawFrontendClient(
  address: string,
  credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
  options?: grpc.ClientOptions,
): RawFrontendClient {
  return new RawClient(address, credentials, options);
}

export interface Harness {
  emu: FlameEmulator;
  client: RawFrontendClient;
  close(): Promise<void>;
}

/** Starts an emulator and a plaintext client on it. */
export async function startHarness(options: FlameEmulatorOptions = {}): Promise<Harness> {
  const emu = await FlameEmulator.start({ timestampResolution: 'millisecond', ...options });
  const client = rawFrontendClient(`127.0.0.1:${emu.port}`);
  return {
    emu,
    client,
    close: async () => {
      client.close();
      await emu.close();
    },
  };
}

type Service = typeof FLAME_FRONTEND_METHODS;
type UnaryName = { [K in keyof Service]: Service[K]['responseStream'] extends false ? K : never }[keyof Service];
type RequestOf<K extends UnaryName> = ReturnType<Service[K]['requestDeserialize']>;
type ResponseOf<K extends UnaryName> = ReturnType<Service[K]['responseDeserialize']>;

/** Calls a unary method by name and resolves with its response (rejects with the ServiceError). */
export function call<K extends UnaryName>(client: RawFrontendClient, method: K, request: RequestOf<K>): Promise<ResponseOf<K>> {
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
  client: RawFrontendClient,
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
  const deadline = Date.now() + 8000;
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
  tokens: {},
  ...extra,
});

/** Waits until an async `probe` resolves to true, retrying every 10 ms (max ~8 s: a loaded 2-core machine). */
export async function eventually(probe: () => Promise<boolean>, what = 'condition'): Promise<void> {
  const deadline = Date.now() + 8000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

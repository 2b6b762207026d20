// The Flame baselines: the raw generated grpc-js client (src/gen), making CreateTask and
// WatchTask calls by hand in three patterns (see docs/benchmarks.md).
import * as grpc from '@grpc/grpc-js';
import type { CreateSessionRequest, CreateTaskRequest, WatchTaskRequest } from '../src/gen/flame/v1/frontend.js';
import { Session, Task, TaskState } from '../src/gen/flame/v1/types.js';
import { FrontendService06 } from '../src/transport/grpc/frontend-06.js';
import { flameMethod } from '../src/transport/grpc/methods.js';
import { pool } from './measure.js';

type RawUnary<Req, Res> = (request: Req, callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown;

/** The raw generated grpc-js client of the 0.6 Frontend (the methods the bench uses). */
export interface FrontendClient extends grpc.Client {
  createSession: RawUnary<CreateSessionRequest, Session>;
  closeSession: RawUnary<{ sessionId: string }, Session>;
  createTask: RawUnary<CreateTaskRequest, Task>;
  watchTask(request: WatchTaskRequest): grpc.ClientReadableStream<Task>;
}
const FrontendClient = grpc.makeGenericClientConstructor(
  FrontendService06 as unknown as grpc.ServiceDefinition,
  'flame.v1.Frontend',
) as unknown as new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => FrontendClient;

const TERMINAL = new Set([TaskState.Succeed, TaskState.Failed, TaskState.Cancelled]);

export function rawUnary<Res>(invoke: (cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => invoke((err, res) => (err ? reject(err) : resolve(res))));
}

export function rawWatchUntilTerminal(client: FrontendClient, sessionId: string, taskId: string): Promise<Task> {
  return new Promise((resolve, reject) => {
    let last: Task | undefined;
    const call = client.watchTask({ sessionId, taskId });
    call.on('data', (t: Task) => {
      last = t;
      if (t.status && TERMINAL.has(t.status.state)) resolve(t);
    });
    call.on('error', reject);
    call.on('end', () => (last ? resolve(last) : reject(new Error('watch ended without a terminal state'))));
  });
}

export function rawFlameClient(endpoint: string): FrontendClient {
  return new FrontendClient(endpoint.replace(/^http:\/\//, ''), grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
  });
}

export async function rawSession(client: FrontendClient, application: string): Promise<string> {
  const sessionId = `raw-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  await rawUnary<Session>((cb) =>
    client.createSession({ sessionId, session: { application, minInstances: 0, batchSize: 1, priority: 0, tokens: {} } }, cb),
  );
  return sessionId;
}

/** How a baseline drives `count` tasks. */
export type RawPattern =
  /** `slots` workers, each creating a task and watching it to its end before the next (a coupled pool). */
  | { readonly kind: 'pool'; readonly slots: number }
  /** At most `creates` CreateTask calls in flight; each task is watched as soon as it is created. */
  | { readonly kind: 'pipelined'; readonly creates: number }
  /** Every task created at once, then every task watched (what flame-rs and flamepy do). */
  | { readonly kind: 'create-all-then-watch' };

/** Runs `count` tasks through the session in the given pattern; resolves when all have ended. */
export async function rawRun(client: FrontendClient, sessionId: string, count: number, pattern: RawPattern): Promise<void> {
  const input = Buffer.from('x');
  const create = () => rawUnary<Task>((cb) => client.createTask({ task: { sessionId, input, affinity: [] } }, cb));
  const watch = (task: Task) => rawWatchUntilTerminal(client, sessionId, task.metadata!.id);
  switch (pattern.kind) {
    case 'pool':
      await pool(count, pattern.slots, async () => {
        await watch(await create());
      });
      return;
    case 'pipelined': {
      const watches: Promise<Task>[] = [];
      await pool(count, pattern.creates, async () => {
        watches.push(watch(await create()));
      });
      await Promise.all(watches);
      return;
    }
    case 'create-all-then-watch': {
      const tasks = await Promise.all(Array.from({ length: count }, create));
      await Promise.all(tasks.map(watch));
      return;
    }
  }
}

/** One call on the client's grpc-js channel, under the generated client: `message` for each answer. */
function channelCall<Req, Res>(
  client: FrontendClient,
  method: { readonly path: string; readonly serialize: (r: Req) => Buffer; readonly deserialize: (b: Buffer) => Res },
  request: Req,
  message: (response: Res) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const call = client.getChannel().createCall(method.path, Infinity, undefined, null, undefined);
    call.start(WAIT_FOR_READY, {
      onReceiveMetadata() {},
      onReceiveMessage(bytes: Buffer) {
        message(method.deserialize(bytes));
        call.startRead();
      },
      onReceiveStatus(status) {
        if (status.code === grpc.status.OK) resolve();
        else reject(new Error(status.details));
      },
    });
    call.sendMessageWithContext({}, method.serialize(request));
    call.halfClose();
    call.startRead();
  });
}
const WAIT_FOR_READY = new grpc.Metadata({ waitForReady: true });

/**
 * The `pipelined` pattern made on the grpc-js channel directly (`createCall` and a
 * listener, no Client layer), as the library makes its calls: the floor of what these
 * calls cost in grpc-js, with no error mapping, domain types or watch logic.
 */
export async function rawChannelRun(client: FrontendClient, sessionId: string, count: number, creates: number): Promise<void> {
  const input = Buffer.from('x');
  const watches: Promise<void>[] = [];
  const create = flameMethod('createTask');
  const watch = flameMethod('watchTask');
  await pool(count, creates, async () => {
    let created: Task | undefined;
    await channelCall(client, create, { task: { sessionId, input, affinity: [] } }, (t) => (created = t));
    let done = false;
    watches.push(
      channelCall(client, watch, { sessionId, taskId: created!.metadata!.id }, (t) => {
        if (t.status && TERMINAL.has(t.status.state)) done = true;
      }).then(() => {
        if (!done) throw new Error('watch ended without a terminal state');
      }),
    );
  });
  await Promise.all(watches);
}

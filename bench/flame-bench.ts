// Flame: runAll over many tasks vs raw generated grpc-js calls; heap per open watch.
import * as grpc from '@grpc/grpc-js';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import type { CreateSessionRequest, CreateTaskRequest, WatchTaskRequest } from '../src/gen/flame/v1/frontend.js';
import { Session, Task, TaskState } from '../src/gen/flame/v1/types.js';
import { FlameClient } from '../src/flame.js';
import { FrontendService06 } from '../src/transport/grpc/frontend-06.js';

type RawUnary<Req, Res> = (request: Req, callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown;

/** The raw generated grpc-js client of the 0.6 Frontend (the methods the bench uses). */
interface FrontendClient extends grpc.Client {
  createSession: RawUnary<CreateSessionRequest, Session>;
  createTask: RawUnary<CreateTaskRequest, Task>;
  watchTask(request: WatchTaskRequest): grpc.ClientReadableStream<Task>;
}
const FrontendClient = grpc.makeGenericClientConstructor(
  FrontendService06 as unknown as grpc.ServiceDefinition,
  'flame.v1.Frontend',
) as unknown as new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => FrontendClient;
import { runAll } from '../src/index.js';
import { BenchLine, ROUNDS, median, pool, settledHeapBytes, timed } from './measure.js';

const TASKS = 2_000;
const CONCURRENCY = 64;
const WATCHES = 10_000;
const TERMINAL = new Set([TaskState.Succeed, TaskState.Failed, TaskState.Cancelled]);

function rawUnary<Res>(invoke: (cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => invoke((err, res) => (err ? reject(err) : resolve(res))));
}

function rawWatchUntilTerminal(client: FrontendClient, sessionId: string, taskId: string): Promise<Task> {
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

async function baselineThroughput(endpoint: string): Promise<number> {
  const client = new FrontendClient(endpoint.replace(/^http:\/\//, ''), grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
  });
  const sessionId = `raw-${Date.now()}`;
  await rawUnary<Session>((cb) =>
    client.createSession({ sessionId, session: { application: 'bench-noop', minInstances: 0, batchSize: 1, priority: 0, tokens: {} } }, cb),
  );
  const input = Buffer.from('x');
  const { ms } = await timed(() =>
    pool(TASKS, CONCURRENCY, async () => {
      const created = await rawUnary<Task>((cb) => client.createTask({ task: { sessionId, input, affinity: [] } }, cb));
      await rawWatchUntilTerminal(client, sessionId, created.metadata!.id);
    }),
  );
  client.close();
  return (TASKS / ms) * 1000;
}

async function libraryThroughput(endpoint: string): Promise<number> {
  const client = FlameClient.connect({ endpoint });
  const session = await firstValueFrom(client.createSession({ application: 'bench-noop' }));
  const input = new TextEncoder().encode('x');
  const { ms, result } = await timed(() =>
    lastValueFrom(
      from(Array.from({ length: TASKS }, () => input)).pipe(
        runAll((i) => client.invoke(session.id, i), { concurrency: CONCURRENCY, ordered: false }),
        toArray(),
      ),
    ),
  );
  if (result.length !== TASKS) throw new Error(`runAll delivered ${result.length} of ${TASKS}`);
  client.close();
  return (TASKS / ms) * 1000;
}

async function libraryHeapPerWatch(endpoint: string, version: '0.6' | '0.7' = '0.6'): Promise<number> {
  const client = FlameClient.connect({ endpoint, version });
  const session = await firstValueFrom(client.createSession({ application: 'bench-idle' }));
  const ids: string[] = [];
  await pool(WATCHES, 256, async () => {
    const t = await firstValueFrom(client.createTask(session.id, new Uint8Array([1])));
    ids.push(t.id);
  });
  const before = await settledHeapBytes();
  // Sample once every watch is open and has reconciled (emitted the task's current state
  // from its GetTask), so that no call still in flight is counted as the watch's own cost.
  let reconciled = 0;
  let allReconciled: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (allReconciled = resolve));
  const subscriptions = ids.map((id) => {
    let first = true;
    return client.watchTask(session.id, id).subscribe({
      next: () => {
        if (first && ++reconciled === WATCHES) allReconciled();
        first = false;
      },
      error: () => undefined,
    });
  });
  await ready;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const after = await settledHeapBytes();
  for (const s of subscriptions) s.unsubscribe();
  client.close();
  return (after - before) / WATCHES;
}

async function rawHeapPerWatch(endpoint: string): Promise<number> {
  const client = new FrontendClient(endpoint.replace(/^http:\/\//, ''), grpc.credentials.createInsecure());
  const sessionId = `raw-idle-${Date.now()}`;
  await rawUnary<Session>((cb) =>
    client.createSession({ sessionId, session: { application: 'bench-idle', minInstances: 0, batchSize: 1, priority: 0, tokens: {} } }, cb),
  );
  const ids: string[] = [];
  await pool(WATCHES, 256, async () => {
    const t = await rawUnary<Task>((cb) => client.createTask({ task: { sessionId, input: Buffer.from([1]), affinity: [] } }, cb));
    ids.push(t.metadata!.id);
  });
  const before = await settledHeapBytes();
  const calls = ids.map((taskId) => {
    const c = client.watchTask({ sessionId, taskId });
    c.on('error', () => undefined);
    c.on('data', () => undefined);
    return c;
  });
  // Bare streams emit nothing until the task changes: give the 10,000 calls time to open.
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  const after = await settledHeapBytes();
  for (const c of calls) c.cancel();
  client.close();
  return (after - before) / WATCHES;
}

export async function flameBench(endpoint: string, endpoint07: string): Promise<BenchLine[]> {
  // A warm-up of each path, then alternating rounds; the median of each side is reported.
  await baselineThroughput(endpoint);
  await libraryThroughput(endpoint);
  const baseRounds: number[] = [];
  const libRounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    baseRounds.push(await baselineThroughput(endpoint));
    libRounds.push(await libraryThroughput(endpoint));
  }
  const base = median(baseRounds);
  const lib = median(libRounds);
  const rawHeap = await rawHeapPerWatch(endpoint);
  const libHeap = await libraryHeapPerWatch(endpoint);
  const overhead = libHeap - rawHeap;
  const heap07 = await libraryHeapPerWatch(endpoint07, '0.7');
  return [
    {
      name: `Flame runAll, ${TASKS} tasks, concurrency ${CONCURRENCY} (tasks/s, median of ${ROUNDS})`,
      baseline: base.toFixed(0),
      library: lib.toFixed(0),
      ratio: (lib / base).toFixed(2),
      goal: '>= 0.85',
      met: lib / base >= 0.85,
    },
    {
      name: `Flame heap per open watch, ${WATCHES} watches (bytes; library includes the grpc-js stream)`,
      baseline: rawHeap.toFixed(0),
      library: libHeap.toFixed(0),
      ratio: (libHeap / rawHeap).toFixed(2),
      goal: 'n/a',
      met: true,
    },
    {
      name: `Flame heap the library adds per open watch (library − bare grpc-js stream, bytes)`,
      baseline: '0',
      library: overhead.toFixed(0),
      ratio: '-',
      goal: '< 4096 B',
      met: overhead < 4096,
    },
    {
      name: `Flame 0.7 heap per open watch, ${WATCHES} watches of one session on one shared WatchTasks stream (bytes; baseline: the library on 0.6)`,
      baseline: libHeap.toFixed(0),
      library: heap07.toFixed(0),
      ratio: (heap07 / libHeap).toFixed(2),
      goal: '<= 0.25',
      met: heap07 / libHeap <= 0.25,
    },
  ];
}

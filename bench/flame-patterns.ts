// The Flame client patterns the bench measures, each opening a fresh session per run: the
// raw generated grpc-js client and the library, layer by layer. Every pattern has at most
// 64 (runAll's default) CreateTask calls in flight and watches each task as soon as it is
// created:
//   raw        the raw generated grpc-js client (the bench's baseline)
//   channel    the same calls on the grpc-js channel directly, no Client layer (a floor)
//   transport  the library's unaryCall + serverStreamCall, messages left as decoded
//   watch      FlameClient.createTask + watchTask (domain tasks, the watch's state machine)
//   invoke     runAll((i) => session.invoke(i)): what the bench measures as "the library"
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { FlameClient, type FlameSession } from '../src/flame.js';
import { DEFAULT_RUN_ALL_CONCURRENCY, runAll } from '../src/index.js';
import { serverStreamCall } from '../src/transport/grpc/server-stream.js';
import { unaryCall } from '../src/transport/grpc/unary.js';
import { pool } from './measure.js';
import { rawChannelRun, rawFlameClient, rawRun, rawSession, rawUnary } from './raw-flame-client.js';

const CREATES = DEFAULT_RUN_ALL_CONCURRENCY;
const input = new TextEncoder().encode('x');

/** Opens a fresh session for one run of `tasks` tasks: `run` does the work, `close` ends the session. */
export type FlamePattern = (endpoint: string, tasks: number) => Promise<{ run(): Promise<unknown>; close(): Promise<void> }>;

export const flamePatterns = {
  raw: async (endpoint, tasks) => {
    const client = rawFlameClient(endpoint);
    const sessionId = await rawSession(client, 'bench-noop');
    return {
      run: () => rawRun(client, sessionId, tasks, { kind: 'pipelined', creates: CREATES }),
      close: async () => {
        await rawUnary((cb) => client.closeSession({ sessionId }, cb));
        client.close();
      },
    };
  },
  channel: async (endpoint, tasks) => {
    const client = rawFlameClient(endpoint);
    const sessionId = await rawSession(client, 'bench-noop');
    return {
      run: () => rawChannelRun(client, sessionId, tasks, CREATES),
      close: async () => {
        await rawUnary((cb) => client.closeSession({ sessionId }, cb));
        client.close();
      },
    };
  },
  transport: library((client, { id: sessionId }, tasks) => {
    const watches: Promise<unknown>[] = [];
    return pool(tasks, CREATES, async () => {
      const task = await firstValueFrom(unaryCall(client.channel, 'createTask', { task: { sessionId, input: Buffer.from(input), affinity: [] } }));
      watches.push(lastValueFrom(serverStreamCall(client.channel, 'watchTask', { sessionId, taskId: task.metadata!.id })));
    }).then(() => Promise.all(watches));
  }),
  watch: library((client, { id: sessionId }, tasks) => {
    const watches: Promise<unknown>[] = [];
    return pool(tasks, CREATES, async () => {
      const task = await firstValueFrom(client.createTask(sessionId, input));
      watches.push(lastValueFrom(client.watchTask(sessionId, task.id, { seenState: task.state, reconcileAtStart: false })));
    }).then(() => Promise.all(watches));
  }),
  invoke: library(async (_client, session, tasks) => {
    const results = await lastValueFrom(from(Array.from({ length: tasks }, () => input)).pipe(runAll((i) => session.invoke(i)), toArray()));
    if (results.length !== tasks) throw new Error(`runAll delivered ${results.length} of ${tasks}`);
  }),
} satisfies Record<string, FlamePattern>;

function library(work: (client: FlameClient, session: FlameSession, tasks: number) => Promise<unknown>): FlamePattern {
  return async (endpoint, tasks) => {
    const client = FlameClient.connect({ endpoint });
    const session = await firstValueFrom(client.createSession({ application: 'bench-noop' }));
    return {
      run: () => work(client, session, tasks),
      close: async () => {
        await firstValueFrom(session.close());
        client.close();
      },
    };
  };
}

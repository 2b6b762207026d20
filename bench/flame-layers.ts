// Where a Flame task's client cost goes, layer by layer: one process runs one pattern
// against a running emulator, `warm` unmeasured runs then `runs` measured ones of `tasks`
// tasks, and prints each measured run's client CPU per task (ms) as JSON. For instruction
// counts, run it under valgrind with two values of `runs` and divide the difference of the
// totals by the difference in tasks (docs/benchmarks.md, "Flame: instructions per task").
//
//   node build/bench/flame-layers.js <endpoint> <pattern> <tasks> <runs> <warm>
//
// Patterns, each with at most 64 CreateTask calls in flight and every task watched as soon
// as it is created:
//   raw        the raw generated grpc-js client (the bench's baseline)
//   transport  the library's unaryCall + serverStreamCall, messages left as decoded
//   watch      FlameClient.createTask + watchTask (domain tasks, the watch's state machine)
//   invoke     runAll((i) => session.invoke(i)): what the bench measures
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { FlameClient, type FlameSession } from '../src/flame.js';
import { runAll } from '../src/index.js';
import { serverStreamCall } from '../src/transport/grpc/server-stream.js';
import { unaryCall } from '../src/transport/grpc/unary.js';
import { pool } from './measure.js';
import { rawFlameClient, rawRun, rawSession, rawUnary } from './raw-flame-client.js';

const CREATES = 64;
const input = new TextEncoder().encode('x');

/** One run's work, given a fresh session; returns how to close it. */
type Pattern = (endpoint: string, tasks: number) => Promise<{ run(): Promise<unknown>; close(): Promise<void> }>;

const patterns: Record<string, Pattern> = {
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
  invoke: library((_client, session, tasks) => {
    return lastValueFrom(from(Array.from({ length: tasks }, () => input)).pipe(runAll((i) => session.invoke(i)), toArray()));
  }),
};

function library(work: (client: FlameClient, session: FlameSession, tasks: number) => Promise<unknown>): Pattern {
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

async function main(): Promise<void> {
  const [endpoint, name, tasksText, runsText, warmText] = process.argv.slice(2);
  const pattern = patterns[name ?? ''];
  if (endpoint === undefined || pattern === undefined) throw new Error(`usage: flame-layers.js <endpoint> <${Object.keys(patterns).join('|')}> <tasks> <runs> <warm>`);
  const tasks = Number(tasksText);
  const warm = Number(warmText ?? 1);
  const figures: number[] = [];
  for (let i = 0; i < warm + Number(runsText); i++) {
    const { run, close } = await pattern(endpoint, tasks);
    const start = process.cpuUsage();
    await run();
    const used = process.cpuUsage(start);
    if (i >= warm) figures.push((used.user + used.system) / 1000 / tasks);
    await close();
  }
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

// One side of the Flame CPU-per-task measure, in a client process of its own, kept warm
// between runs: `node flame-cpu-side.js <endpoint> <raw|library> <tasks>`. Each `run` line
// on stdin makes one run (a fresh session of `tasks` tasks) and answers with one JSON line:
// the run's client CPU per task (ms) and tasks/s. flame-bench.ts starts one process per
// side and alternates their runs, so that both sides meet the machine in the same state.
// A process per side: neither side's code, heap or collections count in the other's CPU.
import { createInterface } from 'node:readline';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { FlameClient } from '../src/flame.js';
import { DEFAULT_RUN_ALL_CONCURRENCY, runAll } from '../src/index.js';
import { rawFlameClient, rawRun, rawSession, rawUnary } from './raw-flame-client.js';

type Measure = (run: () => Promise<void>) => Promise<void>;

async function rawRound(endpoint: string, tasks: number, measure: Measure): Promise<void> {
  const client = rawFlameClient(endpoint);
  const sessionId = await rawSession(client, 'bench-noop');
  await measure(() => rawRun(client, sessionId, tasks, { kind: 'pipelined', creates: DEFAULT_RUN_ALL_CONCURRENCY }));
  await rawUnary((cb) => client.closeSession({ sessionId }, cb));
  client.close();
}

async function libraryRound(endpoint: string, tasks: number, measure: Measure): Promise<void> {
  const client = FlameClient.connect({ endpoint });
  const session = await firstValueFrom(client.createSession({ application: 'bench-noop' }));
  const input = new TextEncoder().encode('x');
  const inputs = Array.from({ length: tasks }, () => input);
  await measure(async () => {
    const results = await lastValueFrom(from(inputs).pipe(runAll((i) => session.invoke(i)), toArray()));
    if (results.length !== tasks) throw new Error(`runAll delivered ${results.length} of ${tasks}`);
  });
  await firstValueFrom(session.close());
  client.close();
}

async function main(): Promise<void> {
  const [endpoint, side, tasksText] = process.argv.slice(2);
  if (endpoint === undefined || (side !== 'raw' && side !== 'library')) throw new Error('usage: flame-cpu-side.js <endpoint> <raw|library> <tasks>');
  const tasks = Number(tasksText);
  const round = side === 'raw' ? rawRound : libraryRound;
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== 'run') continue;
    await round(endpoint, tasks, async (run) => {
      const start = process.cpuUsage();
      const began = process.hrtime.bigint();
      await run();
      const ms = Number(process.hrtime.bigint() - began) / 1e6;
      const used = process.cpuUsage(start);
      process.stdout.write(`${JSON.stringify({ cpuMsPerTask: (used.user + used.system) / 1000 / tasks, tasksPerSec: (tasks / ms) * 1000 })}\n`);
    });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

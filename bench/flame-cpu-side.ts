// One side of the Flame CPU-per-task measure, in a process of its own (started by
// flame-bench.ts): `node flame-cpu-side.js <endpoint> <raw|library> <tasks> <warm> <rounds>`.
// It runs `warm` unmeasured runs, then `rounds` measured ones, each on a fresh session of
// `tasks` tasks, and prints each measured run's client CPU per task (ms) and tasks/s as JSON.
// A process per side: neither side's code, heap or collections count in the other's CPU,
// and each is measured once its code is warm (the first runs of a process cost up to twice
// a warm one; the library has more code to warm than the raw client).
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { FlameClient } from '../src/flame.js';
import { DEFAULT_RUN_ALL_CONCURRENCY, runAll } from '../src/index.js';
import { rawFlameClient, rawRun, rawSession, rawUnary } from './raw-flame-client.js';

type Run = () => Promise<void>;

async function rawRound(endpoint: string, tasks: number, measure: (run: Run) => Promise<void>): Promise<void> {
  const client = rawFlameClient(endpoint);
  const sessionId = await rawSession(client, 'bench-noop');
  await measure(() => rawRun(client, sessionId, tasks, { kind: 'pipelined', creates: DEFAULT_RUN_ALL_CONCURRENCY }));
  await rawUnary((cb) => client.closeSession({ sessionId }, cb));
  client.close();
}

async function libraryRound(endpoint: string, tasks: number, measure: (run: Run) => Promise<void>): Promise<void> {
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
  const [endpoint, side, tasksText, warmText, roundsText] = process.argv.slice(2);
  if (endpoint === undefined || (side !== 'raw' && side !== 'library')) throw new Error('usage: flame-cpu-side.js <endpoint> <raw|library> <tasks> <warm> <rounds>');
  const tasks = Number(tasksText);
  const round = side === 'raw' ? rawRound : libraryRound;
  const figures: { cpuMsPerTask: number; tasksPerSec: number }[] = [];
  for (let i = 0; i < Number(warmText) + Number(roundsText); i++) {
    const measured = i >= Number(warmText);
    await round(endpoint, tasks, async (run) => {
      const start = process.cpuUsage();
      const began = process.hrtime.bigint();
      await run();
      const ms = Number(process.hrtime.bigint() - began) / 1e6;
      const used = process.cpuUsage(start);
      if (measured) figures.push({ cpuMsPerTask: (used.user + used.system) / 1000 / tasks, tasksPerSec: (tasks / ms) * 1000 });
    });
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

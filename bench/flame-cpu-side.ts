// One side of the Flame CPU-per-task measure, in a client process of its own, kept warm
// between runs: `node flame-cpu-side.js <endpoint> <raw|library|channel> <tasks>`. Each `run` line
// on stdin makes one run (a fresh session of `tasks` tasks) and answers with one JSON line:
// the run's client CPU per task (ms) and tasks/s. flame-bench.ts starts one process per
// side and alternates their runs, so that both sides meet the machine in the same state.
// A process per side: neither side's code, heap or collections count in the other's CPU.
import { createInterface } from 'node:readline';
import { flamePatterns } from './flame-patterns.js';

async function main(): Promise<void> {
  const [endpoint, side, tasksText] = process.argv.slice(2);
  if (endpoint === undefined || (side !== 'raw' && side !== 'library' && side !== 'channel')) throw new Error('usage: flame-cpu-side.js <endpoint> <raw|library|channel> <tasks>');
  const tasks = Number(tasksText);
  // The library side is `runAll((i) => session.invoke(i))` with its defaults; `channel` is
  // the raw calls on the grpc-js channel directly (a floor, not the goal's baseline).
  const pattern = side === 'raw' ? flamePatterns.raw : side === 'channel' ? flamePatterns.channel : flamePatterns.invoke;
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== 'run') continue;
    const { run, close } = await pattern(endpoint, tasks);
    const start = process.cpuUsage();
    const began = process.hrtime.bigint();
    await run();
    const ms = Number(process.hrtime.bigint() - began) / 1e6;
    const used = process.cpuUsage(start);
    await close();
    process.stdout.write(`${JSON.stringify({ cpuMsPerTask: (used.user + used.system) / 1000 / tasks, tasksPerSec: (tasks / ms) * 1000 })}\n`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

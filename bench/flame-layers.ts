// Where a Flame task's client cost goes, layer by layer: one process runs one pattern of
// bench/flame-patterns.ts against a running emulator, `warm` unmeasured runs then `runs`
// measured ones of `tasks` tasks, and prints each measured run's client CPU per task (ms)
// as JSON. For instruction counts, run it under valgrind with two values of `runs` and
// divide the difference of the totals by the difference in tasks (docs/benchmarks.md,
// "Flame: instructions per task").
//
//   node build/bench/flame-layers.js <endpoint> <raw|transport|watch|invoke> <tasks> <runs> <warm>
import { type FlamePattern, flamePatterns } from './flame-patterns.js';

async function main(): Promise<void> {
  const [endpoint, name, tasksText, runsText, warmText] = process.argv.slice(2);
  const pattern: FlamePattern | undefined =
    name !== undefined && Object.hasOwn(flamePatterns, name) ? flamePatterns[name as keyof typeof flamePatterns] : undefined;
  if (endpoint === undefined || pattern === undefined) throw new Error(`usage: flame-layers.js <endpoint> <${Object.keys(flamePatterns).join('|')}> <tasks> <runs> <warm>`);
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

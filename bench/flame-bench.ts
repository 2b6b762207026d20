// Flame: the client against a FlameEmulator in its own process. Throughput against a server
// paced like a real one (behind a 5 ms-each-way proxy), client CPU per task against a fast
// one, heap per open watch. Every figure has a raw generated grpc-js baseline in the same run.
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { FlameClient } from '../src/flame.js';
import { DEFAULT_RUN_ALL_CONCURRENCY, runAll, type RunAllOptions } from '../src/index.js';
import { startChild } from './child.js';
import type { FlameServerConfig } from './flame-server.js';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BenchLine, median, pool, settledHeapBytes, spread, timedWithCpu } from './measure.js';
import { onCores, pinning } from './pinning.js';
import { type RawPattern, rawFlameClient, rawRun, rawSession, rawUnary } from './raw-flame-client.js';
import type { Task } from '../src/gen/flame/v1/types.js';

const PACED_TASKS = 1_000;
const FAST_TASKS = 2_000;
const FLAME_ROUNDS = 3;
const WATCHES = 10_000;
/**
 * CPU per task: `CPU_PAIRS` groups of client processes, one per side, one group after the
 * other; in each, unmeasured runs of each side, then measured runs in rotating order. A process
 * keeps its own luck (what its JIT compiled, where its heap landed) through all its runs:
 * one process of the same side read 0.37 ms per task in every run where the processes
 * before and after it read 0.25–0.27, so one pair per bench made the ratio that pair's.
 */
const CPU_PAIRS = 6;
const CPU_WARM_RUNS = 3;
const CPU_RUNS_PER_PAIR = 3;
const CPU_RUNS = CPU_PAIRS * CPU_RUNS_PER_PAIR;

interface RunFigures {
  readonly tasksPerSec: number;
  readonly cpuMsPerTask: number;
}

type Side = { readonly raw: RawPattern } | { readonly library: RunAllOptions };

async function runOnce(endpoint: string, side: Side, tasks: number): Promise<RunFigures> {
  if ('raw' in side) {
    const client = rawFlameClient(endpoint);
    const sessionId = await rawSession(client, 'bench-noop');
    const { ms, cpuMs } = await timedWithCpu(() => rawRun(client, sessionId, tasks, side.raw));
    // Closing the session frees its executors for the next run (a paced cluster has 10).
    await rawUnary((cb) => client.closeSession({ sessionId }, cb));
    client.close();
    return { tasksPerSec: (tasks / ms) * 1000, cpuMsPerTask: cpuMs / tasks };
  }
  const client = FlameClient.connect({ endpoint });
  const session = await firstValueFrom(client.createSession({ application: 'bench-noop' }));
  const input = new TextEncoder().encode('x');
  const inputs = Array.from({ length: tasks }, () => input);
  const { ms, cpuMs, result } = await timedWithCpu(() =>
    lastValueFrom(from(inputs).pipe(runAll((i) => session.invoke(i), side.library), toArray())),
  );
  if (result.length !== tasks) throw new Error(`runAll delivered ${result.length} of ${tasks}`);
  await firstValueFrom(session.close());
  client.close();
  return { tasksPerSec: (tasks / ms) * 1000, cpuMsPerTask: cpuMs / tasks };
}

/** Progress on stderr, so that stdout is the table alone. */
const progress = (line: string): void => void process.stderr.write(`  ${line}\n`);

/** Warms each side once, then alternates them for `FLAME_ROUNDS`; the median of each. */
async function compare(endpoint: string, sides: Record<string, Side>, tasks: number): Promise<Record<string, RunFigures>> {
  const names = Object.keys(sides);
  for (const name of names) await runOnce(endpoint, sides[name]!, Math.min(tasks, 300));
  const rounds = new Map<string, RunFigures[]>(names.map((n) => [n, []]));
  for (let round = 0; round < FLAME_ROUNDS; round++) {
    for (const name of names) {
      const figures = await runOnce(endpoint, sides[name]!, tasks);
      rounds.get(name)!.push(figures);
      progress(`${name} round ${round + 1}: ${figures.tasksPerSec.toFixed(0)} tasks/s, ${figures.cpuMsPerTask.toFixed(3)} ms CPU/task`);
    }
  }
  return Object.fromEntries(
    names.map((n) => {
      const r = rounds.get(n)!;
      return [n, { tasksPerSec: median(r.map((x) => x.tasksPerSec)), cpuMsPerTask: median(r.map((x) => x.cpuMsPerTask)) }];
    }),
  );
}

interface SideFigures {
  readonly cpuMsPerTask: number;
  readonly tasksPerSec: number;
}

/** A warm client process of one side (bench/flame-cpu-side.ts): `run()` makes one run. */
function startSide(endpoint: string, side: CpuSide): { run(): Promise<SideFigures>; close(): void } {
  const script = fileURLToPath(new URL('./flame-cpu-side.js', import.meta.url));
  const [command, args] = onCores(pinning().clientCpus, process.execPath, [script, endpoint, side, String(FAST_TASKS)]);
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    run: async () => {
      child.stdin.write('run\n');
      const line = await lines.next();
      if (line.done === true) throw new Error(`the ${side} client process ended`);
      return JSON.parse(line.value) as SideFigures;
    },
    close: () => child.stdin.end(),
  };
}

/** The goal's baseline (raw generated client), the library, and the floor (raw calls on the channel). */
type CpuSide = 'raw' | 'library' | 'channel';
const CPU_SIDES: readonly CpuSide[] = ['raw', 'library', 'channel'];

/**
 * CPU per task of each side: `CPU_PAIRS` groups of warm client processes, one per side
 * (no side's code, heap or collections count in another's CPU), their runs alternating on
 * one fast emulator, so that the runs of a round meet the machine in the same state; the
 * order of the sides rotates from round to round.
 */
async function cpuPerTask(endpoint: string): Promise<Record<CpuSide, SideFigures[]>> {
  const results: Record<CpuSide, SideFigures[]> = { raw: [], library: [], channel: [] };
  let round = 0;
  const rotated = () => {
    const k = round++ % CPU_SIDES.length;
    return [...CPU_SIDES.slice(k), ...CPU_SIDES.slice(0, k)];
  };
  for (let pair = 0; pair < CPU_PAIRS; pair++) {
    const sides = Object.fromEntries(CPU_SIDES.map((side) => [side, startSide(endpoint, side)])) as Record<CpuSide, ReturnType<typeof startSide>>;
    for (let i = 0; i < CPU_WARM_RUNS; i++) for (const name of rotated()) await sides[name].run();
    for (let r = 0; r < CPU_RUNS_PER_PAIR; r++) {
      for (const name of rotated()) results[name].push(await sides[name].run());
      progress(
        `cpu pair ${pair + 1} run ${r + 1}: ${CPU_SIDES.map((side) => `${side} ${results[side].at(-1)!.cpuMsPerTask.toFixed(3)}`).join(', ')} ms CPU/task`,
      );
    }
    for (const side of CPU_SIDES) sides[side].close();
  }
  return results;
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
  // Sampled once every watch has reconciled (emitted the task's current state from its
  // GetTask), so that no call still in flight counts as the watch's own cost.
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
  const client = rawFlameClient(endpoint);
  const sessionId = await rawSession(client, 'bench-idle');
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
  // Bare streams emit nothing until the task changes: give the calls time to open.
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  const after = await settledHeapBytes();
  for (const c of calls) c.cancel();
  client.close();
  return (after - before) / WATCHES;
}

const throughputLine = (name: string, base: RunFigures, lib: RunFigures, goal: number): BenchLine => ({
  name,
  baseline: `${base.tasksPerSec.toFixed(0)} tasks/s, ${base.cpuMsPerTask.toFixed(3)} ms CPU/task`,
  library: `${lib.tasksPerSec.toFixed(0)} tasks/s, ${lib.cpuMsPerTask.toFixed(3)} ms CPU/task`,
  ratio: (lib.tasksPerSec / base.tasksPerSec).toFixed(2),
  goal: `>= ${goal.toFixed(2)}`,
  met: lib.tasksPerSec / base.tasksPerSec >= goal,
});

export async function flameBench(): Promise<BenchLine[]> {
  const lines: BenchLine[] = [];
  const paced = await startChild<{ endpoint: string }>('flame-server', { paced: true, latencyMs: 5 } satisfies FlameServerConfig);
  const p = await compare(
    paced.info.endpoint,
    {
      rawPool16: { raw: { kind: 'pool', slots: 16 } },
      rawCreateAll: { raw: { kind: 'create-all-then-watch' } },
      libDefault: { library: {} },
      libUnordered: { library: { ordered: false } },
    },
    PACED_TASKS,
  );
  await paced.close();
  const pacedName = `Flame, paced emulator (10 executors × 10 ms, 100 ms bind interval, 3 ms CreateTask) behind 5 ms each way, ${PACED_TASKS} tasks, median of ${FLAME_ROUNDS}`;
  lines.push(
    throughputLine(`${pacedName}: runAll defaults (ordered, ${DEFAULT_RUN_ALL_CONCURRENCY} creates in flight) vs raw create-all-then-watch`, p.rawCreateAll!, p.libDefault!, 0.95),
    throughputLine(`${pacedName}: runAll ordered: false vs raw create-all-then-watch`, p.rawCreateAll!, p.libUnordered!, 0.95),
    throughputLine(`${pacedName}: raw coupled pool of 16 (create, watch to end, next) vs raw create-all-then-watch`, p.rawCreateAll!, p.rawPool16!, 0),
  );

  const fast = await startChild<{ endpoint: string }>('flame-server', { paced: false, latencyMs: 0 } satisfies FlameServerConfig);
  const cpu = await cpuPerTask(fast.info.endpoint);
  const libraryCpu = median(cpu.library.map((f) => f.cpuMsPerTask));
  const cpuRatio = libraryCpu / median(cpu.raw.map((f) => f.cpuMsPerTask));
  const cell = (runs: readonly SideFigures[]) =>
    `${spread(runs.map((f) => f.cpuMsPerTask), 3)} ms (${median(runs.map((f) => f.tasksPerSec)).toFixed(0)} tasks/s)`;
  const paired = cpu.library.map((f, i) => f.cpuMsPerTask / cpu.raw[i]!.cpuMsPerTask);
  const sidesText = `${CPU_PAIRS} groups of warm client processes (one per side), each ${CPU_WARM_RUNS} warm-up runs per side, then ${CPU_RUNS_PER_PAIR} runs of each in rotating order; median of all ${CPU_RUNS} runs (range)`;
  lines.push({
    name: `Flame client CPU per task, fast emulator in its own process, ${FAST_TASKS} tasks per run, runAll defaults vs raw generated grpc-js client in the same pattern (${DEFAULT_RUN_ALL_CONCURRENCY} creates in flight, watch each when created); ${sidesText}`,
    baseline: cell(cpu.raw),
    library: cell(cpu.library),
    ratio: `${cpuRatio.toFixed(2)} (paired runs ${Math.min(...paired).toFixed(2)}–${Math.max(...paired).toFixed(2)}, their median ${median(paired).toFixed(2)})`,
    goal: '<= 1.10 and <= 0.8 ms',
    met: cpuRatio <= 1.1 && libraryCpu <= 0.8,
  });
  const floorPaired = cpu.library.map((f, i) => f.cpuMsPerTask / cpu.channel[i]!.cpuMsPerTask);
  lines.push({
    name: `Flame client CPU per task against a stronger floor: the same raw calls made on the grpc-js channel directly (createCall, no Client layer), as the library makes them; same runs`,
    baseline: cell(cpu.channel),
    library: cell(cpu.library),
    ratio: `${(libraryCpu / median(cpu.channel.map((f) => f.cpuMsPerTask))).toFixed(2)} (paired runs ${Math.min(...floorPaired).toFixed(2)}–${Math.max(...floorPaired).toFixed(2)}, their median ${median(floorPaired).toFixed(2)})`,
    goal: 'n/a',
    met: true,
  });

  const rawHeap = await rawHeapPerWatch(fast.info.endpoint);
  const libHeap = await libraryHeapPerWatch(fast.info.endpoint);
  await fast.close();
  const fast07 = await startChild<{ endpoint: string }>('flame-server', { paced: false, latencyMs: 0, version: '0.7' } satisfies FlameServerConfig);
  const heap07 = await libraryHeapPerWatch(fast07.info.endpoint, '0.7');
  await fast07.close();
  lines.push(
    {
      name: `Flame heap per open watch, ${WATCHES} watches (bytes; library includes the grpc-js stream)`,
      baseline: rawHeap.toFixed(0),
      library: libHeap.toFixed(0),
      ratio: (libHeap / rawHeap).toFixed(2),
      goal: 'n/a',
      met: true,
    },
    {
      name: 'Flame heap the library adds per open watch (library − bare grpc-js stream, bytes)',
      baseline: '0',
      library: (libHeap - rawHeap).toFixed(0),
      ratio: '-',
      goal: '< 4096 B',
      met: libHeap - rawHeap < 4096,
    },
    {
      name: `Flame 0.7 heap per open watch, ${WATCHES} watches of one session on one shared WatchTasks stream (bytes; baseline: the library on 0.6)`,
      baseline: libHeap.toFixed(0),
      library: heap07.toFixed(0),
      ratio: (heap07 / libHeap).toFixed(2),
      goal: '<= 0.25',
      met: heap07 / libHeap <= 0.25,
    },
  );
  return lines;
}

// Small helpers shared by the benchmarks: timing, heap sampling, formatting.

/** Runs `fn` and returns its result with the elapsed wall time in ms. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** Heap in use after a full collection (run node with --expose-gc). */
export async function settledHeapBytes(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

export interface BenchLine {
  readonly name: string;
  readonly baseline: string;
  readonly library: string;
  readonly ratio: string;
  readonly goal: string;
  readonly met: boolean;
}

/** Prints the result lines as a Markdown table (pasted into docs/benchmarks.md). */
export function printTable(lines: readonly BenchLine[]): void {
  console.log('| measure | baseline | flame-pie-rx | ratio | goal | met |');
  console.log('|---|---|---|---|---|---|');
  for (const l of lines) {
    console.log(`| ${l.name} | ${l.baseline} | ${l.library} | ${l.ratio} | ${l.goal} | ${l.met ? 'yes' : 'no'} |`);
  }
}

/** Runs `worker(i)` for i in [0, count) with at most `concurrency` in flight. */
export async function pool(count: number, concurrency: number, worker: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      await worker(i);
    }
  });
  await Promise.all(runners);
}

/** The median of a few measurements (robust against one disturbed round). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds per measure: baseline and library alternate, the median of each is reported. */
export const ROUNDS = 5;

/** One timed run: wall time and this process's CPU (user + system, and system apart) over it, with its page faults and context switches. */
export async function timedWithCpu<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; ms: number; cpuMs: number; systemMs: number; pageFaults: number; switches: number }> {
  // One getrusage per end: resourceUsage has the CPU times (µs) that cpuUsage reports.
  const before = process.resourceUsage();
  const { result, ms } = await timed(fn);
  const after = process.resourceUsage();
  const user = after.userCPUTime - before.userCPUTime;
  const system = after.systemCPUTime - before.systemCPUTime;
  return {
    result,
    ms,
    cpuMs: (user + system) / 1000,
    systemMs: system / 1000,
    pageFaults: after.minorPageFault - before.minorPageFault,
    switches: after.voluntaryContextSwitches - before.voluntaryContextSwitches + after.involuntaryContextSwitches - before.involuntaryContextSwitches,
  };
}

/** A figure with fixed decimals. */
export const fixed = (value: number, digits: number): string => value.toFixed(digits);

/** `median (min–max)` of per-round figures, for the table's cells. */
export function spread(values: readonly number[], digits: number): string {
  return `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
}

/** Runs a full collection if node was started with --expose-gc (before each timed round). */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

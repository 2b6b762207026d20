// Start-up: the time and memory of importing each entry point of the built package (dist/,
// by its own name: `import('flame-pie-rx/flame')`), in a fresh node process per sample,
// against importing what a raw client needs (ws + @msgpack/msgpack for Pie; the generated
// grpc-js client for Flame). Samples of every target are interleaved, the order rotating,
// so that a change in the machine's load falls on all of them alike.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BenchLine, median } from './measure.js';

const SAMPLES = 9;
const root = fileURLToPath(new URL('../..', import.meta.url));
const built = (path: string) => pathToFileURL(`${root}dist/esm/${path}`).href;

interface StartupSample {
  /** Time of the imports alone, ms. */
  importMs: number;
  /** Wall time of the whole process, from spawn to exit, ms. */
  processMs: number;
  /** Heap used after the imports, bytes. */
  heapBytes: number;
  rssBytes: number;
  /** Spawn-to-exit range over the samples (measureAll only). */
  range?: string;
}

function sample(specifiers: readonly string[]): StartupSample {
  const code = [
    'const t0 = performance.now();',
    ...specifiers.map((s) => `await import(${JSON.stringify(s)});`),
    'const importMs = performance.now() - t0;',
    'globalThis.gc?.();',
    'const m = process.memoryUsage();',
    'console.log(JSON.stringify({ importMs, heapBytes: m.heapUsed, rssBytes: m.rss }));',
  ].join('\n');
  const start = process.hrtime.bigint();
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  const processMs = Number(process.hrtime.bigint() - start) / 1e6;
  return { ...(JSON.parse(out) as Omit<StartupSample, 'processMs'>), processMs };
}

/** Medians over SAMPLES interleaved samples of each target (after one warm-up sample of each). */
function measureAll(targets: readonly (readonly string[])[]): StartupSample[] {
  for (const target of targets) sample(target); // warm the file system cache
  const samples: StartupSample[][] = targets.map(() => []);
  for (let round = 0; round < SAMPLES; round++) {
    for (let k = 0; k < targets.length; k++) {
      const index = (round + k) % targets.length;
      samples[index]!.push(sample(targets[index]!));
    }
  }
  return samples.map((all) => ({
    importMs: median(all.map((s) => s.importMs)),
    processMs: median(all.map((s) => s.processMs)),
    heapBytes: median(all.map((s) => s.heapBytes)),
    rssBytes: median(all.map((s) => s.rssBytes)),
    range: `${Math.min(...all.map((s) => s.processMs)).toFixed(0)}–${Math.max(...all.map((s) => s.processMs)).toFixed(0)}`,
  }));
}

const mib = (bytes: number) => (bytes / 1048576).toFixed(1);

export async function startupBench(): Promise<BenchLine[]> {
  if (!existsSync(`${root}dist/esm/flame.js`)) throw new Error('start-up is measured on the built package: run `npm run build` first');
  const names = ['flame-pie-rx/pie', 'flame-pie-rx/flame', 'flame-pie-rx', 'flame-pie-rx/testing'];
  const [empty, rawPie, rawFlame, ...libs] = measureAll([[], ['ws', '@msgpack/msgpack'], [built('gen/flame/v1/frontend.js')], ...names.map((name) => [name])]);
  const lines: BenchLine[] = [];
  const cell = (s: StartupSample) =>
    `${s.processMs.toFixed(0)} ms (${s.range ?? ''}; import ${s.importMs.toFixed(0)} ms, +${mib(s.heapBytes - empty!.heapBytes)} MiB heap, +${mib(s.rssBytes - empty!.rssBytes)} MiB RSS)`;
  names.forEach((name, i) => {
    const lib = libs[i]!;
    const raw = name.endsWith('/pie') ? rawPie! : rawFlame!;
    const rawName = raw === rawPie ? 'ws + @msgpack/msgpack' : 'generated grpc-js client';
    const judged = name.endsWith('/pie') || name.endsWith('/flame');
    lines.push({
      name: `Start-up: process with \`import('${name}')\` vs ${rawName} (ms spawn to exit, median of ${SAMPLES} interleaved (range); import alone; heap and RSS over an empty node)`,
      baseline: cell(raw),
      library: cell(lib),
      ratio: (lib.processMs / raw.processMs).toFixed(2),
      goal: judged ? '<= 1.5' : 'n/a',
      met: judged ? lib.processMs / raw.processMs <= 1.5 : true,
    });
  });
  lines.push({
    name: `Start-up: an empty node process (ms spawn to exit, median of ${SAMPLES} (range))`,
    baseline: `${empty!.processMs.toFixed(0)} ms (${empty!.range ?? ''})`,
    library: '-',
    ratio: '-',
    goal: 'n/a',
    met: true,
  });
  return lines;
}

// Start-up: the time and memory of importing each entry point, in a fresh node process per
// sample, against importing what a raw client needs (ws + @msgpack/msgpack for Pie; the
// generated grpc-js client for Flame).
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BenchLine, median } from './measure.js';

const SAMPLES = 5;
const root = fileURLToPath(new URL('../..', import.meta.url));
const built = (path: string) => pathToFileURL(`${root}build/src/${path}`).href;

interface StartupSample {
  /** Time of the imports alone, ms. */
  importMs: number;
  /** Wall time of the whole process, from spawn to exit, ms. */
  processMs: number;
  /** Heap used after the imports, bytes. */
  heapBytes: number;
  rssBytes: number;
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

function measure(specifiers: readonly string[]): StartupSample {
  sample(specifiers); // warm the file system cache
  const samples = Array.from({ length: SAMPLES }, () => sample(specifiers));
  return {
    importMs: median(samples.map((s) => s.importMs)),
    processMs: median(samples.map((s) => s.processMs)),
    heapBytes: median(samples.map((s) => s.heapBytes)),
    rssBytes: median(samples.map((s) => s.rssBytes)),
  };
}

const mib = (bytes: number) => (bytes / 1048576).toFixed(1);

export async function startupBench(): Promise<BenchLine[]> {
  const empty = measure([]);
  const rawPie = measure(['ws', '@msgpack/msgpack']);
  const rawFlame = measure([built('gen/flame/v1/frontend.js')]);
  const entries: [string, string, StartupSample][] = [
    ['flame-pie-rx/pie', built('pie.js'), rawPie],
    ['flame-pie-rx/flame', built('flame.js'), rawFlame],
    ['flame-pie-rx', built('index.js'), rawFlame],
    ['flame-pie-rx/testing', built('testing.js'), rawFlame],
  ];
  const lines: BenchLine[] = [];
  for (const [name, file, raw] of entries) {
    const lib = measure([file]);
    const rawName = raw === rawPie ? 'ws + @msgpack/msgpack' : 'generated grpc-js client';
    lines.push({
      name: `Start-up: process with \`import('${name}')\` vs ${rawName} (ms spawn to exit, median of ${SAMPLES}; import alone; heap and RSS over an empty node)`,
      baseline: `${raw.processMs.toFixed(0)} ms (import ${raw.importMs.toFixed(0)} ms, +${mib(raw.heapBytes - empty.heapBytes)} MiB heap, +${mib(raw.rssBytes - empty.rssBytes)} MiB RSS)`,
      library: `${lib.processMs.toFixed(0)} ms (import ${lib.importMs.toFixed(0)} ms, +${mib(lib.heapBytes - empty.heapBytes)} MiB heap, +${mib(lib.rssBytes - empty.rssBytes)} MiB RSS)`,
      ratio: (lib.processMs / raw.processMs).toFixed(2),
      goal: name.endsWith('/pie') || name.endsWith('/flame') ? '<= 1.5' : 'n/a',
      met: name.endsWith('/pie') || name.endsWith('/flame') ? lib.processMs / raw.processMs <= 1.5 : true,
    });
  }
  lines.push({
    name: `Start-up: an empty node process (ms spawn to exit, median of ${SAMPLES})`,
    baseline: `${empty.processMs.toFixed(0)} ms`,
    library: '-',
    ratio: '-',
    goal: 'n/a',
    met: true,
  });
  return lines;
}

// Flame client CPU per task of this tree against another build of the library, in one
// process and one session of the shared machine: raw pipelined grpc-js, this tree's
// `build/src` and `<other>/build/src` (a checkout of another commit, built with
// `npx tsc -p tsconfig.bench.json`), alternating in a rotating order, `gc()` before each.
// `node --expose-gc build/bench/flame-cpu-ab.js /tmp/old` (ROUNDS, TASKS in the environment).
import { firstValueFrom, from, lastValueFrom, toArray, type Observable } from 'rxjs';
import { join } from 'node:path';
import { startChild } from './child.js';
import { median, timedWithCpu } from './measure.js';
import { rawFlameClient, rawRun, rawSession, rawUnary } from './raw-flame-client.js';

interface Library {
  FlameClient: typeof import('../src/flame.js').FlameClient;
  runAll: typeof import('../src/index.js').runAll;
}

async function load(src: string): Promise<Library> {
  const flame = (await import(join(src, 'flame.js'))) as typeof import('../src/flame.js');
  const index = (await import(join(src, 'index.js'))) as typeof import('../src/index.js');
  return { FlameClient: flame.FlameClient, runAll: index.runAll };
}

async function main(): Promise<void> {
  const other = process.argv[2];
  if (other === undefined) throw new Error('usage: flame-cpu-ab.js <other tree with build/src>');
  const tasks = Number(process.env['TASKS'] ?? 2000);
  const rounds = Number(process.env['ROUNDS'] ?? 8);
  const libraries = new Map<string, Library>([
    ['this', await load(new URL('../src/', import.meta.url).pathname)],
    ['other', await load(join(other, 'build/src'))],
  ]);
  const server = await startChild<{ endpoint: string }>('flame-server', { paced: false, latencyMs: 0 });
  const endpoint = server.info.endpoint;
  const run = async (side: string, count: number): Promise<number> => {
    const library = libraries.get(side);
    if (library === undefined) {
      const client = rawFlameClient(endpoint);
      const sessionId = await rawSession(client, 'bench-noop');
      const { cpuMs } = await timedWithCpu(() => rawRun(client, sessionId, count, { kind: 'pipelined', creates: 64 }));
      await rawUnary((cb) => client.closeSession({ sessionId }, cb));
      client.close();
      return cpuMs / count;
    }
    const client = library.FlameClient.connect({ endpoint });
    const session = await firstValueFrom(client.createSession({ application: 'bench-noop' }));
    const inputs = Array.from({ length: count }, () => new Uint8Array([120]));
    const { cpuMs, result } = await timedWithCpu(() =>
      lastValueFrom(from(inputs).pipe(library.runAll((i: Uint8Array): Observable<Uint8Array | undefined> => session.invoke(i)), toArray())),
    );
    if (result.length !== count) throw new Error(`${side}: ${result.length} of ${count} tasks`);
    await firstValueFrom(session.close());
    client.close();
    return cpuMs / count;
  };
  const sides = ['raw', 'this', 'other'];
  for (const side of sides) for (let i = 0; i < 2; i++) await run(side, 300);
  const figures = new Map<string, number[]>(sides.map((s) => [s, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(k + round) % sides.length]!;
      (globalThis as { gc?: () => void }).gc?.();
      figures.get(side)!.push(await run(side, tasks));
    }
    process.stderr.write(`  round ${round + 1}: ${sides.map((s) => `${s} ${figures.get(s)!.at(-1)!.toFixed(3)}`).join(', ')}\n`);
  }
  const raw = median(figures.get('raw')!);
  for (const side of sides) {
    const f = figures.get(side)!;
    const ratio = side === 'raw' ? '' : `, ${(median(f) / raw).toFixed(2)}× raw`;
    console.log(`${side}: ${median(f).toFixed(3)} ms CPU/task (${Math.min(...f).toFixed(3)}–${Math.max(...f).toFixed(3)})${ratio}`);
  }
  await server.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

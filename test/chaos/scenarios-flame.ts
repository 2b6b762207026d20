// Flame chaos scenarios, parametrised by size: the CI tests (test/chaos/*.test.ts) run them
// small and assert; `npm run chaos` runs them at full size and prints the table.
import { lastValueFrom, mergeMap, range, toArray } from 'rxjs';
import { FlameClient, textCodec } from '../../src/flame.js';
import { runAll } from '../../src/index.js';
import { FaultProxy, FlameEmulator } from '../../src/testing.js';
import { backoffPolicy } from '../../src/transport/backoff.js';
import { type ChaosResult, activeHandles, settleHandles, sleep } from './chaos-metrics.js';

const fast = backoffPolicy({ initialDelayMs: 20, maxDelayMs: 250 });

/**
 * `tasks` inputs through `runAll(invoke)` while the proxy resets every connection `kills`
 * times at random moments. Counts outputs per input (lost, duplicated, out of order) and the
 * tasks the server holds (must equal `tasks`).
 */
export async function flamePipelineUnderKills(size: { tasks: number; kills: number; concurrency?: number; timeoutMs?: number }): Promise<ChaosResult> {
  const baseline = activeHandles();
  const started = Date.now();
  const emu = await FlameEmulator.start({ timestampResolution: 'millisecond', callLogLimit: 0 });
  emu.handle('echo', async (input) => {
    await sleep(Math.random() * 3);
    return input;
  }, { maxInstances: 16 });
  const proxy = await FaultProxy.start(emu.port);
  const client = FlameClient.connect({ endpoint: proxy.url('http'), env: {}, backoff: fast });
  const direct = FlameClient.connect({ endpoint: emu.endpoint, env: {}, backoff: fast });
  let done = false;
  let hung = 0;
  const outputs: number[] = [];
  try {
    const session = await lastValueFrom(client.createSession('echo'));
    const killer = (async () => {
      let kills = 0;
      while (!done && kills < size.kills) {
        await sleep(5 + Math.random() * Math.max(20, (size.tasks / size.kills) * 0.6));
        if (done) break;
        if (proxy.killAll() > 0) kills += 1; // a reset while reconnecting kills nothing
      }
    })();
    const pipeline = lastValueFrom(
      range(0, size.tasks).pipe(
        runAll((n) => session.invoke(String(n), { input: textCodec, output: textCodec }), { concurrency: size.concurrency ?? 16 }),
        toArray(),
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), size.timeoutMs ?? 120_000)));
    const result = await Promise.race([pipeline, timedOut]);
    clearTimeout(timer);
    done = true;
    await killer;
    if (result === undefined) hung = 1;
    else outputs.push(...result.map(Number));
    const serverTasks = (await lastValueFrom(direct.listTasks(session.id).pipe(toArray()))).length;
    const counts = new Map<number, number>();
    for (const o of outputs) counts.set(o, (counts.get(o) ?? 0) + 1);
    let reordered = 0;
    for (let i = 1; i < outputs.length; i++) if (outputs[i]! < outputs[i - 1]!) reordered += 1;
    return {
      scenario: `Flame runAll ${size.tasks} tasks`,
      kills: proxy.stats.killed,
      lost: size.tasks - counts.size,
      duplicated: outputs.length - counts.size,
      reordered,
      hung,
      extra: { serverTasks, serverDuplicates: serverTasks - size.tasks },
      ms: Date.now() - started,
      leaked: await closeAll([client, direct], proxy, emu, baseline),
    };
  } finally {
    done = true;
    client.close();
    direct.close();
    await proxy.close();
    await emu.close();
  }
}

/**
 * `watches` open task watches; `cancelled` of them are unsubscribed at once; then every
 * task runs. The others must each deliver their terminal state exactly once.
 */
export async function flameMassCancellation(size: { watches: number; cancelled: number; timeoutMs?: number }): Promise<ChaosResult> {
  const baseline = activeHandles();
  const started = Date.now();
  const emu = await FlameEmulator.start({ timestampResolution: 'millisecond', callLogLimit: 0 });
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  emu.handle('hold', async () => {
    await gate;
    return 'ok';
  }, { maxInstances: 64 });
  const client = FlameClient.connect({ endpoint: emu.endpoint, env: {}, backoff: fast });
  let connectionsLost = 0;
  client.state$.subscribe((s) => {
    if (s.kind === 'reconnecting') connectionsLost += 1;
  });
  try {
    const session = await lastValueFrom(client.createSession('hold'));
    const tasks = await lastValueFrom(range(0, size.watches).pipe(mergeMap(() => session.createTask(), 64), toArray()));
    const terminal = new Map<string, number>();
    const errors: unknown[] = [];
    const subscriptions = tasks.map((task) =>
      session.watchTask(task.id).subscribe({
        next: (t) => {
          if (t.state === 'Succeed') terminal.set(task.id, (terminal.get(task.id) ?? 0) + 1);
        },
        error: (e: unknown) => errors.push(e),
      }),
    );
    while (emu.openStreams < size.watches) await sleep(10);
    for (let i = 0; i < size.cancelled; i++) subscriptions[i]!.unsubscribe();
    await sleep(200);
    open();
    const survivors = size.watches - size.cancelled;
    const deadline = Date.now() + (size.timeoutMs ?? 120_000);
    while (terminal.size + errors.length < survivors && Date.now() < deadline) await sleep(20);
    await sleep(100); // a late duplicate would show now
    const delivered = [...terminal.entries()].filter(([id]) => tasks.findIndex((t) => t.id === id) >= size.cancelled);
    const leakedToCancelled = terminal.size - delivered.length;
    return {
      scenario: `Flame ${size.watches} watches, ${size.cancelled} cancelled at once`,
      kills: connectionsLost,
      lost: survivors - delivered.length,
      duplicated: delivered.filter(([, n]) => n > 1).length + leakedToCancelled,
      reordered: 0,
      hung: survivors - delivered.length - errors.length > 0 ? 1 : 0,
      extra: { errors: errors.length },
      ms: Date.now() - started,
      leaked: await closeAll([client], undefined, emu, baseline),
    };
  } finally {
    open();
    client.close();
    await emu.close();
  }
}

async function closeAll(clients: FlameClient[], proxy: FaultProxy | undefined, emu: FlameEmulator, baseline: number): Promise<number> {
  for (const c of clients) c.close();
  await proxy?.close();
  await emu.close();
  return settleHandles(baseline, 1000);
}

// Pie chaos scenarios, parametrised by size (see scenarios-flame.ts).
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { PieClient } from '../../src/pie.js';
import { FaultProxy, PieEmulator } from '../../src/testing.js';
import { backoffPolicy } from '../../src/transport/backoff.js';
import { type ChaosResult, activeHandles, settleHandles, sleep } from './chaos-metrics.js';

const fast = backoffPolicy({ initialDelayMs: 10, maxDelayMs: 100 });

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) return false;
    await sleep(5);
  }
  return true;
}

/**
 * `processes` processes of `eventsEach` numbered stdout events each, followed through a
 * proxy that resets the connection `kills` times while they stream (designed detach mode:
 * the engine buffers while detached and replays on attach). Counts events lost (the 0.4
 * protocol has no acknowledgements: what was written into a socket that then died is
 * gone), duplicated and out of order, and streams that never ended.
 */
export async function pieProcessesUnderKills(size: { processes: number; eventsEach: number; kills: number; timeoutMs?: number }): Promise<ChaosResult> {
  const started = Date.now();
  const emu = await PieEmulator.start({ tokenFailureDelayMs: 0 });
  const proxy = await FaultProxy.start(emu.url);
  const baseline = activeHandles();
  let emitting = size.processes;
  emu.registerInferlet('count@1.0.0', async (ctx) => {
    for (let i = 0; i < size.eventsEach; i++) {
      ctx.stdout(`${i},`);
      if (i % 10 === 9) await sleep(1); // a model's pace, not a burst into the socket buffer
    }
    emitting -= 1;
    await ctx.nextSignal();
    return 'done';
  });
  const client = await PieClient.connect(proxy.url('ws'), { username: 'chaos' }, { heartbeat: false, backoff: fast });
  const seen: number[][] = Array.from({ length: size.processes }, () => []);
  let lastEventAt = Date.now();
  let ended = 0;
  let failed = 0;
  try {
    const handles = await Promise.all(Array.from({ length: size.processes }, () => firstValueFrom(client.launch('count@1.0.0', {}))));
    handles.forEach((handle, p) =>
      handle.events$.subscribe({
        next: (event) => {
          lastEventAt = Date.now();
          if (event.kind !== 'stdout') return;
          for (const part of event.text.split(',')) if (part !== '') seen[p]!.push(Number(part));
        },
        complete: () => (ended += 1),
        error: () => {
          ended += 1;
          failed += 1;
        },
      }),
    );
    let kills = 0;
    while (kills < size.kills && emitting > 0) {
      await sleep(20 + Math.random() * 60);
      if (emu.connectionCount > 0 && proxy.killAll() > 0) kills += 1;
    }
    await until(() => emitting === 0, size.timeoutMs ?? 60_000);
    await until(() => Date.now() - lastEventAt > 300, 10_000);
    for (const handle of handles) handle.signal('end').subscribe({ error: () => undefined });
    const finished = await until(() => ended === size.processes, size.timeoutMs ?? 60_000);
    let lost = 0;
    let duplicated = 0;
    let reordered = 0;
    for (const values of seen) {
      const distinct = new Set(values);
      lost += size.eventsEach - distinct.size;
      duplicated += values.length - distinct.size;
      for (let i = 1; i < values.length; i++) if (values[i]! < values[i - 1]!) reordered += 1;
    }
    client.close();
    await sleep(0);
    return {
      scenario: `Pie ${size.processes} process(es) × ${size.eventsEach} events`,
      kills,
      lost,
      duplicated,
      reordered,
      hung: finished ? 0 : size.processes - ended,
      leaked: await settleHandles(baseline),
      ms: Date.now() - started,
      extra: { failedStreams: failed },
    };
  } finally {
    client.close();
    await proxy.close();
    await emu.close();
  }
}

/**
 * A half-open link under a `listProcesses` poller: the heartbeat must declare it dead from
 * the silence (not be kept alive by pending requests), terminate it and reconnect.
 */
export async function pieHalfOpenLinks(size: { links: number; pollMs: number; heartbeatMs: number; timeoutMs?: number }): Promise<ChaosResult> {
  const started = Date.now();
  const emu = await PieEmulator.start({ tokenFailureDelayMs: 0 });
  const proxy = await FaultProxy.start(emu.url);
  const baseline = activeHandles();
  const client = await PieClient.connect(proxy.url('ws'), { username: 'chaos' }, {
    heartbeat: { intervalMs: size.heartbeatMs, maxMissed: 2 },
    backoff: fast,
    requestTimeoutMs: size.heartbeatMs * 2,
  });
  let session = 1;
  client.state$.subscribe((s) => {
    if (s.kind === 'ready') session += 1;
  });
  session = 1;
  const poller = setInterval(() => client.listProcesses().subscribe({ error: () => undefined }), size.pollMs);
  let hung = 0;
  let worstMs = 0;
  try {
    for (let link = 0; link < size.links; link++) {
      const before = session;
      const cut = Date.now();
      proxy.halfOpen();
      const back = await until(() => session > before, size.timeoutMs ?? 10_000);
      if (!back) hung += 1;
      worstMs = Math.max(worstMs, Date.now() - cut);
      // The dead link's sockets are gone at once (terminate), not 30 s later.
      await until(() => proxy.connectionCount === 1 && emu.connectionCount === 1, 1000);
    }
    const lingering = proxy.connectionCount - 1;
    clearInterval(poller);
    client.close();
    return {
      scenario: `Pie half-open links (poller every ${size.pollMs} ms)`,
      kills: size.links,
      lost: 0,
      duplicated: 0,
      reordered: 0,
      hung,
      leaked: await settleHandles(baseline),
      ms: Date.now() - started,
      extra: { worstDetectAndReconnectMs: worstMs, lingeringSockets: lingering },
    };
  } finally {
    clearInterval(poller);
    client.close();
    await proxy.close();
    await emu.close();
  }
}

/**
 * `cycles` connect/close cycles, a third of them closed on a half-open link and a third
 * with a paused async iterator: after each `close()` every socket and timer of the client
 * must be gone within 100 ms.
 */
export async function pieConnectCloseCycles(size: { cycles: number }): Promise<ChaosResult> {
  const started = Date.now();
  const emu = await PieEmulator.start({ tokenFailureDelayMs: 0 });
  emu.registerInferlet('flood@1.0.0', async (ctx) => {
    for (let i = 0; i < 5000; i++) ctx.stdout(`line ${i} ${'x'.repeat(200)}\n`);
    await ctx.nextSignal();
    return 'done';
  });
  const proxy = await FaultProxy.start(emu.url);
  const baseline = activeHandles();
  let slow = 0;
  let worstMs = 0;
  try {
    for (let cycle = 0; cycle < size.cycles; cycle++) {
      const client = await PieClient.connect(proxy.url('ws'), { username: 'chaos' }, { heartbeat: { intervalMs: 1000, maxMissed: 3 }, backoff: fast });
      if (cycle % 3 === 1) proxy.halfOpen();
      if (cycle % 3 === 2) {
        const iterator = client.toAsyncIterable(client.launchProcess('flood@1.0.0', {}), { highWaterMark: 2 })[Symbol.asyncIterator]();
        await iterator.next();
        await sleep(20); // the queue fills and reading pauses
      }
      const closedAt = Date.now();
      client.close();
      const left = await settleHandles(baseline, 100);
      const took = Date.now() - closedAt;
      worstMs = Math.max(worstMs, took);
      if (left > 0) slow += 1;
      await until(() => activeHandles() <= baseline, 2000);
    }
    return {
      scenario: `Pie ${size.cycles} connect/close cycles`,
      kills: size.cycles,
      lost: 0,
      duplicated: 0,
      reordered: 0,
      hung: 0,
      leaked: slow + (await settleHandles(baseline)),
      ms: Date.now() - started,
      extra: { worstReleaseMs: worstMs },
    };
  } finally {
    await proxy.close();
    await emu.close();
  }
}

// Pie: the client against a fast stand-in engine in its own process (bench/pie-server.ts):
// events/s and client CPU per event and per ping, upload transfer (hashing timed apart),
// each against a raw ws + msgpack loop in the same run.
import { count as countOp, firstValueFrom, lastValueFrom, mergeMap, range, reduce, tap } from 'rxjs';
import { PieClient, hashBlob } from '../src/pie.js';
import { startChild } from './child.js';
import { BenchLine, median, timed, timedWithCpu } from './measure.js';
import { RawPieClient } from './raw-pie-client.js';

const EVENTS = 200_000;
const EVENT_SIZE = 16;
const PROCESSES = 50;
const PINGS = 5_000;
const UPLOAD_BYTES = 64 * 1024 * 1024;
const PIE_ROUNDS = 3;
const manifest = '[package]\nname = "bench-upload"\nversion = "1.0.0"\n';
const inputOf = (count: number) => JSON.stringify({ count, size: EVENT_SIZE });

interface PieFigures {
  eventsPerSec: number;
  cpuUsPerEvent: number;
  manyEventsPerSec: number;
  manyCpuUsPerEvent: number;
  cpuUsPerPing: number;
  pingRttMs: number;
  transferMBps: number;
}

const perEvent = (cpuMs: number, events: number) => (cpuMs * 1000) / events;

async function rawRound(url: string, wasm: Uint8Array, hash: string): Promise<PieFigures> {
  const client = await RawPieClient.connect(url);
  const one = await timedWithCpu(() => client.launchAndCount('bench-stream@1.0.0', inputOf(EVENTS)));
  const many = await timedWithCpu(async () => {
    const counts = await Promise.all(
      Array.from({ length: PROCESSES }, () => client.launchAndCount('bench-stream@1.0.0', inputOf(EVENTS / PROCESSES))),
    );
    return counts.reduce((a, b) => a + b, 0);
  });
  const pings = await timedWithCpu(async () => {
    for (let i = 0; i < PINGS; i++) await client.request({ type: 'ping' });
  });
  const upload = await timed(() => client.upload(hash, manifest, wasm));
  if (upload.result.ok !== true) throw new Error(`raw upload failed: ${String(upload.result.result)}`);
  client.close();
  return {
    eventsPerSec: (one.result / one.ms) * 1000,
    cpuUsPerEvent: perEvent(one.cpuMs, one.result),
    manyEventsPerSec: (many.result / many.ms) * 1000,
    manyCpuUsPerEvent: perEvent(many.cpuMs, many.result),
    cpuUsPerPing: (pings.cpuMs * 1000) / PINGS,
    pingRttMs: pings.ms / PINGS,
    transferMBps: UPLOAD_BYTES / 1048576 / (upload.ms / 1000),
  };
}

async function libraryRound(url: string, wasm: Uint8Array): Promise<PieFigures> {
  const client = await PieClient.connect(url, { username: 'bench' });
  const launch = (count: number) => client.launchProcess('bench-stream@1.0.0', inputOf(count)).pipe(countOp());
  const one = await timedWithCpu(() => lastValueFrom(launch(EVENTS)));
  const many = await timedWithCpu(() =>
    lastValueFrom(range(0, PROCESSES).pipe(mergeMap(() => launch(EVENTS / PROCESSES)), reduce((a, b) => a + b, 0))),
  );
  const pings = await timedWithCpu(async () => {
    for (let i = 0; i < PINGS; i++) await firstValueFrom(client.ping());
  });
  // The transfer is timed from the first chunk handed to the socket: the program's blake3
  // hash is computed before it (timed apart, the same function on both sides).
  let firstChunkAt: bigint | undefined;
  await lastValueFrom(
    client.addProgram({ wasm, manifest, forceOverwrite: true }).pipe(tap(() => (firstChunkAt ??= process.hrtime.bigint()))),
    { defaultValue: undefined },
  );
  const end = process.hrtime.bigint();
  client.close();
  const manyEvents = many.result;
  return {
    eventsPerSec: (one.result / one.ms) * 1000,
    cpuUsPerEvent: perEvent(one.cpuMs, one.result),
    manyEventsPerSec: (manyEvents / many.ms) * 1000,
    manyCpuUsPerEvent: perEvent(many.cpuMs, manyEvents),
    cpuUsPerPing: (pings.cpuMs * 1000) / PINGS,
    pingRttMs: pings.ms / PINGS,
    transferMBps: firstChunkAt === undefined ? Number.NaN : UPLOAD_BYTES / 1048576 / (Number(end - firstChunkAt) / 1e9),
  };
}

function pick(rounds: PieFigures[]): PieFigures {
  const m = (key: keyof PieFigures) => median(rounds.map((r) => r[key]));
  return {
    eventsPerSec: m('eventsPerSec'),
    cpuUsPerEvent: m('cpuUsPerEvent'),
    manyEventsPerSec: m('manyEventsPerSec'),
    manyCpuUsPerEvent: m('manyCpuUsPerEvent'),
    cpuUsPerPing: m('cpuUsPerPing'),
    pingRttMs: m('pingRttMs'),
    transferMBps: m('transferMBps'),
  };
}

export async function pieBench(): Promise<BenchLine[]> {
  const server = await startChild<{ url: string }>('pie-server', {});
  const url = server.info.url;
  const wasm = new Uint8Array(UPLOAD_BYTES).map((_, i) => i & 0xff);
  const hashing = await timed(async () => hashBlob(wasm));
  const hash = hashing.result;
  await rawRound(url, wasm, hash); // warm-up of each path
  await libraryRound(url, wasm);
  const rawRounds: PieFigures[] = [];
  const libRounds: PieFigures[] = [];
  for (let round = 0; round < PIE_ROUNDS; round++) {
    rawRounds.push(await rawRound(url, wasm, hash));
    libRounds.push(await libraryRound(url, wasm));
    process.stderr.write(`  pie round ${round + 1}: raw ${JSON.stringify(rawRounds.at(-1))}\n  lib ${JSON.stringify(libRounds.at(-1))}\n`);
  }
  await server.close();
  const raw = pick(rawRounds);
  const lib = pick(libRounds);
  const suffix = `median of ${PIE_ROUNDS}`;
  const ratioLine = (name: string, base: number, mine: number, digits: number, goal: string, met: (r: number) => boolean): BenchLine => ({
    name,
    baseline: base.toFixed(digits),
    library: mine.toFixed(digits),
    ratio: (mine / base).toFixed(2),
    goal,
    met: met(mine / base),
  });
  return [
    ratioLine(`Pie events delivered, 1 process × ${EVENTS} stdout events of ${EVENT_SIZE} B (events/s, ${suffix})`, raw.eventsPerSec, lib.eventsPerSec, 0, '>= 0.95', (r) => r >= 0.95),
    ratioLine(`Pie client CPU per event, same run (µs)`, raw.cpuUsPerEvent, lib.cpuUsPerEvent, 2, '<= 1.05', (r) => r <= 1.05),
    ratioLine(`Pie events delivered, ${PROCESSES} processes at once × ${EVENTS / PROCESSES} events (events/s, ${suffix})`, raw.manyEventsPerSec, lib.manyEventsPerSec, 0, '>= 0.95', (r) => r >= 0.95),
    ratioLine(`Pie client CPU per event, ${PROCESSES} processes (µs)`, raw.manyCpuUsPerEvent, lib.manyCpuUsPerEvent, 2, '<= 1.05', (r) => r <= 1.05),
    ratioLine(`Pie ping, ${PINGS} sequential: client CPU per ping (µs, ${suffix})`, raw.cpuUsPerPing, lib.cpuUsPerPing, 1, '<= 1.05', (r) => r <= 1.05),
    ratioLine(`Pie ping round trip (ms, ${suffix})`, raw.pingRttMs, lib.pingRttMs, 3, '<= 1.2', (r) => r <= 1.2),
    ratioLine(`Pie upload transfer of ${UPLOAD_BYTES / 1048576} MiB, hashing excluded (MB/s, ${suffix})`, raw.transferMBps, lib.transferMBps, 1, '>= 0.85', (r) => r >= 0.85),
    {
      name: `Pie blake3 program hash of ${UPLOAD_BYTES / 1048576} MiB, the same function on both sides (ms, once)`,
      baseline: hashing.ms.toFixed(0),
      library: hashing.ms.toFixed(0),
      ratio: '1.00',
      goal: 'n/a',
      met: true,
    },
  ];
}

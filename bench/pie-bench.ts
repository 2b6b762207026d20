// Pie: the client against a fast stand-in engine in its own process (bench/pie-server.ts):
// events/s and client CPU per event and per ping, upload transfer (hashing timed apart),
// each against a raw ws + msgpack loop in the same run. Rounds alternate which side goes
// first; each figure is the median over rounds, shown with its range.
import { count as countOp, firstValueFrom, lastValueFrom, mergeMap, range, reduce, tap } from 'rxjs';
import { PieClient, hashBlob } from '../src/pie.js';
import { startChild } from './child.js';
import { BenchLine, collectGarbage, median, spread, timed, timedWithCpu } from './measure.js';
import { RawPieClient } from './raw-pie-client.js';

const EVENTS = 200_000;
const EVENT_SIZE = 16;
const PROCESSES = 50;
const EVENT_ROUNDS = 5;
/** Pings: one long-lived connection per side, warmed up, then alternating rounds. */
const PINGS = 5_000;
const WARM_PINGS = 5_000;
const PING_ROUNDS = 10;
const UPLOAD_BYTES = 64 * 1024 * 1024;
const UPLOAD_ROUNDS = 3;
const manifest = '[package]\nname = "bench-upload"\nversion = "1.0.0"\n';
const inputOf = (count: number) => JSON.stringify({ count, size: EVENT_SIZE });
const perEvent = (cpuMs: number, events: number) => (cpuMs * 1000) / events;

interface EventFigures {
  eventsPerSec: number;
  cpuUsPerEvent: number;
  /** The system-call part of cpuUsPerEvent (progress lines only: tells socket reads from work). */
  sysUsPerEvent: number;
  /** Minor page faults and context switches per 1,000 events (progress lines only). */
  faultsPerK: number;
  switchesPerK: number;
  manyEventsPerSec: number;
  manyCpuUsPerEvent: number;
  manySysUsPerEvent: number;
}

interface PingFigures {
  cpuUsPerPing: number;
  /** The system-call part of cpuUsPerPing (progress lines only). */
  sysUsPerPing: number;
  rttMs: number;
}

/** One side of the bench: the same exchanges, with or without the library. */
interface PieSide {
  launchAndCount(events: number): Promise<number>;
  ping(): Promise<unknown>;
  /** Uploads and returns the transfer time in ms (from the first chunk handed to the socket). */
  upload(wasm: Uint8Array, hash: string): Promise<number>;
  close(): void;
}

async function rawSide(url: string, sharedCodec = false): Promise<PieSide> {
  const client = await RawPieClient.connect(url, { sharedCodec });
  return {
    launchAndCount: (events) => client.launchAndCount('bench-stream@1.0.0', inputOf(events)),
    ping: () => client.request({ type: 'ping' }),
    upload: async (wasm, hash) => {
      const upload = await timed(() => client.upload(hash, manifest, wasm));
      if (upload.result.ok !== true) throw new Error(`raw upload failed: ${String(upload.result.result)}`);
      return upload.ms;
    },
    close: () => client.close(),
  };
}

async function librarySide(url: string): Promise<PieSide> {
  const client = await PieClient.connect(url, { username: 'bench' });
  return {
    launchAndCount: (events) => lastValueFrom(client.launchProcess('bench-stream@1.0.0', inputOf(events)).pipe(countOp())),
    ping: () => firstValueFrom(client.ping()),
    upload: async (wasm) => {
      // The transfer is timed from the first chunk handed to the socket: the program's blake3
      // hash is computed before it (timed apart, the same function on both sides).
      let firstChunkAt: bigint | undefined;
      await lastValueFrom(
        client.addProgram({ wasm, manifest, forceOverwrite: true }).pipe(tap(() => (firstChunkAt ??= process.hrtime.bigint()))),
        { defaultValue: undefined },
      );
      const end = process.hrtime.bigint();
      return firstChunkAt === undefined ? Number.NaN : Number(end - firstChunkAt) / 1e6;
    },
    close: () => client.close(),
  };
}

/** One events round on a fresh connection: one process, then PROCESSES at once. */
async function eventsRound(connect: () => Promise<PieSide>): Promise<EventFigures> {
  const side = await connect();
  collectGarbage();
  const one = await timedWithCpu(() => side.launchAndCount(EVENTS));
  collectGarbage();
  const many = await timedWithCpu(async () => {
    const counts = await Promise.all(Array.from({ length: PROCESSES }, () => side.launchAndCount(EVENTS / PROCESSES)));
    return counts.reduce((a, b) => a + b, 0);
  });
  side.close();
  if (one.result !== EVENTS + 1 || many.result !== EVENTS + PROCESSES) {
    throw new Error(`events miscounted: ${one.result}, ${many.result}`);
  }
  return {
    eventsPerSec: (one.result / one.ms) * 1000,
    cpuUsPerEvent: perEvent(one.cpuMs, one.result),
    sysUsPerEvent: perEvent(one.systemMs, one.result),
    faultsPerK: (one.pageFaults * 1000) / one.result,
    switchesPerK: (one.switches * 1000) / one.result,
    manyEventsPerSec: (many.result / many.ms) * 1000,
    manyCpuUsPerEvent: perEvent(many.cpuMs, many.result),
    manySysUsPerEvent: perEvent(many.systemMs, many.result),
  };
}

/**
 * One ping round. No forced collection first: after `gc()` V8 starts again from a small
 * young generation, and the next few thousand pings paid for regrowing it (pinned, user CPU
 * per ping went from 8 to 12 µs for raw and from 8.5 to 18 µs for the library, which
 * allocates more per ping); a client that is running never sits in that state.
 */
async function pingRound(side: PieSide): Promise<PingFigures> {
  const pings = await timedWithCpu(async () => {
    for (let i = 0; i < PINGS; i++) await side.ping();
  });
  return { cpuUsPerPing: (pings.cpuMs * 1000) / PINGS, sysUsPerPing: (pings.systemMs * 1000) / PINGS, rttMs: pings.ms / PINGS };
}

/** Runs `round` for every side, rotating which goes first, `rounds` times. */
async function alternate<S, F>(sides: readonly S[], rounds: number, round: (side: S) => Promise<F>, label: string): Promise<F[][]> {
  const results: F[][] = sides.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < sides.length; k++) {
      const index = (r + k) % sides.length;
      results[index]!.push(await round(sides[index]!));
    }
    process.stderr.write(`  pie ${label} round ${r + 1}: ${results.map((f) => JSON.stringify(f.at(-1))).join(' | ')}\n`);
  }
  return results;
}

const values = <F>(rounds: readonly F[], key: keyof F) => rounds.map((r) => r[key] as number);

/** A line comparing per-round figures: medians with their range; the ratio is of the medians, with the range of per-round ratios. */
function ratioLine(
  name: string,
  base: readonly number[],
  mine: readonly number[],
  digits: number,
  goal: string,
  met: (ratio: number) => boolean,
): BenchLine {
  const ratio = median(mine) / median(base);
  const paired = mine.map((m, i) => m / base[i]!);
  return {
    name,
    baseline: spread(base, digits),
    library: spread(mine, digits),
    ratio: `${ratio.toFixed(2)} (rounds ${Math.min(...paired).toFixed(2)}–${Math.max(...paired).toFixed(2)})`,
    goal,
    met: met(ratio),
  };
}

export async function pieBench(): Promise<BenchLine[]> {
  const server = await startChild<{ url: string }>('pie-server', {});
  const url = server.info.url;
  const wasm = new Uint8Array(UPLOAD_BYTES).map((_, i) => i & 0xff);
  const hashing = await timed(async () => hashBlob(wasm));
  const hash = hashing.result;

  // Events: each round on a fresh connection; one warm-up round of each side first.
  const connectors = [() => rawSide(url), () => librarySide(url)];
  for (const connect of connectors) await eventsRound(connect);
  const [rawEvents, libEvents] = await alternate(connectors, EVENT_ROUNDS, eventsRound, 'events');

  // Pings: long-lived connections (raw, library, raw with one reused Encoder/Decoder), warmed up.
  const pingSides = [await rawSide(url), await librarySide(url), await rawSide(url, true)];
  for (const side of pingSides) for (let i = 0; i < WARM_PINGS; i++) await side.ping();
  const [rawPings, libPings, floorPings] = await alternate(pingSides, PING_ROUNDS, pingRound, 'ping');

  // Upload: the ping connections, alternating.
  const uploadSides = pingSides.slice(0, 2);
  const [rawUploads, libUploads] = await alternate(uploadSides, UPLOAD_ROUNDS, (side) => side.upload(wasm, hash), 'upload ms');
  for (const side of pingSides) side.close();
  await server.close();

  const mbps = (ms: number) => UPLOAD_BYTES / 1048576 / (ms / 1000);
  const ev = `median of ${EVENT_ROUNDS} (range)`;
  const pingName = `${PING_ROUNDS} rounds × ${PINGS} sequential on one warm connection (${WARM_PINGS} warm-up)`;
  return [
    ratioLine(`Pie events delivered, 1 process × ${EVENTS} stdout events of ${EVENT_SIZE} B (events/s, ${ev})`, values(rawEvents!, 'eventsPerSec'), values(libEvents!, 'eventsPerSec'), 0, '>= 0.95', (r) => r >= 0.95),
    ratioLine(`Pie client CPU per event, same run (µs, ${ev})`, values(rawEvents!, 'cpuUsPerEvent'), values(libEvents!, 'cpuUsPerEvent'), 2, '<= 1.05', (r) => r <= 1.05),
    ratioLine(`Pie events delivered, ${PROCESSES} processes at once × ${EVENTS / PROCESSES} events (events/s, ${ev})`, values(rawEvents!, 'manyEventsPerSec'), values(libEvents!, 'manyEventsPerSec'), 0, '>= 0.95', (r) => r >= 0.95),
    ratioLine(`Pie client CPU per event, ${PROCESSES} processes (µs, ${ev})`, values(rawEvents!, 'manyCpuUsPerEvent'), values(libEvents!, 'manyCpuUsPerEvent'), 2, '<= 1.05', (r) => r <= 1.05),
    ratioLine(`Pie ping, ${pingName}: client CPU per ping (µs, median (range))`, values(rawPings!, 'cpuUsPerPing'), values(libPings!, 'cpuUsPerPing'), 1, '<= 1.05', (r) => r <= 1.05),
    ratioLine(`Pie ping round trip, same rounds (µs, median (range))`, values(rawPings!, 'rttMs').map((ms) => ms * 1000), values(libPings!, 'rttMs').map((ms) => ms * 1000), 1, '<= 1.2', (r) => r <= 1.2),
    ratioLine(`Pie ping CPU against a stronger floor: raw with one reused Encoder/Decoder, same rounds (µs, median (range))`, values(floorPings!, 'cpuUsPerPing'), values(libPings!, 'cpuUsPerPing'), 1, 'n/a', () => true),
    ratioLine(`Pie upload transfer of ${UPLOAD_BYTES / 1048576} MiB, hashing excluded (MB/s, median of ${UPLOAD_ROUNDS} (range))`, rawUploads!.map(mbps), libUploads!.map(mbps), 1, '>= 0.85', (r) => r >= 0.85),
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

// Pie: process events per second, ping round trips, upload MB/s, each against raw ws + msgpack.
import { lastValueFrom, firstValueFrom, count as countOp } from 'rxjs';
import { PieClient, hashBlob } from '../src/pie.js';
import { BenchLine, ROUNDS, median, timed } from './measure.js';
import { RawPieClient } from './raw-pie-client.js';
import { buildComponent } from '../src/testing.js';

const EVENTS = 100_000;
const EVENT_SIZE = 16;
const PINGS = 5_000;
const UPLOAD_BYTES = 64 * 1024 * 1024;
const input = JSON.stringify({ count: EVENTS, size: EVENT_SIZE });
const manifest = '[package]\nname = "bench-upload"\nversion = "1.0.0"\n';

async function rawRound(url: string, wasm: Uint8Array) {
  const client = await RawPieClient.connect(url);
  const events = await timed(() => client.launchAndCount('bench-stream@1.0.0', input));
  const pings = await timed(async () => {
    for (let i = 0; i < PINGS; i++) await client.request({ type: 'ping' });
  });
  // Like any real client, the baseline hashes the program (program_hash) as part of the upload.
  const upload = await timed(() => client.upload(hashBlob(wasm), manifest, wasm));
  if (upload.result.ok !== true) throw new Error(`raw upload failed: ${String(upload.result.result)}`);
  client.close();
  return {
    eventsPerSec: (events.result / events.ms) * 1000,
    pingRttMs: pings.ms / PINGS,
    uploadMBps: UPLOAD_BYTES / 1048576 / (upload.ms / 1000),
  };
}

async function libraryRound(url: string, wasm: Uint8Array) {
  const client = await PieClient.connect(url, { username: 'bench' });
  const events = await timed(() =>
    lastValueFrom(client.launchProcess('bench-stream@1.0.0', input).pipe(countOp())),
  );
  const pings = await timed(async () => {
    for (let i = 0; i < PINGS; i++) await firstValueFrom(client.ping());
  });
  const upload = await timed(() =>
    lastValueFrom(client.addProgram({ wasm, manifest, forceOverwrite: true }), { defaultValue: undefined }),
  );
  client.close();
  return {
    eventsPerSec: (events.result / events.ms) * 1000,
    pingRttMs: pings.ms / PINGS,
    uploadMBps: UPLOAD_BYTES / 1048576 / (upload.ms / 1000),
  };
}

export async function pieBench(url: string): Promise<BenchLine[]> {
  // The emulator compiles uploads like the engine: the bytes must be a WebAssembly component.
  const wasm = buildComponent({ size: UPLOAD_BYTES });
  await rawRound(url, wasm); // warm-up of each path
  await libraryRound(url, wasm);
  const rawRounds: Awaited<ReturnType<typeof rawRound>>[] = [];
  const libRounds: Awaited<ReturnType<typeof libraryRound>>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    rawRounds.push(await rawRound(url, wasm));
    libRounds.push(await libraryRound(url, wasm));
  }
  const pick = (rounds: { eventsPerSec: number; pingRttMs: number; uploadMBps: number }[]) => ({
    eventsPerSec: median(rounds.map((r) => r.eventsPerSec)),
    pingRttMs: median(rounds.map((r) => r.pingRttMs)),
    uploadMBps: median(rounds.map((r) => r.uploadMBps)),
  });
  const raw = pick(rawRounds);
  const lib = pick(libRounds);
  return [
    {
      name: `Pie process events delivered, ${EVENTS} stdout events (events/s, median of ${ROUNDS})`,
      baseline: raw.eventsPerSec.toFixed(0),
      library: lib.eventsPerSec.toFixed(0),
      ratio: (lib.eventsPerSec / raw.eventsPerSec).toFixed(2),
      goal: '>= 0.85',
      met: lib.eventsPerSec / raw.eventsPerSec >= 0.85,
    },
    {
      name: `Pie ping round trip, ${PINGS} sequential (ms, median of ${ROUNDS})`,
      baseline: raw.pingRttMs.toFixed(3),
      library: lib.pingRttMs.toFixed(3),
      ratio: (lib.pingRttMs / raw.pingRttMs).toFixed(2),
      goal: '<= 1.2',
      met: lib.pingRttMs / raw.pingRttMs <= 1.2,
    },
    {
      name: `Pie upload incl. blake3 hash, ${UPLOAD_BYTES / 1048576} MiB (MB/s, median of ${ROUNDS})`,
      baseline: raw.uploadMBps.toFixed(1),
      library: lib.uploadMBps.toFixed(1),
      ratio: (lib.uploadMBps / raw.uploadMBps).toFixed(2),
      goal: '>= 0.85',
      met: lib.uploadMBps / raw.uploadMBps >= 0.85,
    },
  ];
}

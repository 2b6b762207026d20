// Real-engine bench (needs PIE_ENGINE_URL): against the real Pie 0.5.2 engine, alternating
// rounds of flame-pie-rx's PieClient, the published JavaScript client (@pie-project/client
// 0.5.2) and the published Python client (PyPI pie-client 0.5.3). Per client: ping round trip
// (wall, and client CPU per ping) and one process's event delivery (a Python script program
// printing EVENTS_N lines, i.e. 2 × EVENTS_N stdout events + return: wall, and client CPU per
// event). Wall times are capped by the engine (it is the same engine for every client); the
// client CPU figures are what a client can win or lose.
// Run: PIE_ENGINE_URL=ws://127.0.0.1:PORT PIE_ENGINE_DIR=DIR npm run bench:pie-real
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { decode, encode } from '@msgpack/msgpack';
import { PieClient as UpstreamClient } from '@pie-project/client';
import { count, firstValueFrom, lastValueFrom } from 'rxjs';
import WebSocket from 'ws';
import { PieClient } from '../src/pie.js';
import { installBenchProgram } from './pie-real-program.js';

// BENCH_PINGS: pings per round (500 by default); more pings per fresh connection weigh the
// connection's first, slower requests less.
const PINGS = Number(process.env['BENCH_PINGS'] ?? 500);
const EVENTS_N = 2000;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const IDENTITY = 'default/bench';

/** One client's figures for one round. */
interface Round {
  pingWallMs: number;
  pingCpuMs: number;
  eventsWallMs: number;
  eventsCpuMs: number;
  events: number;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

async function measure(ping: () => Promise<unknown>, run: () => Promise<number>): Promise<Round> {
  await ping();
  let wall = performance.now();
  let cpu = process.cpuUsage();
  for (let i = 0; i < PINGS; i++) await ping();
  const pingWallMs = performance.now() - wall;
  const pingCpuMs = cpuMs(cpu);
  wall = performance.now();
  cpu = process.cpuUsage();
  const events = await run();
  return { pingWallMs, pingCpuMs, eventsWallMs: performance.now() - wall, eventsCpuMs: cpuMs(cpu), events };
}

async function oursRound(url: string, program: string): Promise<Round> {
  const client = await PieClient.connect(url, undefined, { identity: IDENTITY, generation: '0.5' });
  try {
    return await measure(
      () => firstValueFrom(client.ping()),
      () => lastValueFrom(client.launchProcess(program, { n: EVENTS_N }).pipe(count())),
    );
  } finally {
    client.close();
  }
}

/** The floor: bare `ws` + @msgpack/msgpack, one pending request, no client at all. */
async function floorRound(url: string, program: string): Promise<Round> {
  const socket = new WebSocket(`${url}/v1/ws`, { headers: { 'x-pie-identity': IDENTITY }, perMessageDeflate: false });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let waiting: ((frame: Record<string, unknown>) => void) | undefined;
  socket.on('message', (data: Buffer, binary: boolean) => {
    if (binary) waiting?.(decode(data) as Record<string, unknown>);
  });
  const next = (): Promise<Record<string, unknown>> => new Promise((resolve) => (waiting = resolve));
  let corrId = 0;
  try {
    return await measure(
      async () => {
        const answer = next();
        socket.send(encode({ type: 'ping', corr_id: ++corrId }));
        await answer;
      },
      async () => {
        let events = 0;
        let done!: () => void;
        const finished = new Promise<void>((resolve) => (done = resolve));
        waiting = (frame) => {
          if (frame['type'] !== 'process_event') return;
          events++;
          if (frame['event'] === 'return' || frame['event'] === 'error') done();
        };
        socket.send(encode({ type: 'launch_process', corr_id: ++corrId, inferlet: program, input: JSON.stringify({ n: EVENTS_N }), capture_outputs: true }));
        await finished;
        return events;
      },
    );
  } finally {
    socket.close();
  }
}

/** The published client reads binary frames as Blob; `ws` delivers those with binaryType 'blob'. */
class BlobWebSocket extends WebSocket {
  constructor(url: string, options: WebSocket.ClientOptions) {
    super(url, { ...options, perMessageDeflate: false });
    this.binaryType = 'blob' as never;
  }
}

async function upstreamJsRound(url: string, program: string): Promise<Round> {
  const client = new UpstreamClient(url, { WebSocket: BlobWebSocket, identity: IDENTITY });
  await client.connect();
  try {
    return await measure(
      () => client.ping(),
      async () => {
        const process = await client.launchProcess(program, { n: EVENTS_N }, true);
        let events = 0;
        for (;;) {
          const { event } = await process.recv();
          events++;
          if (event === 'return' || event === 'error') return events;
        }
      },
    );
  } finally {
    await client.close();
  }
}

async function upstreamPythonRound(url: string, program: string, python: string): Promise<Round> {
  const script = join(fileURLToPath(new URL('.', import.meta.url)), '../../bench/pie-real-python.py');
  const { stdout } = await promisify(execFile)(python, [script, url, String(PINGS), program, String(EVENTS_N)]);
  const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    ping: { wall_ms: number; cpu_ms: number };
    events: { wall_ms: number; cpu_ms: number; events: number };
  };
  return { pingWallMs: out.ping.wall_ms, pingCpuMs: out.ping.cpu_ms, eventsWallMs: out.events.wall_ms, eventsCpuMs: out.events.cpu_ms, events: out.events.events };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const url = (process.env['PIE_ENGINE_URL'] ?? '').replace(/\/+$/, '');
  const dir = process.env['PIE_ENGINE_DIR'] ?? '';
  if (!url || !dir) throw new Error('set PIE_ENGINE_URL (a running engine) and PIE_ENGINE_DIR (its install, for the Python client)');
  const python = join(dir, 'venv', 'bin', 'python');
  const program = await installBenchProgram(url, IDENTITY);
  const clients = {
    'flame-pie-rx': (): Promise<Round> => oursRound(url, program),
    '@pie-project/client 0.5.2': (): Promise<Round> => upstreamJsRound(url, program),
    'pie-client 0.5.3 (Python)': (): Promise<Round> => upstreamPythonRound(url, program, python),
    'floor: bare ws + msgpack (not a client)': (): Promise<Round> => floorRound(url, program),
  };
  const rounds = new Map<string, Round[]>(Object.keys(clients).map((name) => [name, []]));
  for (const run of Object.values(clients)) await run(); // warm-up
  // The order rotates every round, so no client always follows the same one (the one before
  // leaves garbage to collect and a busy engine behind).
  const order = Object.entries(clients);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < order.length; i++) {
      const [name, run] = order[(round + i) % order.length]!;
      rounds.get(name)!.push(await run());
    }
  }
  const rows = [...rounds].map(([name, rs]) => ({
    name,
    pingUs: (median(rs.map((r) => r.pingWallMs)) / PINGS) * 1000,
    pingCpuUs: (median(rs.map((r) => r.pingCpuMs)) / PINGS) * 1000,
    eventsMs: median(rs.map((r) => r.eventsWallMs)),
    eventCpuUs: (median(rs.map((r) => r.eventsCpuMs)) / median(rs.map((r) => r.events))) * 1000,
    events: median(rs.map((r) => r.events)),
  }));
  const ours = rows[0]!;
  const best = (pick: (r: (typeof rows)[number]) => number): number => Math.min(...rows.slice(1, 3).map(pick));
  console.log(`rounds ${ROUNDS} (median), ${PINGS} pings, one process of ${ours.events} events; ratio = best baseline / ours (≥ 1: ours at least as fast)`);
  console.log('| client | ping RTT µs | client CPU per ping µs | process events wall ms | client CPU per event µs |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${r.pingUs.toFixed(0)} | ${r.pingCpuUs.toFixed(1)} | ${r.eventsMs.toFixed(0)} | ${r.eventCpuUs.toFixed(2)} |`);
  const ratio = (pick: (r: (typeof rows)[number]) => number): string => (best(pick) / pick(ours)).toFixed(2);
  console.log(`| ratio (best baseline / ours) | ${ratio((r) => r.pingUs)} | ${ratio((r) => r.pingCpuUs)} | ${ratio((r) => r.eventsMs)} | ${ratio((r) => r.eventCpuUs)} |`);
}

await main();

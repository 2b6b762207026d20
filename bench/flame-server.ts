// Child process of the Flame bench: a FlameEmulator, paced like a real session manager or
// not, optionally behind a latency proxy. Config: `FlameServerConfig`.
import { FlameEmulator } from '../src/testing.js';
import { serveChild } from './child.js';
import { startLatencyProxy } from './latency-proxy.js';

export interface FlameServerConfig {
  /** Pace like a real session manager: 10 executors of 10 ms, 100 ms bind interval, 3 ms CreateTask. */
  readonly paced: boolean;
  /** Delay added by a proxy in each direction (0: no proxy). */
  readonly latencyMs: number;
  /** The Flame version served (default '0.6'). */
  readonly version?: '0.6' | '0.7';
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as FlameServerConfig;
  const emu = await FlameEmulator.start({
    shuffleLists: false,
    callLogLimit: 0,
    ...(config.version ? { version: config.version } : {}),
    ...(config.paced ? { pacing: { executors: 10, taskTurnaroundMs: 10, scheduleIntervalMs: 100, createTaskLatencyMs: 3 } } : {}),
  });
  // No-op handler: the task's output is its input.
  emu.handle('bench-noop', (input) => input ?? new Uint8Array(0), { maxInstances: config.paced ? 10 : 256 });
  // An application without a handler: its tasks stay Pending, for the open-watch measure.
  emu.handle('bench-idle', () => new Promise<never>(() => undefined), { maxInstances: 1 });
  const proxy = config.latencyMs > 0 ? await startLatencyProxy({ host: '127.0.0.1', port: emu.port }, config.latencyMs) : undefined;
  const endpoint = proxy ? `http://127.0.0.1:${proxy.port}` : emu.endpoint;
  serveChild({ endpoint }, async () => {
    await proxy?.close();
    await emu.close();
  });
}

void main();

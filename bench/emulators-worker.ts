// Runs both emulators in a worker thread, so the benchmark's main thread (and its heap)
// holds only the clients being measured.
import { parentPort } from 'node:worker_threads';
import { FlameEmulator, PieEmulator } from '../src/testing.js';

async function start(): Promise<void> {
  const flame = await FlameEmulator.start({ shuffleLists: false });
  // No-op handler: the task's output is its input.
  flame.handle('bench-noop', (input) => input ?? new Uint8Array(0), { maxInstances: 256 });
  // An application without a handler: its tasks stay Pending, for the open-watch measure.
  flame.handle('bench-idle', () => new Promise<never>(() => undefined), { maxInstances: 1 });

  // The same applications on a Flame 0.7 emulator, for the shared-watch measure.
  const flame07 = await FlameEmulator.start({ shuffleLists: false, version: '0.7' });
  flame07.handle('bench-idle', () => new Promise<never>(() => undefined), { maxInstances: 1 });

  const pie = await PieEmulator.start({ auth: { mode: 'disabled' }, maxUploadMb: 512, receivedLimit: 0 });
  pie.registerInferlet('bench-stream@1.0.0', async (ctx) => {
    const { count, size } = JSON.parse(ctx.input) as { count: number; size: number };
    const chunk = 'x'.repeat(size);
    for (let i = 0; i < count; i++) ctx.stdout(chunk);
    return JSON.stringify({ count });
  });

  parentPort?.on('message', (message: unknown) => {
    if (message === 'close') {
      void Promise.all([flame.close(), flame07.close(), pie.close()]).then(() => process.exit(0));
    }
  });
  parentPort?.postMessage({ flameEndpoint: flame.endpoint, flame07Endpoint: flame07.endpoint, pieUrl: pie.url });
}

void start();

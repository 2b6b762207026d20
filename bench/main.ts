// `npm run bench`: every measure in one process and one run, each as a ratio against a
// baseline (raw generated grpc-js client; raw ws + @msgpack/msgpack) run in this process.
// The emulators run in a worker thread so this thread's heap holds only the clients.
import { Worker } from 'node:worker_threads';
import { flameBench } from './flame-bench.js';
import { printTable } from './measure.js';
import { pieBench } from './pie-bench.js';

async function main(): Promise<void> {
  const worker = new Worker(new URL('./emulators-worker.js', import.meta.url));
  const { flameEndpoint, flame07Endpoint, pieUrl } = await new Promise<{
    flameEndpoint: string;
    flame07Endpoint: string;
    pieUrl: string;
  }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  console.log(`node ${process.version}, ${new Date().toISOString()}`);
  // `npm run bench -- flame` or `-- pie` runs one half; no argument runs both.
  const only = process.argv[2];
  const lines = [
    ...(only === 'pie' ? [] : await flameBench(flameEndpoint, flame07Endpoint)),
    ...(only === 'flame' ? [] : await pieBench(pieUrl)),
  ];
  printTable(lines);
  worker.postMessage('close');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

// `npm run bench`: every measure as a ratio against a baseline in the same run. Servers run
// in their own processes (bench/*-server.ts), so this process's CPU is the client's alone.
import { flameBench } from './flame-bench.js';
import { printTable } from './measure.js';
import { pieBench } from './pie-bench.js';
import { spawnSync } from 'node:child_process';
import { pinning, restartPinned } from './pinning.js';
import { startupBench } from './startup-bench.js';

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${new Date().toISOString()}, ${pinning().description}`);
  // `npm run bench -- flame` (or `pie`, `startup`) runs one part; no argument runs all.
  const only = process.argv[2];
  const run = (part: string) => only === undefined || only === part;
  const lines = [
    ...(run('flame') ? await flameBench() : []),
    ...(run('pie') ? await pieBench() : []),
    ...(run('startup') ? await startupBench() : []),
  ];
  printTable(lines);
}

// Pinned, the bench runs again on the client's core (see pinning.ts).
const pinned = restartPinned();
if (pinned) {
  const run = spawnSync(pinned.command, pinned.args, { stdio: 'inherit', env: pinned.env });
  process.exit(run.status ?? 1);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

// `npm run bench`: every measure as a ratio against a baseline in the same run. Servers run
// in their own processes (bench/*-server.ts), so this process's CPU is the client's alone.
import { flameBench } from './flame-bench.js';
import { printTable } from './measure.js';
import { pieBench } from './pie-bench.js';

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${new Date().toISOString()}`);
  // `npm run bench -- flame` or `-- pie` runs one half; no argument runs both.
  const only = process.argv[2];
  const lines = [...(only === 'pie' ? [] : await flameBench()), ...(only === 'flame' ? [] : await pieBench())];
  printTable(lines);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

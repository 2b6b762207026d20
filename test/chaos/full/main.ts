// `npm run chaos`: every chaos scenario at full size, one after the other, then the table.
// Not part of `npm test` (minutes, not seconds); the CI tests in test/chaos run the same
// scenarios small.
import { type ChaosResult, chaosTable } from '../chaos-metrics.js';
import { flameMassCancellation, flamePipelineUnderKills } from '../scenarios-flame.js';
import { pieConnectCloseCycles, pieHalfOpenLinks, pieProcessesUnderKills } from '../scenarios-pie.js';

const only = process.argv[2];
const scenarios: [string, () => Promise<ChaosResult>][] = [
  ['flame-pipeline', () => flamePipelineUnderKills({ tasks: 2000, kills: 100, timeoutMs: 300_000 })],
  ['flame-cancel', () => flameMassCancellation({ watches: 10_000, cancelled: 5_000, timeoutMs: 300_000 })],
  ['pie-one-process', () => pieProcessesUnderKills({ processes: 1, eventsEach: 100_000, kills: 100, timeoutMs: 300_000 })],
  ['pie-20-processes', () => pieProcessesUnderKills({ processes: 20, eventsEach: 20_000, kills: 20, timeoutMs: 300_000 })],
  ['pie-half-open', () => pieHalfOpenLinks({ links: 10, pollMs: 1000, heartbeatMs: 1000, timeoutMs: 30_000 })],
  ['pie-cycles', () => pieConnectCloseCycles({ cycles: 200 })],
];

const results: ChaosResult[] = [];
for (const [name, run] of scenarios) {
  if (only && name !== only) continue;
  process.stderr.write(`running ${name} ...\n`);
  const result = await run();
  process.stderr.write(`${JSON.stringify(result)}\n`);
  results.push(result);
}
console.log(chaosTable(results));
process.exit(0);

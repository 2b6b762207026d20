import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

// The real-engine tier (test/real-engine/**) needs a running engine: PIE_ENGINE_URL.
const realEngine = Boolean(process.env['PIE_ENGINE_URL']);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: realEngine ? configDefaults.exclude : [...configDefaults.exclude, 'test/real-engine/**'],
    globalSetup: ['test/real-engine/tier-line.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: on a 2-core CI machine, one worker
    // and the whole suite in series (5 min 15 s to 6 min 30 s a Node line). Most files wait on
    // sockets and timers, so two workers there take about 4 min 20 s (2 min 20 s with
    // --no-isolate, as scripts/ci-node-matrix.sh runs it) with the same results.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    minWorkers: 1,
    setupFiles: ['test/setup/node-services.ts'],
  },
});

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
    setupFiles: ['test/setup/node-services.ts'],
  },
});

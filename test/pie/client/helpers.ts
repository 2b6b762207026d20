// Shared set-up of the Pie client integration tests: an emulator on loopback and clients
// that are closed after each test.
import { backoffPolicy } from '../../../src/transport/backoff.js';
import { PieClient, type PieClientOptions } from '../../../src/observables/pie/pie-client.js';
import type { PieCredentials } from '../../../src/observables/pie/connection/credentials.js';
import { PieEmulator, type PieEmulatorOptions } from '../../../src/testing/pie/index.js';

export interface Harness {
  emulator(options?: PieEmulatorOptions): Promise<PieEmulator>;
  client(emu: PieEmulator, credentials?: PieCredentials, options?: PieClientOptions): Promise<PieClient>;
  cleanup(): Promise<void>;
}

/** Fast reconnects for tests. */
export const fastBackoff = backoffPolicy({ initialDelayMs: 10, maxDelayMs: 50, jitter: 0 });

/** Creates a harness whose emulators and clients `cleanup()` closes. */
export function harness(): Harness {
  const emulators: PieEmulator[] = [];
  const clients: PieClient[] = [];
  return {
    async emulator(options = {}) {
      const emu = await PieEmulator.start({ tokenFailureDelayMs: 0, ...options });
      emulators.push(emu);
      return emu;
    },
    async client(emu, credentials = { username: 'tester' }, options = {}) {
      const client = await PieClient.connect(emu.url, credentials, {
        backoff: fastBackoff,
        heartbeat: false,
        requestTimeoutMs: 5_000,
        ...options,
      });
      clients.push(client);
      return client;
    },
    async cleanup() {
      for (const client of clients.splice(0)) client.close();
      for (const emu of emulators.splice(0)) await emu.close();
    },
  };
}

/** A promise that resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

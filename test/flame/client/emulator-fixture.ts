import { firstValueFrom, lastValueFrom, Observable, toArray } from 'rxjs';
import { backoffPolicy } from '../../../src/transport/backoff.js';
import { FlameClient } from '../../../src/observables/flame/client.js';
import { FlameEmulator, type FlameEmulatorOptions } from '../../../src/testing/flame/index.js';

/** Short, exact delays so that reconnects and re-watches are quick in tests. */
export const fastBackoff = backoffPolicy({ initialDelayMs: 20, maxDelayMs: 200, jitter: 0 });

/** An emulator and a client connected to it; `close()` releases both. */
export interface EmulatorAndClient {
  readonly emu: FlameEmulator;
  readonly client: FlameClient;
  close(): Promise<void>;
}

/** Starts an emulator on a free loopback port and connects a client (ignoring ~/.flame and FLAME_*). */
export async function startEmulatorAndClient(options: FlameEmulatorOptions = {}): Promise<EmulatorAndClient> {
  const emu = await FlameEmulator.start({ timestampResolution: 'millisecond', ...options });
  // The client detects the version (no `version` option), as most users' clients do.
  const client = FlameClient.connect({ endpoint: emu.endpoint, env: {}, backoff: fastBackoff });
  return {
    emu,
    client,
    async close() {
      client.close();
      await emu.close();
    },
  };
}

/** The one value of a single-value Observable. */
export const one = <T>(source: Observable<T>): Promise<T> => firstValueFrom(source);

/** All values of an Observable, once it completes. */
export const all = <T>(source: Observable<T>): Promise<T[]> => lastValueFrom(source.pipe(toArray()));

/** The error an Observable ends with (fails if it completes instead). */
export async function errorOf(source: Observable<unknown>): Promise<unknown> {
  try {
    await lastValueFrom(source, { defaultValue: undefined });
  } catch (error) {
    return error;
  }
  throw new Error('expected the Observable to error, it completed');
}

/** A promise you open from outside: handlers await it to stay Running. */
export function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Polls `check` every 10 ms until it returns true (or fails after `timeoutMs`). */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const fromUtf8 = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes ?? new Uint8Array());

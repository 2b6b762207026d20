// How long `PieClient.connect` takes with `generation: 'auto'` (which finds out what it talks
// to) next to a fixed generation, against the same server.
// Run: main('ws://127.0.0.1:8080', { identity: 'default/me' }) against a gateway, or
// main(emulator.url) against a 0.4 engine.
import { PieClient, type PieClientOptions, type PieGeneration } from '../../src/pie.js';

/** Medians of `rounds` connects (each closed again), in ms, and the generation found. */
export interface ConnectTimes {
  readonly generation: PieGeneration;
  readonly autoMs: number;
  readonly fixedMs: number;
}

/**
 * Connects `rounds` times with `generation: 'auto'` and as many times with the generation
 * `auto` found, alternating, and reports both medians.
 *
 * @example
 * ```ts
 * const { generation, autoMs, fixedMs } = await main('ws://127.0.0.1:8080', { identity: 'default/me' });
 * ```
 */
export async function main(url: string, options: PieClientOptions = {}, rounds = 20): Promise<ConnectTimes> {
  const once = async (extra: PieClientOptions): Promise<{ ms: number; generation: PieGeneration }> => {
    const started = performance.now();
    const client = await PieClient.connect(url, undefined, { heartbeat: false, ...options, ...extra });
    const ms = performance.now() - started;
    client.close();
    return { ms, generation: client.generation };
  };
  const { generation } = await once({}); // warm-up, and what auto finds
  const auto: number[] = [];
  const fixed: number[] = [];
  for (let i = 0; i < rounds; i++) {
    auto.push((await once({ generation: 'auto' })).ms);
    fixed.push((await once({ generation })).ms);
  }
  return { generation, autoMs: median(auto), fixedMs: median(fixed) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]! * 100) / 100;
}

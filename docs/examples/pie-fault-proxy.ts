// Testing your own Pie code under real faults: a FaultProxy between the client and the
// emulator half-opens the link (nothing forwarded, no close seen by either side); the
// heartbeat notices the silence, terminates the dead socket and reconnects.
import { firstValueFrom, filter, skip } from 'rxjs';
import { PieClient } from '../../src/pie.js';
import { FaultProxy, PieEmulator } from '../../src/testing.js';

/**
 * Connects through a proxy, half-opens the link, and waits for the client to be ready
 * again on a new connection.
 *
 * @example
 * ```ts
 * const { reconnectedAfterMs, pong } = await main();
 * ```
 */
export async function main(): Promise<{ reconnectedAfterMs: number; pong: number }> {
  const emu = await PieEmulator.start({ tokenFailureDelayMs: 0 });
  const proxy = await FaultProxy.start(emu.url); // or FaultProxy.start('ws://pie-engine:8080')
  const client = await PieClient.connect(proxy.url('ws'), { username: 'me' }, { heartbeat: { intervalMs: 200, maxMissed: 2 } });
  try {
    const readyAgain = firstValueFrom(client.state$.pipe(filter((s) => s.kind === 'ready'), skip(1)));
    const cut = Date.now();
    proxy.halfOpen();
    await readyAgain;
    const reconnectedAfterMs = Date.now() - cut;
    const pong = await firstValueFrom(client.ping());
    return { reconnectedAfterMs, pong };
  } finally {
    client.close();
    await proxy.close();
    await emu.close();
  }
}

// Testing your own Flame code under real faults: a FaultProxy between the client and the
// emulator resets every connection while a pipeline runs; each input still gets exactly
// one output, and the server holds exactly one task per input.
import { lastValueFrom, range, tap, toArray } from 'rxjs';
import { FlameClient, textCodec } from '../../src/flame.js';
import { runAll } from '../../src/index.js';
import { FaultProxy, FlameEmulator } from '../../src/testing.js';

/**
 * Runs 50 tasks through `runAll` while the proxy resets the connection at the 5th, 15th,
 * 25th, 35th and 45th output, with the other tasks' creates and watches in flight.
 *
 * @example
 * ```ts
 * const { outputs, tasksOnServer, kills } = await main();
 * ```
 */
export async function main(): Promise<{ outputs: string[]; tasksOnServer: number; kills: number }> {
  const emu = await FlameEmulator.start();
  emu.handle('upper', (input) => new TextDecoder().decode(input).toUpperCase());
  const proxy = await FaultProxy.start(emu.port); // or FaultProxy.start('http://flame:8080')
  const client = FlameClient.connect({ endpoint: proxy.url('http'), env: {} });
  // Faults: killAll('rst' | 'fin'), halfOpen(), delay(ms), throttle(bps), cutAfter(n), refuse(ms).
  let received = 0;
  try {
    const session = await lastValueFrom(client.createSession('upper'));
    const outputs = await lastValueFrom(
      range(0, 50).pipe(
        runAll((n) => session.invoke(`item ${n}`, { input: textCodec, output: textCodec }), { concurrency: 8 }),
        tap(() => {
          if (++received % 10 === 5) proxy.killAll('rst');
        }),
        toArray(),
      ),
    );
    const tasksOnServer = (await lastValueFrom(session.listTasks().pipe(toArray()))).length;
    return { outputs, tasksOnServer, kills: proxy.stats.killed };
  } finally {
    client.close();
    await proxy.close();
    await emu.close();
  }
}

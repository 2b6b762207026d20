// The Pie half of `npm run demo`: an in-process PieEmulator, a client that checks for a
// program and uploads it because the engine does not know it, launches it, prints the growing stdout and the return value, and rides out a
// dropped connection (reconnect, re-authenticate, reattach, replay) on the way.
import { filter, firstValueFrom, lastValueFrom, share, take, tap } from 'rxjs';
import { describeConnectionState } from '../transport/connection-state.js';
import { backoffPolicy } from '../transport/backoff.js';
import { returnValue, stdoutText } from '../observables/operators/pie/index.js';
import { PieClient } from '../observables/pie/index.js';
import { buildComponent, type InferletContext, PieEmulator } from '../testing/pie/index.js';

const WORDS = ['Once', ' upon', ' a', ' time,', ' a', ' client', ' lost', ' its', ' connection', ' and', ' found', ' it', ' again.'];
const DROP_AFTER = 6;

/**
 * Runs the Pie demo and resolves when everything is closed.
 *
 * @example
 * ```ts
 * import { runPieDemo } from './pie-demo.js';
 * await runPieDemo();
 * ```
 */
export async function runPieDemo(): Promise<void> {
  const emulator = await PieEmulator.start({ detachMode: 'designed' });
  // The inferlet pauses half-way until the demo has cut the connection, so the second half
  // is produced while no client is attached: the engine buffers it and replays it on reattach.
  let resume!: () => void;
  const connectionCut = new Promise<void>((resolve) => {
    resume = resolve;
  });
  // It also holds its ending until the client is back: a process that ends while nobody is
  // attached is removed with its buffer, so its return could not be replayed (docs/pie.md).
  let clientBack!: () => void;
  const reattached = new Promise<void>((resolve) => {
    clientBack = resolve;
  });
  // What the uploaded program does. The emulator cannot run WebAssembly, so this stands in
  // for the component's code; it is registered only once the upload is in (registered code
  // would make the program known before the upload).
  const story = async (ctx: InferletContext): Promise<string> => {
    const { words } = JSON.parse(ctx.input) as { words: string[] };
    for (const [index, word] of words.entries()) {
      if (index === DROP_AFTER) await connectionCut;
      ctx.stdout(word);
      await new Promise((done) => setTimeout(done, 15));
    }
    await reattached;
    return JSON.stringify({ words: words.length, text: words.join('') });
  };

  const client = await PieClient.connect(emulator.url, { username: 'demo' }, {
    backoff: backoffPolicy({ initialDelayMs: 100, maxDelayMs: 100, jitter: 0 }),
  });
  const states = client.state$.subscribe((state) => console.log(`  [connection] ${describeConnectionState(state)}`));
  try {
    // Date.now() has millisecond resolution, too coarse for a loopback round trip.
    const pingStart = performance.now();
    await firstValueFrom(client.ping());
    console.log(`ping: ${Math.round((performance.now() - pingStart) * 1000)} µs`);

    const manifest = '[package]\nname = "story"\nversion = "0.1.0"\n';
    // A minimal WebAssembly component of 700 000 bytes standing in for a built inferlet.
    const wasm = buildComponent({ size: 700_000 });
    const known = await firstValueFrom(client.checkProgram('story@0.1.0', { wasm, manifest }));
    console.log(`program known before upload: ${known}`);
    if (!known) {
      await lastValueFrom(
        client.addProgram({ wasm, manifest, forceOverwrite: true }).pipe(
          tap((p) => console.log(`upload: chunk ${p.sentChunks}/${p.totalChunks} (${p.sentBytes}/${p.totalBytes} bytes)`)),
        ),
      );
      console.log('upload: installed');
      emulator.registerInferlet('story@0.1.0', story);
    }

    const events$ = client.launchProcess('story@0.1.0', { words: WORDS }).pipe(share());
    const printing = events$.pipe(stdoutText()).subscribe((text) => console.log(`stdout so far: ${text}`));
    const result = lastValueFrom(events$.pipe(returnValue<{ words: number; text: string }>()));

    await lastValueFrom(events$.pipe(filter((e) => e.kind === 'stdout'), take(DROP_AFTER)));
    console.log('-- dropping every connection at the engine --');
    emulator.dropConnections();
    while (emulator.connectionCount > 0) await new Promise((done) => setTimeout(done, 5));
    const back = firstValueFrom(events$.pipe(filter((e) => e.kind === 'stdout')));
    resume();
    await back; // the first word after the drop: replayed from the buffer, or live
    clientBack();

    const value = await result;
    printing.unsubscribe();
    console.log(`return value: ${JSON.stringify(value)}`);
  } finally {
    states.unsubscribe();
    client.close();
    await emulator.close();
  }
}

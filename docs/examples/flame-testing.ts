// Testing your own Flame code: the code under test takes a FlameClient (or any
// FlameClientContext); tests point it at a FlameEmulator from 'flame-pie-rx/testing'.
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { FlameClient, FlameClientContext, jsonCodec, textCodec, invoke } from '../../src/flame.js';
import { runAll } from '../../src/index.js';
import { FlameEmulator } from '../../src/testing.js';

/**
 * The code under test: the total number of words of `texts`, one `words` task per text.
 *
 * @example
 * ```ts
 * const total = await totalWords(client, 'words-x1Y2z3', ['a b', 'c']); // => 3
 * ```
 */
export async function totalWords(client: FlameClientContext, sessionId: string, texts: readonly string[]): Promise<number> {
  const codecs = { input: textCodec, output: jsonCodec<number>() };
  const counts = await lastValueFrom(
    from(texts).pipe(
      runAll((text) => invoke(client, sessionId, text, codecs), { concurrency: 4 }),
      toArray(),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * Runs `totalWords` against `endpoint` when one is given, or against a fresh emulator
 * with a `words` handler (what a unit test does).
 *
 * @example
 * ```ts
 * const total = await main(); // an emulator of its own
 * ```
 */
export async function main(endpoint?: string): Promise<number> {
  const emulator = endpoint === undefined ? await FlameEmulator.start() : undefined;
  emulator?.handle('words', (input) => String(new TextDecoder().decode(input).split(/\s+/).filter(Boolean).length));
  const client = FlameClient.connect({ endpoint: endpoint ?? emulator!.endpoint });
  try {
    const session = await firstValueFrom(client.createSession('words'));
    const total = await totalWords(client, session.id, ['one two three', 'four five', 'six']);
    await firstValueFrom(session.close());
    return total;
  } finally {
    client.close();
    await emulator?.close();
  }
}

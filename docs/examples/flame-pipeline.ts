// A pipeline: many inputs through one session with a concurrency limit, failed tasks
// resubmitted (as NEW tasks), and a progress line from the session status.
// Run: main('http://127.0.0.1:8080') against a cluster with an application `words`
// whose service returns the number of words of its input, and fails now and then.
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { FlameClient, jsonCodec, textCodec } from '../../src/flame.js';
import { backoffPolicy, runAll, retryFailedTasks } from '../../src/index.js';

/**
 * Counts the words of every line with at most 8 tasks at a time, resubmitting failed
 * tasks up to twice, and returns the counts in input order with the status lines seen.
 *
 * @example
 * ```ts
 * const { counts } = await main('http://127.0.0.1:8080');
 * ```
 */
export async function main(
  endpoint: string,
  lines: readonly string[] = ['the quick brown fox', 'jumps over', 'the lazy dog', 'again'],
): Promise<{ counts: number[]; progress: string[]; resubmitted: number }> {
  const client = FlameClient.connect({ endpoint });
  const session = await firstValueFrom(client.createSession({ application: 'words', maxInstances: 8 }));
  const codecs = { input: textCodec, output: jsonCodec<number>() };
  const progress: string[] = [];
  let resubmitted = 0;
  const status = session
    .status({ intervalMs: 50 })
    .subscribe((s) => progress.push(`${s.succeed} done, ${s.failed} failed, ${s.running} running, ${s.pending} pending`));
  try {
    const counts = await lastValueFrom(
      from(lines).pipe(
        runAll(
          (line) =>
            session.invoke(line, codecs).pipe(
              retryFailedTasks({
                policy: backoffPolicy({ initialDelayMs: 20, jitter: 0, maxAttempts: 2 }),
                onResubmit: () => (resubmitted += 1),
              }),
            ),
          { concurrency: 8, ordered: true },
        ),
        toArray(),
      ),
    );
    return { counts, progress, resubmitted };
  } finally {
    status.unsubscribe();
    await firstValueFrom(session.close());
    client.close();
  }
}

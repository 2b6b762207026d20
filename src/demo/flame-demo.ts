// The Flame half of `npm run demo`: an in-process FlameEmulator with a `words` handler, a
// client that runs 20 tasks through runAll with a concurrency limit (one of them fails once
// and is resubmitted as a new task), a session status line, and a watch that rides out a
// server restart.
import { ReplaySubject, filter, firstValueFrom, from, lastValueFrom, share, toArray } from 'rxjs';
import type { Task } from '../model/flame/types.js';
import { jsonCodec, textCodec } from '../model/flame/codec.js';
import { backoffPolicy } from '../transport/backoff.js';
import { describeConnectionState } from '../transport/connection-state.js';
import { FlameClient } from '../observables/flame/client.js';
import { retryFailedTasks } from '../observables/operators/flame/resubmit-failed-tasks.js';
import { runAll } from '../observables/operators/flame/run-all.js';
import { FlameEmulator } from '../testing/flame/index.js';

const LINES = Array.from({ length: 20 }, (_, i) => `line ${i + 1}: ${'word '.repeat((i % 5) + 1).trim()}`);
const FLAKY_LINE = LINES[7]!;
const RESTART_INPUT = 'survives a restart';

/**
 * Runs the Flame demo and resolves when everything is closed.
 *
 * @example
 * ```ts
 * import { runFlameDemo } from './flame-demo.js';
 * await runFlameDemo();
 * ```
 */
export async function runFlameDemo(): Promise<void> {
  const emulator = await FlameEmulator.start();
  let flakyAttempts = 0;
  emulator.handle(
    'words',
    async (input) => {
      const text = new TextDecoder().decode(input);
      const slow = text === RESTART_INPUT ? 300 : 0;
      await new Promise((resolve) => setTimeout(resolve, slow + 20 + (text.length % 7) * 5));
      if (text === FLAKY_LINE && ++flakyAttempts === 1) throw new Error('worker hiccup');
      return String(text.split(/\s+/).length - 2);
    },
    { maxInstances: 4 },
  );
  console.log(`emulator listening at ${emulator.endpoint}`);

  const client = FlameClient.connect({ endpoint: emulator.endpoint, env: {}, backoff: backoffPolicy({ initialDelayMs: 50, jitter: 0 }) });
  const states = client.state$.subscribe((s) => console.log(`  [connection] ${describeConnectionState(s)}`));
  try {
    const session = await firstValueFrom(client.createSession({ application: 'words', maxInstances: 4 }));
    console.log(`session ${session.id} (application ${session.application})`);

    let lastLine = '';
    const status = session.status({ intervalMs: 100 }).subscribe((s) => {
      const line = `  [status] ${s.state}: ${s.succeed} succeeded, ${s.failed} failed, ${s.running} running, ${s.pending} pending`;
      if (line !== lastLine) console.log((lastLine = line));
    });

    const codecs = { input: textCodec, output: jsonCodec<number>() };
    const counts = await lastValueFrom(
      from(LINES).pipe(
        runAll(
          (line, index) =>
            session.invoke(line, codecs).pipe(
              retryFailedTasks({
                policy: backoffPolicy({ initialDelayMs: 50, jitter: 0, maxAttempts: 2 }),
                onResubmit: ({ error, delayMs }) =>
                  console.log(`  task ${error.taskId} for input #${index + 1} failed (${error.failureMessage}); resubmitting as a new task in ${delayMs} ms`),
              }),
            ),
          { concurrency: 6 },
        ),
        toArray(),
      ),
    );
    console.log(`word counts of ${counts.length} lines, in input order: ${counts.join(' ')}`);

    // A watch survives a server restart and reports the terminal state once.
    const task = await firstValueFrom(session.createTask(textCodec.encode(RESTART_INPUT)));
    const watch = session.watchTask(task.id).pipe(share({ connector: () => new ReplaySubject<Task>() }));
    const seen = lastValueFrom(watch.pipe(toArray()));
    await firstValueFrom(watch.pipe(filter((t) => t.state === 'Running')));
    console.log(`task ${task.id} is Running; restarting the emulator (it goes back to Pending, the watch stream breaks)...`);
    await emulator.restart();
    console.log(`task ${task.id} states seen: ${(await seen).map((t) => t.state).join(' -> ')}`);

    status.unsubscribe();
    const closed = await firstValueFrom(session.close());
    console.log(`session closed: ${closed.succeed} succeeded, ${closed.failed} failed`);
  } finally {
    states.unsubscribe();
    client.close();
    await emulator.close();
  }
}

// Watching a task you did not create (or created earlier), and what unsubscribing means.
// Run: main('http://127.0.0.1:8080') against a cluster with an application `echo` whose
// service returns its input.
import { firstValueFrom } from 'rxjs';
import { FlameClient, textCodec, watchTask } from '../../src/flame.js';
import { taskOutput } from '../../src/index.js';

/**
 * Creates a task, then follows it by id with `watchTask` and decodes its output with
 * the `taskOutput` operator.
 *
 * @example
 * ```ts
 * const { taskId, output } = await main('http://127.0.0.1:8080');
 * ```
 */
export async function main(endpoint: string): Promise<{ sessionId: string; taskId: string; output: string }> {
  const client = FlameClient.connect({ endpoint });
  const session = await firstValueFrom(client.createSession('echo'));
  try {
    const task = await firstValueFrom(session.createTask(textCodec.encode('watched')));
    // Any process that knows (sessionId, taskId) can follow the task. The watch survives
    // server restarts; unsubscribing only stops watching: the task keeps running.
    const output = await firstValueFrom(watchTask(client, session.id, task.id).pipe(taskOutput(textCodec)));
    return { sessionId: session.id, taskId: task.id, output };
  } finally {
    await firstValueFrom(session.close());
    client.close();
  }
}

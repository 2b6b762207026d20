// Sessions and tasks: create a session, run tasks three ways (raw states, typed invoke,
// run with its outcome), read a failure message, close the session.
// Run: main('http://127.0.0.1:8080') against a cluster with an application `echo` whose
// service returns its input, and fails when the input is the text `fail`.
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { FlameClient, TaskFailedError, textCodec } from '../../src/flame.js';

/**
 * Runs a few `echo` tasks and returns what each API reported.
 *
 * @example
 * ```ts
 * const report = await main('http://127.0.0.1:8080');
 * console.log(report.states); // ['Pending', 'Running', 'Succeed'] (Running may be skipped)
 * ```
 */
export async function main(endpoint: string): Promise<{
  sessionId: string;
  states: string[];
  echoed: string;
  failure: { state: string; message?: string };
  invokeError: string;
  taskCount: number;
}> {
  const client = FlameClient.connect({ endpoint });
  const session = await firstValueFrom(client.createSession({ application: 'echo', maxInstances: 2 }));
  const text = { input: textCodec, output: textCodec };
  try {
    // 1. runTask: the created task, then each new state, the terminal one last.
    const tasks = await lastValueFrom(session.runTask(new TextEncoder().encode('raw bytes')).pipe(toArray()));
    const states = tasks.map((t) => t.state);

    // 2. invoke: just the decoded output.
    const echoed = await firstValueFrom(session.invoke('hello', text));

    // 3. run: the outcome, failures included, with the failure message from GetTask.
    const outcome = await firstValueFrom(session.run('fail', text));
    const failure = { state: outcome.state, ...(outcome.failureMessage ? { message: outcome.failureMessage } : {}) };

    // invoke turns a failed task into TaskFailedError (task, session, state, message).
    let invokeError = '';
    try {
      await firstValueFrom(session.invoke('fail', text));
    } catch (error) {
      if (error instanceof TaskFailedError) invokeError = error.message;
      else throw error;
    }

    const all = await lastValueFrom(session.listTasks().pipe(toArray()));
    return { sessionId: session.id, states, echoed, failure, invokeError, taskCount: all.length };
  } finally {
    await firstValueFrom(session.close());
    client.close();
  }
}

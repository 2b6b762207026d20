// Ctrl-C for the command line: the first SIGINT aborts what the command is doing, as an
// unsubscribe does (a followed task's watch is cancelled on the wire, a launched process is
// terminated, an attached one detached), and the tool exits 130 once the client is closed;
// a second SIGINT exits at once.
import { CliError, EXIT } from './output.js';

/** The reason an interrupted command fails with: exit 130, "interrupted". */
export function interrupted(): CliError {
  return new CliError('interrupted', EXIT.interrupted);
}

/**
 * A signal aborted by the process's first SIGINT (with `interrupted()` as its reason); the
 * second SIGINT exits with 130 without waiting.
 *
 * @example
 * ```ts
 * const signal = interruptSignal();
 * await lastValue(client.runTask('s1', input), { signal }); // Ctrl-C: the watch is cancelled, exit 130
 * ```
 */
export function interruptSignal(target: Pick<NodeJS.Process, 'once' | 'exit'> = process): AbortSignal {
  const controller = new AbortController();
  target.once('SIGINT', () => {
    controller.abort(interrupted());
    target.once('SIGINT', () => target.exit(EXIT.interrupted));
  });
  return controller.signal;
}

/**
 * `promise`, or a rejection with the signal's reason as soon as it is aborted (for steps
 * that take no signal, such as waiting for the first connection).
 *
 * @example
 * ```ts
 * const client = await untilInterrupted(signal, PieClient.connect(url));
 * ```
 */
export function untilInterrupted<T>(signal: AbortSignal | undefined, promise: Promise<T>): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

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


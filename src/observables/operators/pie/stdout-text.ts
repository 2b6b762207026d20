import { filter, scan, type OperatorFunction } from 'rxjs';
import type { ProcessEvent, ProcessStdoutEvent } from '../../../model/pie/events.js';

/**
 * The process's stdout so far: on every `stdout` event, emits all stdout text received up to
 * and including it. Other events are ignored; completion and errors pass through.
 *
 * @example
 * ```ts
 * import { stdoutText } from 'flame-pie-rx';
 * events$.pipe(stdoutText()).subscribe((text) => render(text)); // 'Hel', 'Hello', 'Hello!'
 * ```
 */
export function stdoutText(): OperatorFunction<ProcessEvent, string> {
  return (source) =>
    source.pipe(
      filter((event): event is ProcessStdoutEvent => event.kind === 'stdout'),
      scan((text, event) => text + event.text, ''),
    );
}

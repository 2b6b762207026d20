import type { Observable } from 'rxjs';
import type { PauseGate } from './pause-gate.js';
import { type BoundedAsyncIterable, type ToAsyncIterableOptions, toAsyncIterable } from './to-async-iterable.js';

/**
 * `toAsyncIterable` wired to a connection's `PauseGate`: while the queue is full the gate
 * holds the connection paused (no socket reads), and lets go once the reader drained it.
 *
 * @example
 * ```ts
 * for await (const event of toPausingAsyncIterable(process.events$, gate, { highWaterMark: 16 })) console.log(event);
 * ```
 */
export function toPausingAsyncIterable<T>(
  source: Observable<T>,
  gate: PauseGate,
  options: Pick<ToAsyncIterableOptions, 'highWaterMark' | 'lowWaterMark'> = {},
): BoundedAsyncIterable<T> {
  let release: (() => void) | undefined;
  return toAsyncIterable(source, {
    ...options,
    onFull: () => {
      release ??= gate.hold();
    },
    onDrain: () => {
      // Cleared first: giving the hold back delivers held frames synchronously, which may
      // fill the queue again and take a new hold.
      const held = release;
      release = undefined;
      held?.();
    },
  });
}

import { Observable, ObservableInput, OperatorFunction } from 'rxjs';
import { InvalidOptionsError } from './invalid-options-error.js';
import { runAllInto } from './run-all-merge.js';
import { type AbortOptions, abortable } from '../../../interop/abortable.js';

/**
 * Options of `runAll`. `signal`: aborting unsubscribes every running inner Observable
 * (CreateTask calls in flight are cancelled, watches stopped) and errors the output with
 * the signal's reason.
 */
export interface RunAllOptions extends AbortOptions {
  /**
   * How many inputs are being submitted at once: a positive integer or `Infinity`.
   * Default 64. A task submission (`invoke`, `run`, `runTask`, and the same methods of a
   * client or session) counts only until the server has answered its CreateTask; it is
   * then followed to its end without holding a slot, so the server's queue stays full.
   * Any other inner Observable counts until it ends (like `mergeMap`'s concurrency).
   */
  readonly concurrency?: number;
  /**
   * `true` (default): results come out in input order, each as soon as every earlier
   * input's Observable has completed (values of the oldest running input stream through
   * at once; later ones are buffered until it is their turn). `false`: results come out
   * as they are produced.
   */
  readonly ordered?: boolean;
}

/**
 * Default concurrency of `runAll`: CreateTask calls in flight at once.
 *
 * @example
 * ```ts
 * import { DEFAULT_RUN_ALL_CONCURRENCY, runAll } from 'flame-pie-rx';
 * runAll((n: number) => session.invoke(n, codecs), { concurrency: DEFAULT_RUN_ALL_CONCURRENCY * 2 });
 * ```
 */
export const DEFAULT_RUN_ALL_CONCURRENCY = 64;

/**
 * Maps every input to an inner Observable (typically a task submission such as
 * `session.invoke(input)`) and runs them as a pipeline that keeps the server busy: at
 * most `concurrency` submissions wait for their CreateTask at once, and every created
 * task is followed to its end while the next ones are created. Inner Observables that
 * are not task submissions run at most `concurrency` at once. With `ordered: true` the
 * results keep the input order; with `false` they come as they finish. An error of any
 * inner Observable (or of the source) errors the output and unsubscribes every other
 * running inner Observable. Completes when the source and every inner Observable have
 * completed.
 *
 * A submission is recognised when its CreateTask is subscribed synchronously within the
 * inner Observable's subscription (true of `invoke(...)` and of it behind operators such
 * as `map`, `retry` or `defer`); one that creates its task later (after a `delay`, in a
 * `switchMap` on another call) holds its slot until it ends.
 *
 * With `ordered: true` a slow early input holds back (buffers) the results of the inputs
 * after it; it does not hold back their execution.
 *
 * @example
 * ```ts
 * import { range } from 'rxjs';
 * import { runAll } from 'flame-pie-rx';
 * range(1, 100).pipe(runAll((n) => session.invoke(n), { concurrency: 8 }))
 *   .subscribe((output) => console.log(output));
 * ```
 */
export function runAll<I, R>(
  project: (input: I, index: number) => ObservableInput<R>,
  options: RunAllOptions = {},
): OperatorFunction<I, R> {
  const concurrency = options.concurrency ?? DEFAULT_RUN_ALL_CONCURRENCY;
  if (!(concurrency === Number.POSITIVE_INFINITY || (Number.isInteger(concurrency) && concurrency >= 1))) {
    throw new InvalidOptionsError('concurrency', `expected a positive integer or Infinity, got ${String(concurrency)}`);
  }
  const ordered = options.ordered !== false;
  const { signal } = options;
  return (source) =>
    new Observable<R>((subscriber) => runAllInto(source, subscriber, project, concurrency, ordered)).pipe(abortable(signal));
}

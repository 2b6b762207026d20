import { Observable, ObservableInput, OperatorFunction, from, ignoreElements, mergeMap, tap } from 'rxjs';
import { InvalidOptionsError } from './invalid-options-error.js';

/** Options of `runAll`. */
export interface RunAllOptions {
  /** How many inner Observables run at once; a positive integer or `Infinity`. Default 16. */
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
 * Default concurrency of `runAll`.
 *
 * @example
 * ```ts
 * import { DEFAULT_RUN_ALL_CONCURRENCY, runAll } from 'flame-pie-rx';
 * runAll((n: number) => session.invoke(n, codecs), { concurrency: DEFAULT_RUN_ALL_CONCURRENCY * 2 });
 * ```
 */
export const DEFAULT_RUN_ALL_CONCURRENCY = 16;

/**
 * Maps every input to an inner Observable (typically a task submission such as
 * `session.invoke(input)`) and runs at most `concurrency` of them at once. With
 * `ordered: true` the results keep the input order; with `false` they come as they
 * finish. An error of any inner Observable (or of the source) errors the output and
 * unsubscribes every other running inner Observable. Completes when the source and every
 * inner Observable have completed.
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
  if (options.ordered === false) {
    return (source) => source.pipe(mergeMap((input, index) => from(project(input, index)), concurrency));
  }
  return (source) => new Observable<R>((subscriber) => {
    // Results of inputs whose turn has not come yet, by input index.
    const pending = new Map<number, { values: R[]; done: boolean }>();
    let head = 0;
    const flush = (): void => {
      for (let slot = pending.get(head); slot !== undefined; slot = pending.get(head)) {
        const values = slot.values;
        slot.values = [];
        for (const value of values) subscriber.next(value);
        if (!slot.done) return;
        pending.delete(head);
        head += 1;
      }
    };
    return source
      .pipe(
        mergeMap((input, index) => {
          const slot = { values: [] as R[], done: false };
          pending.set(index, slot);
          return from(project(input, index)).pipe(
            tap({
              next: (value) => {
                slot.values.push(value);
                if (index === head) flush();
              },
              complete: () => {
                slot.done = true;
                if (index === head) flush();
              },
            }),
            ignoreElements(),
          );
        }, concurrency),
      )
      .subscribe({ error: (error: unknown) => subscriber.error(error), complete: () => subscriber.complete() });
  });
}

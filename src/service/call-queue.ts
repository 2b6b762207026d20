/**
 * Runs async jobs strictly one at a time, in arrival order (Flame's executor manager never
 * calls a service concurrently, and the service runtime serialises anyway; spec 5.4).
 *
 * @example
 * ```ts
 * const queue = new CallQueue();
 * await Promise.all([queue.run(async () => 1), queue.run(async () => 2)]); // => [1, 2], in order
 * ```
 */
export class CallQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

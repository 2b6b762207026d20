// A promise raced against an AbortSignal, for steps that take no signal of their own.

/**
 * `promise`, or a rejection with the signal's reason as soon as it is aborted; the listener
 * is removed when either settles. (The step itself is not stopped: it has no signal.)
 *
 * @example
 * ```ts
 * const client = await untilAborted(controller.signal, PieClient.connect(url));
 * ```
 */
export function untilAborted<T>(signal: AbortSignal | undefined, promise: Promise<T>): Promise<T> {
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
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

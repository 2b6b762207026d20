// The user-supplied task handler of the emulator and how one invocation is run.
import { isObservable, type Observable, type Subscription } from 'rxjs';
import { flameMessages } from './messages.js';

/** What a handler may produce: bytes, text (sent as UTF-8) or nothing. */
export type FlameTaskResult = Uint8Array | string | void | undefined;

/**
 * What a handler learns about the task it runs.
 *
 * @example
 * ```ts
 * import type { FlameTaskContext } from 'flame-pie-rx/testing';
 * const describe = (ctx: FlameTaskContext) => `${ctx.application}/${ctx.sessionId}/${ctx.taskId}`;
 * ```
 */
export interface FlameTaskContext {
  sessionId: string;
  /** Decimal task id, as on the wire. */
  taskId: string;
  application: string;
  commonData?: Uint8Array;
  /** Flame 0.7: the session's gang size, as SessionContext.batch_size gives it (1 for an ordinary session). */
  batchSize?: number;
  /** Flame 0.7: the session's tokens, as SessionContext.tokens gives them. */
  tokens?: Readonly<Record<string, string>>;
  /** Flame 0.7: the task's affinity keys, when it has any. */
  affinity?: Uint8Array[];
}

/**
 * Runs one task: returns its output (or a Promise/Observable of it; an Observable's last
 * value counts). A throw, a rejection or an Observable error fails the task with the
 * error's message.
 *
 * @example
 * ```ts
 * import type { FlameTaskHandler } from 'flame-pie-rx/testing';
 * const upper: FlameTaskHandler = (input) => Buffer.from(input ?? []).toString().toUpperCase();
 * ```
 */
export type FlameTaskHandler = (
  input: Uint8Array | undefined,
  context: FlameTaskContext,
) => FlameTaskResult | PromiseLike<FlameTaskResult> | Observable<FlameTaskResult>;

/**
 * Options of `FlameEmulator.handle`.
 *
 * @example
 * ```ts
 * import type { FlameHandleOptions } from 'flame-pie-rx/testing';
 * const opts: FlameHandleOptions = { minInstances: 1, maxInstances: 2, delayMs: 50, delayReleaseMs: 200 };
 * ```
 */
export interface FlameHandleOptions {
  /**
   * Executors kept bound to each Open session even without pending work (default 0). The
   * session's own `min_instances` counts too (the larger wins); never more than the session's
   * executor limit (`maxInstances` here or of the application, and the session's
   * `max_instances`). A non-negative integer.
   */
  minInstances?: number;
  /** Concurrent tasks per session (default: the application's max_instances). */
  maxInstances?: number;
  /** How long a task stays Running at least before its result is applied (default 0). */
  delayMs?: number;
  /**
   * How long an idle executor beyond the minimum stays bound before it leaves the session
   * (default: the application's `delay_release` seconds × 1000, i.e. 60 000 ms when absent).
   * A non-negative number.
   */
  delayReleaseMs?: number;
}

/** The outcome of one invocation. */
export type TaskOutcome = { ok: true; output: Buffer | undefined } | { ok: false; message: string };

/**
 * Converts a handler's value into task output; throws for a value of another type.
 *
 * @example
 * ```ts
 * import { outputFromResult } from './handler.js';
 * outputFromResult('hi'); // => Buffer 'hi'
 * ```
 */
export function outputFromResult(value: unknown): Buffer | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`task handler returned an unsupported value of type ${typeof value}`);
}

/**
 * The failure message of a thrown value: its message, or the default failure text when empty.
 *
 * @example
 * ```ts
 * import { failureMessage } from './handler.js';
 * failureMessage(new Error('')); // => 'Task failed with state <Failed>'
 * ```
 */
export function failureMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : error === undefined || error === null ? '' : String(error);
  return text === '' ? flameMessages.taskFailed : text;
}

/**
 * Calls a handler and reports its outcome exactly once, asynchronously (never inside the
 * call). Returns a function that abandons the invocation (unsubscribes an Observable and
 * ignores a later outcome).
 *
 * @example
 * ```ts
 * import { invokeHandler } from './handler.js';
 * const abandon = invokeHandler(() => 'ok', undefined, { sessionId: 's', taskId: '1', application: 'a' }, console.log);
 * ```
 */
export function invokeHandler(
  handler: FlameTaskHandler,
  input: Uint8Array | undefined,
  context: FlameTaskContext,
  done: (outcome: TaskOutcome) => void,
): () => void {
  let settled = false;
  let abandoned = false;
  let subscription: Subscription | undefined;
  const settle = (outcome: TaskOutcome) => {
    if (settled) return;
    settled = true;
    queueMicrotask(() => {
      if (!abandoned) done(outcome);
    });
  };
  const succeed = (value: unknown) => {
    try {
      settle({ ok: true, output: outputFromResult(value) });
    } catch (e) {
      settle({ ok: false, message: failureMessage(e) });
    }
  };
  const fail = (error: unknown) => settle({ ok: false, message: failureMessage(error) });
  try {
    const result = handler(input, context);
    if (isObservable(result)) {
      let last: unknown;
      subscription = (result as Observable<FlameTaskResult>).subscribe({
        next: (v) => (last = v),
        error: fail,
        complete: () => succeed(last),
      });
    } else if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(succeed, fail);
    } else {
      succeed(result);
    }
  } catch (e) {
    fail(e);
  }
  return () => {
    settled = true;
    abandoned = true;
    subscription?.unsubscribe();
  };
}

// Server-side bookkeeping of RPCs: the call log, client cancellations, open streams, and
// the injected faults (failNext / delayNext).
import { status } from '@grpc/grpc-js';

/**
 * One RPC as the emulator received it. `method` is the FrontendClient method name
 * (`createTask`, `watchTask`, …).
 *
 * @example
 * ```ts
 * import type { FlameCallRecord } from 'flame-pie-rx/testing';
 * const isWatch = (c: FlameCallRecord) => c.method === 'watchTask';
 * ```
 */
export interface FlameCallRecord {
  readonly method: string;
  readonly at: Date;
  readonly request: unknown;
}

/**
 * A call the client cancelled (seen server-side as the call's `cancelled` event).
 *
 * @example
 * ```ts
 * import type { FlameCancelledCall } from 'flame-pie-rx/testing';
 * const label = (c: FlameCancelledCall) => `${c.method} at ${c.at.toISOString()}`;
 * ```
 */
export interface FlameCancelledCall {
  readonly method: string;
  readonly at: Date;
}

/** A call in progress that the server can end on its own (stop, breakStreams). */
export interface ActiveCall {
  readonly method: string;
  readonly streaming: boolean;
  /** Set once the server has answered or ended the call. */
  finished: boolean;
  /** Ends the call with a status (no effect once finished), optionally with `grpc-status-details-bin`. */
  abort(code: number, details: string, statusDetails?: Uint8Array): void;
}

interface FailRule {
  remaining: number;
  method?: string | undefined;
  code: number;
  message: string;
  statusDetails?: Uint8Array | undefined;
}

interface DelayRule {
  remaining: number;
  method?: string | undefined;
  ms: number;
}

/**
 * Accepts `createTask`, `CreateTask` or `/flame.v1.Frontend/CreateTask` and returns the
 * FrontendClient method name `createTask`.
 *
 * @example
 * ```ts
 * import { normalizeMethodName } from './call-registry.js';
 * normalizeMethodName('/flame.v1.Frontend/WatchTask'); // => 'watchTask'
 * ```
 */
export function normalizeMethodName(method: string): string {
  const bare = method.slice(method.lastIndexOf('/') + 1);
  return bare.charAt(0).toLowerCase() + bare.slice(1);
}

/**
 * Default number of most recent entries the call log (and the log of cancelled calls) keeps.
 *
 * @example
 * ```ts
 * import { DEFAULT_CALL_LOG_LIMIT } from './call-registry.js';
 * DEFAULT_CALL_LOG_LIMIT; // => 10000
 * ```
 */
export const DEFAULT_CALL_LOG_LIMIT = 10_000;

/**
 * The log of calls, cancellations, active calls and pending fault rules of one emulator.
 * Both logs keep only the `logLimit` most recent entries (0 keeps none, Infinity all).
 *
 * @example
 * ```ts
 * import { CallRegistry } from './call-registry.js';
 * const registry = new CallRegistry(100);
 * registry.failNext(1, { code: 14, message: 'down' });
 * ```
 */
export class CallRegistry {
  readonly calls: FlameCallRecord[] = [];
  readonly cancelledCalls: FlameCancelledCall[] = [];
  readonly active = new Set<ActiveCall>();
  private readonly failRules: FailRule[] = [];
  private readonly delayRules: DelayRule[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private streams = 0;

  constructor(readonly logLimit: number = DEFAULT_CALL_LOG_LIMIT) {}

  /** Number of open server streams (WatchTask, ListTask). */
  get openStreams(): number {
    return this.streams;
  }

  /** Makes the next `count` matching calls fail with the given status. */
  failNext(count: number, rule: { code: number; message: string; method?: string | undefined; statusDetails?: Uint8Array | undefined }): void {
    if (!(count > 0)) return;
    this.failRules.push({
      remaining: count,
      method: rule.method === undefined ? undefined : normalizeMethodName(rule.method),
      code: rule.code,
      message: rule.message,
      statusDetails: rule.statusDetails,
    });
  }

  /** Delays the next `count` matching calls by `ms` before they are processed. */
  delayNext(count: number, ms: number, method?: string): void {
    if (!(count > 0)) return;
    this.delayRules.push({ remaining: count, ms, method: method === undefined ? undefined : normalizeMethodName(method) });
  }

  /** Logs a new call and tracks it as active. */
  begin(call: ActiveCall, request: unknown): void {
    this.append(this.calls, { method: call.method, at: new Date(), request });
    this.active.add(call);
    if (call.streaming) this.streams++;
  }

  /** Forgets an active call. */
  end(call: ActiveCall): void {
    call.finished = true;
    if (this.active.delete(call) && call.streaming) this.streams--;
  }

  /** Records a client cancellation (ignored when the server had already ended the call). */
  cancelled(call: ActiveCall): void {
    if (!call.finished) this.append(this.cancelledCalls, { method: call.method, at: new Date() });
    this.end(call);
  }

  /**
   * Applies the fault rules to a new call: after any delay, either fails it (returns the
   * status) or runs `proceed`.
   */
  gate(call: ActiveCall, proceed: () => void): void {
    const delay = this.take(this.delayRules, call.method);
    const run = () => {
      if (call.finished) return;
      const failure = this.take(this.failRules, call.method);
      if (failure) call.abort(failure.code, failure.message, failure.statusDetails);
      else proceed();
    };
    if (!delay || delay.ms <= 0) {
      run();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, delay.ms);
    this.timers.add(timer);
  }

  /** Ends every active call (or only streams) with a status. */
  abortAll(code: number = status.UNAVAILABLE, details: string, onlyStreams = false): void {
    for (const call of [...this.active]) {
      if (onlyStreams && !call.streaming) continue;
      call.abort(code, details);
    }
  }

  /** Cancels pending delay timers. */
  clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Appends to a log, dropping the oldest entries beyond the limit. */
  private append<T>(log: T[], entry: T): void {
    if (this.logLimit <= 0) return;
    log.push(entry);
    if (log.length > this.logLimit) log.splice(0, log.length - this.logLimit);
  }

  private take<T extends { remaining: number; method?: string | undefined }>(rules: T[], method: string): T | undefined {
    const i = rules.findIndex((r) => r.remaining > 0 && (r.method === undefined || r.method === method));
    if (i < 0) return undefined;
    const rule = rules[i]!;
    rule.remaining--;
    if (rule.remaining === 0) rules.splice(i, 1);
    return rule;
  }
}

// The emulator's optional pacing: the timing of a real session manager instead of
// answering at once, so that what a client does with its time can be measured.
import type * as grpc from '@grpc/grpc-js';
import { FlameEmulatorError } from './errors.js';

/**
 * Timing of a real session manager (`FlameEmulator.start({ pacing })`). Without it the
 * emulator binds every executor it may at once and answers with no latency.
 *
 * @example
 * ```ts
 * import { FlameEmulator } from 'flame-pie-rx/testing';
 * const emu = await FlameEmulator.start({ pacing: { executors: 10, taskTurnaroundMs: 10 } });
 * await emu.close();
 * ```
 */
export interface FlamePacingOptions {
  /**
   * Executors in the whole cluster, shared by every session (default 10). An executor stays
   * bound to its session until the session closes or `delay_release` passes.
   */
  readonly executors?: number;
  /** Least time from a task's start to its result, per task (default 10 ms; a handler's `delayMs` may add). */
  readonly taskTurnaroundMs?: number;
  /** At most one executor is bound per session per interval while it has pending tasks (default 100 ms, `cluster.schedule_interval`). */
  readonly scheduleIntervalMs?: number;
  /** Time the server takes to answer each CreateTask (default 3 ms). */
  readonly createTaskLatencyMs?: number;
}

/** The pacing in force, with its defaults filled in. */
export interface FlamePacing {
  readonly executors: number;
  readonly taskTurnaroundMs: number;
  readonly scheduleIntervalMs: number;
  readonly createTaskLatencyMs: number;
}

/**
 * The pacing with defaults, or undefined without one; throws `FlameEmulatorError` for a
 * bad value.
 *
 * @example
 * ```ts
 * import { flamePacing } from './pacing.js';
 * flamePacing({}).scheduleIntervalMs; // => 100
 * ```
 */
export function flamePacing(options: FlamePacingOptions | undefined): FlamePacing | undefined {
  if (options === undefined) return undefined;
  const pacing = {
    executors: options.executors ?? 10,
    taskTurnaroundMs: options.taskTurnaroundMs ?? 10,
    scheduleIntervalMs: options.scheduleIntervalMs ?? 100,
    createTaskLatencyMs: options.createTaskLatencyMs ?? 3,
  };
  if (!(Number.isInteger(pacing.executors) && pacing.executors >= 1)) {
    throw new FlameEmulatorError(`pacing.executors must be a positive integer, got ${String(pacing.executors)}`);
  }
  for (const key of ['taskTurnaroundMs', 'scheduleIntervalMs', 'createTaskLatencyMs'] as const) {
    const value = pacing[key];
    if (!(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
      throw new FlameEmulatorError(`pacing.${key} must be a finite number >= 0, got ${String(value)}`);
    }
  }
  return pacing;
}

/**
 * Decides when an executor may be bound: below the cluster's executor count, and at most
 * one per session per scheduling interval. A refused session is scheduled again when its
 * interval has passed.
 *
 * @example
 * ```ts
 * import { BindPacer } from './pacing.js';
 * const pacer = new BindPacer({ executors: 2, taskTurnaroundMs: 0, scheduleIntervalMs: 100, createTaskLatencyMs: 0 });
 * pacer.mayBind('s1', 0, () => {}); // => true
 * pacer.mayBind('s1', 1, () => {}); // => false (again in 100 ms)
 * ```
 */
export class BindPacer {
  readonly #lastBind = new Map<string, number>();
  readonly #retry = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(readonly pacing: FlamePacing) {}

  /** Whether `sessionId` may bind one more executor now (`bound` are bound in the cluster); records the bind. */
  mayBind(sessionId: string, bound: number, scheduleAgain: () => void): boolean {
    if (bound >= this.pacing.executors) return false;
    const now = Date.now();
    const last = this.#lastBind.get(sessionId);
    const wait = last === undefined ? 0 : last + this.pacing.scheduleIntervalMs - now;
    if (wait <= 0) {
      this.#lastBind.set(sessionId, now);
      return true;
    }
    if (!this.#retry.has(sessionId)) {
      const timer = setTimeout(() => {
        this.#retry.delete(sessionId);
        scheduleAgain();
      }, wait);
      timer.unref?.();
      this.#retry.set(sessionId, timer);
    }
    return false;
  }

  /** Forgets every pending re-schedule (server stopped or closed). */
  clear(): void {
    for (const timer of this.#retry.values()) clearTimeout(timer);
    this.#retry.clear();
  }
}

/**
 * The service with each CreateTask answered after the pacing's latency (the request is
 * handled when the latency has passed, as a server busy for that long would).
 *
 * @example
 * ```ts
 * import { pacedService } from './pacing.js';
 * const service = pacedService(createFrontendService(deps), { createTaskLatencyMs: 3 } as never);
 * ```
 */
export function pacedService<S extends grpc.UntypedServiceImplementation>(service: S, pacing: FlamePacing): S {
  const createTask = service['createTask'] as grpc.handleUnaryCall<unknown, unknown> | undefined;
  if (createTask === undefined || pacing.createTaskLatencyMs === 0) return service;
  const paced: grpc.handleUnaryCall<unknown, unknown> = (call, callback) => {
    setTimeout(() => createTask(call, callback), pacing.createTaskLatencyMs);
  };
  return { ...service, createTask: paced };
}

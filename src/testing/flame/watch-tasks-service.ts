// Flame 0.7 WatchTasks over the emulator's store, following the table of flame-0.7.md 3.1.
import { status } from '@grpc/grpc-js';
import type { WatchTaskRequest } from '../../gen/flame/v1/frontend.js';
import { SessionState, type Task } from '../../gen/flame/v1/types.js';
import { RpcFailure } from './errors.js';
import { flameMessages } from './messages.js';
import { isTerminalState, type SessionRecord, type TaskListener, type TaskRecord } from './records.js';
import type { DuplexStream } from './rpc-wrappers.js';
import type { FlameStore } from './state.js';
import { taskToProto } from './to-proto.js';
import { parseTaskId } from './validate.js';

/** Test controls of the emulator's WatchTasks streams. */
export interface WatchTasksControls {
  /**
   * Coalesce intermediate states: a task's non-terminal changes are not sent on their own
   * (the server may skip them), only its terminal state. Default false.
   */
  coalesce: boolean;
}

/** The open WatchTasks streams, so that tests can simulate notification lag on all of them. */
export class WatchTasksStreams {
  readonly open = new Set<SessionWatch>();
  readonly controls: WatchTasksControls = { coalesce: false };

  /** Re-sends every registered task of every stream (what the server does after a notification overflow). */
  resendAll(): void {
    for (const watch of this.open) watch.resend();
  }
}

/**
 * Serves one WatchTasks call:
 * - the first registration fixes the session; a later one naming another session ends the
 *   call with INVALID_ARGUMENT `all watched tasks must be in one session`;
 * - a task id that is not a decimal i64: INVALID_ARGUMENT `invalid task id`; an unknown
 *   session or task: NOT_FOUND; a session already Closed at the first registration:
 *   NOT_FOUND `session is closed`;
 * - every registration (duplicates too) gets the task's current snapshot; then each later
 *   state of a registered task; terminal snapshots carry the task's events and end its
 *   registration;
 * - a half-close without any registration: INVALID_ARGUMENT `at least one task is
 *   required`; after registrations: OK once every registered task was reported terminal;
 * - the session closing (or deleted): final snapshots (pending tasks Cancelled), then
 *   NOT_FOUND `session task watch closed`;
 * - client cancellation stops everything.
 *
 * @example
 * ```ts
 * import { serveWatchTasks, WatchTasksStreams } from './watch-tasks-service.js';
 * const watchTasks = bidiHandler(registry, 'watchTasks', (io) => serveWatchTasks(store, new WatchTasksStreams(), io));
 * ```
 */
export function serveWatchTasks(store: FlameStore, streams: WatchTasksStreams, io: DuplexStream<WatchTaskRequest, Task>): void {
  const watch = new SessionWatch(store, streams, io);
  streams.open.add(watch);
  io.onClose(() => watch.dispose());
  io.onRequest((request) => watch.register(request));
  io.onHalfClose(() => watch.halfClose());
}

class SessionWatch implements TaskListener {
  #session: SessionRecord | undefined;
  readonly #registered = new Map<number, TaskRecord>();
  /** The state last sent per registered task. */
  readonly #sent = new Map<number, number>();
  #halfClosed = false;

  constructor(
    private readonly store: FlameStore,
    private readonly streams: WatchTasksStreams,
    private readonly io: DuplexStream<WatchTaskRequest, Task>,
  ) {}

  register(request: WatchTaskRequest): void {
    if (this.#session === undefined) {
      const session = this.store.sessions.get(request.sessionId);
      if (!session) throw new RpcFailure(status.NOT_FOUND, flameMessages.sessionUnknown(request.sessionId));
      if (session.state === SessionState.Closed) throw new RpcFailure(status.NOT_FOUND, flameMessages.watchSessionClosed);
      this.#session = session;
      session.watchStreams.add(this);
    } else if (request.sessionId !== this.#session.id) {
      throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.watchOneSession);
    }
    const id = parseTaskId(request.taskId);
    const task = this.#session.tasks.get(id);
    if (!task) throw new RpcFailure(status.NOT_FOUND, flameMessages.watchTaskNotFound(request.taskId));
    this.#send(task);
    if (isTerminalState(task.state) || this.#registered.has(id)) return;
    this.#registered.set(id, task);
    this.#sent.set(id, task.state);
    task.listeners.add(this);
  }

  halfClose(): void {
    this.#halfClosed = true;
    if (this.#session === undefined) {
      this.io.fail(status.INVALID_ARGUMENT, flameMessages.watchNoTask);
      return;
    }
    this.#endIfDone();
  }

  /** TaskListener: a registered task changed. */
  changed(task: TaskRecord): void {
    if (!this.#registered.has(task.id)) return;
    if (this.#sent.get(task.id) === task.state) return;
    const terminal = isTerminalState(task.state);
    if (!terminal && this.streams.controls.coalesce) return;
    this.#send(task);
    if (terminal) {
      this.#unregister(task);
      this.#endIfDone();
    }
  }

  /** TaskListener: the session was deleted. */
  gone(): void {
    this.sessionEnded();
  }

  /** The session was closed (its pending tasks already reported Cancelled) or deleted. */
  sessionEnded(): void {
    this.io.fail(status.NOT_FOUND, flameMessages.watchClosed);
  }

  resend(): void {
    for (const task of [...this.#registered.values()]) this.#send(task);
  }

  dispose(): void {
    this.streams.open.delete(this);
    this.#session?.watchStreams.delete(this);
    for (const task of this.#registered.values()) task.listeners.delete(this);
    this.#registered.clear();
  }

  #send(task: TaskRecord): void {
    const terminal = isTerminalState(task.state);
    if (this.#registered.has(task.id)) this.#sent.set(task.id, task.state);
    this.io.write(taskToProto(task, { withEvents: terminal }));
  }

  #unregister(task: TaskRecord): void {
    this.#registered.delete(task.id);
    this.#sent.delete(task.id);
    task.listeners.delete(this);
  }

  #endIfDone(): void {
    if (this.#halfClosed && this.#registered.size === 0) this.io.end();
  }
}

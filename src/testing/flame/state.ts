// Sessions and tasks of the emulator, with the semantics of the filesystem-storage profile
// (flame.md 3.4.6–3.4.14, 3.5): counters kept per state, pending queue per session, task
// listeners notified on every state change.
import { status } from '@grpc/grpc-js';
import {
  SessionState,
  TaskState,
  type ResourceRequirement,
  type SessionSpec,
  type TaskSpec,
} from '../../gen/flame/v1/types.js';
import type { ApplicationRegistry } from './applications.js';
import { RpcFailure } from './errors.js';
import { FlameEventCode, flameMessages } from './messages.js';
import { PendingQueue } from './pending-queue.js';
import { isTerminalState, type SessionRecord, type TaskRecord } from './records.js';
import { firstSpecMismatch, resolveResreq } from './spec-compare.js';

/** Hooks the scheduler installs to learn about work and about sessions that end. */
export interface StoreHooks {
  /** A session may have new pending work. */
  workAvailable(session: SessionRecord): void;
  /** CloseSession lost the race: `task` was being launched and runs in the closed session. */
  raceWon?(session: SessionRecord, task: TaskRecord): void;
  /** A session was created: it may need its minimum of executors. */
  sessionCreated(session: SessionRecord): void;
  /** A session was closed or deleted: its executors must go. */
  sessionEnded(session: SessionRecord): void;
}

/** Options of a state change. */
export interface TransitionOptions {
  output?: Buffer | undefined;
  /** Event to record (code + message), if any. */
  event?: { code: number; message: string };
  /** Whether watchers hear of it (false for silent resets to Pending). */
  notify?: boolean;
  completionTime?: number;
}

const emptyToUndefined = (bytes: Buffer | undefined): Buffer | undefined =>
  bytes && bytes.length > 0 ? Buffer.from(bytes) : undefined;

/**
 * The session/task store. RPC-level failures are thrown as `RpcFailure` with the exact code
 * and message of the reference profile.
 *
 * @example
 * ```ts
 * import { FlameStore, ApplicationRegistry } from './state.js';
 * const apps = new ApplicationRegistry(() => Date.now());
 * const store = new FlameStore(apps, { clock: () => Date.now(), stamp: () => Date.now() });
 * ```
 */
export class FlameStore {
  readonly sessions = new Map<string, SessionRecord>();
  /** The protocol version served: 0.7-only request fields are dropped under 0.6, as a 0.6 server does. */
  version: '0.6' | '0.7' = '0.6';
  hooks: StoreHooks = { workAvailable: () => {}, sessionCreated: () => {}, sessionEnded: () => {} };
  clusterResreq: ResourceRequirement | undefined;
  private sequence = 0;

  constructor(
    readonly applications: ApplicationRegistry,
    private readonly time: { clock: () => number; stamp: () => number },
  ) {}

  /** Creates a session (CreateSession / OpenSession-with-spec on an unknown id). */
  createSession(id: string, spec: SessionSpec | undefined): SessionRecord {
    if (!spec) throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.sessionSpecMissing);
    const resreq = resolveResreq(spec.resreq, this.clusterResreq);
    const application = this.applications.find(spec.application);
    if (!application) {
      throw new RpcFailure(status.NOT_FOUND, flameMessages.applicationNotFound(spec.application));
    }
    if (application.disabled) {
      throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.applicationNotEnabled(spec.application));
    }
    if (this.sessions.has(id)) throw new RpcFailure(status.ALREADY_EXISTS, flameMessages.sessionAlreadyExists(id));
    const v07 = this.version === '0.7';
    const tokens = v07 && Object.keys(spec.tokens ?? {}).length > 0 ? { ...spec.tokens } : undefined;
    const session: SessionRecord = {
      id,
      batchSize: v07 ? Math.max(spec.batchSize ?? 1, 1) : 1,
      ...(tokens ? { tokens } : {}),
      watchStreams: new Set(),
      application: spec.application,
      ...(emptyToUndefined(spec.commonData) ? { commonData: emptyToUndefined(spec.commonData) } : {}),
      minInstances: spec.minInstances ?? 0,
      ...(spec.maxInstances !== undefined ? { maxInstances: spec.maxInstances } : {}),
      priority: spec.priority ?? 0,
      resreq,
      state: SessionState.Open,
      creationTime: this.time.stamp(),
      tasks: new Map(),
      nextTaskId: 1,
      counts: [0, 0, 0, 0, 0],
      events: [],
      bindFailures: 0,
      pending: new PendingQueue(),
      sequence: ++this.sequence,
    };
    this.sessions.set(id, session);
    this.hooks.sessionCreated(session);
    return session;
  }

  /** OpenSession's get-or-create decision table (3.4.7, fs column). */
  openSession(id: string, spec: SessionSpec | undefined): SessionRecord {
    const resreq = spec ? resolveResreq(spec.resreq, this.clusterResreq) : undefined;
    const existing = this.sessions.get(id);
    if (!existing) {
      if (!spec) throw new RpcFailure(status.NOT_FOUND, flameMessages.openSessionNotFound(id));
      return this.createSession(id, spec);
    }
    if (existing.state === SessionState.Closed) {
      throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.sessionNotOpen(id));
    }
    if (this.applications.find(existing.application)?.disabled) {
      throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.applicationNotEnabled(existing.application));
    }
    if (spec && resreq) {
      const mismatch = firstSpecMismatch(existing, {
        application: spec.application,
        resreq,
        minInstances: spec.minInstances ?? 0,
        ...(spec.maxInstances !== undefined ? { maxInstances: spec.maxInstances } : {}),
        priority: spec.priority ?? 0,
      });
      if (mismatch) {
        throw new RpcFailure(
          status.INVALID_ARGUMENT,
          flameMessages.sessionSpecMismatch(id, mismatch.field, mismatch.expected, mismatch.got),
        );
      }
    }
    return existing;
  }

  /** CloseSession (3.4.8): refuses running tasks, cancels pending ones without events. */
  closeSession(id: string): SessionRecord {
    const session = this.sessions.get(id);
    if (!session) throw new RpcFailure(status.NOT_FOUND, flameMessages.sessionUnknown(id));
    if (session.counts[TaskState.Running]! > 0) {
      throw new RpcFailure(status.INTERNAL, flameMessages.closeWithRunningTasks);
    }
    const closedAt = this.time.stamp();
    // The CloseSession race (flame-0.6-observed): a task being handed to an executor at
    // this moment escapes the cancellation and then runs inside the closed session.
    const handedOver = this.closeRaces > 0 ? this.lowestPending(session) : undefined;
    if (handedOver) this.closeRaces -= 1;
    session.state = SessionState.Closed;
    session.completionTime = closedAt;
    session.pending.clear();
    if (session.counts[TaskState.Pending]! > 0) {
      for (const task of session.tasks.values()) {
        if (task.state === TaskState.Pending && task !== handedOver) {
          this.transition(session, task, TaskState.Cancelled, { completionTime: closedAt });
        }
      }
    }
    this.hooks.sessionEnded(session);
    if (handedOver) this.hooks.raceWon?.(session, handedOver);
    for (const stream of [...session.watchStreams]) stream.sessionEnded();
    this.#removeIfDisabled(session.application);
    return session;
  }

  /**
   * UnregisterApplication under 0.7 (flame-0.7.md 3.6, design): an idempotent Enabled →
   * Disabled, even with open sessions; the application and its closed sessions are removed
   * once no session of it is open (here at once, not by a 1 s background pass). Unknown:
   * Result −1.
   */
  disableApplication(name: string): string | undefined {
    const application = this.applications.find(name);
    if (!application) return flameMessages.applicationDeleteFailed(name);
    application.disabled = true;
    this.#removeIfDisabled(name);
    return undefined;
  }

  #removeIfDisabled(name: string): void {
    if (!this.applications.find(name)?.disabled) return;
    const sessions = [...this.sessions.values()].filter((s) => s.application === name);
    if (sessions.some((s) => s.state !== SessionState.Closed)) return;
    for (const session of sessions) this.dropSession(session);
    this.applications.remove(name);
  }

  /**
   * SuspendSession (0.7, flame-0.7.md 3.2): Open → Suspending while tasks run, Suspended
   * once none runs (executors leave; pending tasks stay queued); Suspending/Suspended stay
   * as they are. A Closed session: INVALID_ARGUMENT (the real answer is unverified).
   */
  suspendSession(id: string): SessionRecord {
    const session = this.sessions.get(id);
    if (!session) throw new RpcFailure(status.NOT_FOUND, flameMessages.sessionUnknown(id));
    if (session.state === SessionState.Closed) throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.sessionNotOpen(id));
    if (session.state !== SessionState.Open) return session;
    session.state = session.counts[TaskState.Running]! > 0 ? SessionState.Suspending : SessionState.Suspended;
    if (session.state === SessionState.Suspended) this.hooks.sessionEnded(session);
    return session;
  }

  /**
   * ResumeSession (0.7): Suspended (or still Suspending) → Open, scheduling again; Open is a
   * no-op; Closed: INVALID_ARGUMENT (unverified upstream).
   */
  resumeSession(id: string): SessionRecord {
    const session = this.sessions.get(id);
    if (!session) throw new RpcFailure(status.NOT_FOUND, flameMessages.sessionUnknown(id));
    if (session.state === SessionState.Closed) throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.sessionNotOpen(id));
    if (session.state === SessionState.Open) return session;
    session.state = SessionState.Open;
    this.hooks.workAvailable(session);
    this.hooks.sessionCreated(session);
    return session;
  }

  /** CloseSession calls still to lose the race against a task launch (`FlameEmulator.raceNextClose`). */
  closeRaces = 0;

  private lowestPending(session: SessionRecord): TaskRecord | undefined {
    let lowest: TaskRecord | undefined;
    for (const task of session.tasks.values()) {
      if (task.state === TaskState.Pending && (!lowest || task.id < lowest.id)) lowest = task;
    }
    return lowest;
  }

  /** GetSession: NOT_FOUND with the bare id. */
  getSession(id: string): SessionRecord {
    const session = this.sessions.get(id);
    if (!session) throw new RpcFailure(status.NOT_FOUND, id);
    return session;
  }

  /** DeleteSession (3.4.10, fs column). Returns the session as it was before deletion. */
  deleteSession(id: string): SessionRecord {
    const session = this.sessions.get(id);
    if (!session) throw new RpcFailure(status.NOT_FOUND, flameMessages.sessionUnknown(id));
    if (session.state === SessionState.Open) throw new RpcFailure(status.INTERNAL, flameMessages.deleteOpenSession);
    if (session.counts[TaskState.Pending]! > 0 || session.counts[TaskState.Running]! > 0) {
      throw new RpcFailure(status.INTERNAL, flameMessages.deleteNonTerminalTasks);
    }
    this.dropSession(session);
    return session;
  }

  /** Removes a session from memory, ending its watchers (used by delete and unregister). */
  dropSession(session: SessionRecord): void {
    this.sessions.delete(session.id);
    this.hooks.sessionEnded(session);
    for (const stream of [...session.watchStreams]) stream.sessionEnded();
    for (const task of session.tasks.values()) {
      for (const listener of [...task.listeners]) listener.gone();
      task.listeners.clear();
    }
  }

  /** Whether the application has an Open session. */
  hasOpenSessions(application: string): boolean {
    for (const session of this.sessions.values()) {
      if (session.application === application && session.state === SessionState.Open) return true;
    }
    return false;
  }

  /** CreateTask (3.4.11, fs column). */
  createTask(spec: TaskSpec | undefined): { session: SessionRecord; task: TaskRecord } {
    if (!spec) throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.sessionSpecMissing);
    const session = this.sessions.get(spec.sessionId);
    if (!session) throw new RpcFailure(status.NOT_FOUND, flameMessages.createTaskSessionNotFound(spec.sessionId));
    // A Suspending/Suspended session (0.7) accepts tasks and queues them (unverified upstream).
    if (session.state === SessionState.Closed) {
      throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.createTaskClosedSession);
    }
    const affinity = this.version === '0.7' ? distinctAffinity(spec.affinity ?? []) : undefined;
    const id = session.nextTaskId++;
    const input = emptyToUndefined(spec.input);
    const task: TaskRecord = {
      id,
      sessionId: session.id,
      state: TaskState.Pending,
      ...(input ? { input } : {}),
      creationTime: this.time.stamp(),
      events: [
        { code: FlameEventCode.TaskCreated, message: flameMessages.taskCreated, creationTime: BigInt(this.time.clock()) },
      ],
      listeners: new Set(),
      ...(affinity && affinity.length > 0 ? { affinity } : {}),
    };
    session.tasks.set(id, task);
    session.counts[TaskState.Pending]!++;
    session.pending.push(id);
    this.hooks.workAvailable(session);
    return { session, task };
  }

  /** GetTask lookup: NOT_FOUND `{session_id}` / `{task_id}`. */
  getTask(sessionId: string, taskId: number): TaskRecord {
    const session = this.sessions.get(sessionId);
    if (!session) throw new RpcFailure(status.NOT_FOUND, sessionId);
    const task = session.tasks.get(taskId);
    if (!task) throw new RpcFailure(status.NOT_FOUND, `${taskId}`);
    return task;
  }

  /** The task or undefined (WatchTask on unknown ids answers an empty stream). */
  findTask(sessionId: string, taskId: number): TaskRecord | undefined {
    return this.sessions.get(sessionId)?.tasks.get(taskId);
  }

  /**
   * Moves a task to a new state: keeps counters and the pending queue right, sets
   * completion_time for terminal states, records the event, notifies listeners.
   */
  transition(session: SessionRecord, task: TaskRecord, to: TaskState, options: TransitionOptions = {}): void {
    const from = task.state;
    session.counts[from]!--;
    session.counts[to]!++;
    task.state = to;
    if ('output' in options) {
      const output = emptyToUndefined(options.output);
      if (output) task.output = output;
      else delete task.output;
    }
    if (isTerminalState(to)) task.completionTime = options.completionTime ?? this.time.stamp();
    else if (isTerminalState(from)) delete task.completionTime;
    if (options.event) {
      task.events.push({ code: options.event.code, message: options.event.message, creationTime: BigInt(this.time.clock()) });
    }
    if (to === TaskState.Pending && from !== TaskState.Pending && session.state === SessionState.Open) {
      session.pending.push(task.id);
      this.hooks.workAvailable(session);
    }
    if (options.notify !== false && task.listeners.size > 0) {
      for (const listener of [...task.listeners]) listener.changed(task);
    }
    // A Suspending session is Suspended once its last running task is done.
    if (from === TaskState.Running && session.state === SessionState.Suspending && session.counts[TaskState.Running] === 0) {
      session.state = SessionState.Suspended;
      this.hooks.sessionEnded(session);
    }
  }

  /** Records a session-level event (1001/1002). */
  addSessionEvent(session: SessionRecord, code: number, message: string): void {
    session.events.push({ code, message, creationTime: BigInt(this.time.clock()) });
  }
}

/**
 * Affinity keys as stored (flame-0.7.md 3.5): duplicates removed; each key 1–256 bytes, at
 * most 1,024 keys and 64 KiB, otherwise INVALID_ARGUMENT (the real code is unverified).
 */
function distinctAffinity(keys: readonly Uint8Array[]): Buffer[] {
  const seen = new Set<string>();
  const out: Buffer[] = [];
  let total = 0;
  for (const key of keys) {
    if (key.byteLength === 0 || key.byteLength > 256) {
      throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.invalidAffinity('each key must have 1 to 256 bytes'));
    }
    const id = Buffer.from(key).toString('latin1');
    if (seen.has(id)) continue;
    seen.add(id);
    total += key.byteLength;
    out.push(Buffer.from(key));
  }
  if (out.length > 1024) throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.invalidAffinity('at most 1024 keys'));
  if (total > 65536) throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.invalidAffinity('at most 64 KiB of keys'));
  return out;
}

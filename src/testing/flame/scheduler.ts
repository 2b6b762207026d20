// Execution of tasks by registered handlers: per Open session, executors bound on demand up
// to min(application max_instances, session max_instances), at least min_instances kept bound,
// each running one task at a time, lowest pending task id first; idle executors beyond the
// minimum leave after delay_release (flame.md 3.5, 3.9).
import { randomUUID } from 'node:crypto';
import { SessionState, TaskState } from '../../gen/flame/v1/types.js';
import { executorBounds, releaseDelayMs } from './executor-sizing.js';
import { invokeHandler, type FlameHandleOptions, type FlameTaskHandler, type TaskOutcome } from './handler.js';
import { FlameEventCode, flameMessages } from './messages.js';
import type { SessionRecord, TaskRecord } from './records.js';
import type { FlameStore } from './state.js';
import type { BindPacer } from './pacing.js';

/**
 * Bind failures before a session's scheduling pauses (cluster.recovery.session.retry_limits).
 *
 * @example
 * ```ts
 * import { SESSION_RETRY_LIMIT } from './scheduler.js';
 * SESSION_RETRY_LIMIT; // => 5
 * ```
 */
export const SESSION_RETRY_LIMIT = 5;

/** One executor: bound to a session, running at most one task. */
export interface ExecutorRecord {
  readonly id: string;
  readonly session: SessionRecord;
  /** 0.7: the owning application, listed in ExecutorSpec.application. */
  readonly application?: string;
  running?: RunningTask;
  /** Set while the executor is idle beyond its session's minimum and counting down to leave. */
  releaseTimer?: ReturnType<typeof setTimeout>;
}

interface RunningTask {
  readonly task: TaskRecord;
  abandon(): void;
  timer?: ReturnType<typeof setTimeout>;
}

interface Registration {
  handler: FlameTaskHandler;
  options: FlameHandleOptions;
}

/** Injected bind failures still to produce. */
export interface BindFailurePlan {
  remaining: number;
  returnCode: number;
  detail: string;
}

/**
 * Runs tasks of sessions whose application has a handler. Work is picked up on
 * `setImmediate`, never by polling.
 *
 * @example
 * ```ts
 * import { ApplicationRegistry } from './applications.js';
 * import { FlameStore } from './state.js';
 * import { TaskScheduler } from './scheduler.js';
 * const store = new FlameStore(new ApplicationRegistry(Date.now), { clock: Date.now, stamp: Date.now });
 * const scheduler = new TaskScheduler(store, 'node-1');
 * scheduler.register('echo', (input) => input, {});
 * scheduler.activate();
 * ```
 */
export class TaskScheduler {
  active = false;
  readonly executors = new Map<string, ExecutorRecord>();
  readonly bindFailures: BindFailurePlan = { remaining: 0, returnCode: 12, detail: '' };
  /** The emulator's pacing, if any: when executors may be bound, and each task's least turnaround. */
  pacer: BindPacer | undefined = undefined;
  private readonly handlers = new Map<string, Registration>();
  private readonly bySession = new Map<string, { all: Set<ExecutorRecord>; idle: ExecutorRecord[] }>();
  private readonly dirty = new Set<SessionRecord>();
  private immediate: ReturnType<typeof setImmediate> | undefined;

  constructor(
    private readonly store: FlameStore,
    readonly nodeName: string,
  ) {
    store.hooks = {
      workAvailable: (session) => this.schedule(session),
      sessionCreated: (session) => this.schedule(session),
      sessionEnded: (session) => this.releaseSession(session),
      raceWon: (session, task) => this.launchOrphan(session, task),
    };
  }

  /**
   * Runs a task on an executor of its own, outside the session's executors (which the close
   * released): the task that escaped a CloseSession race runs to its end in the Closed session.
   */
  private launchOrphan(session: SessionRecord, task: TaskRecord): void {
    const registration = this.handlers.get(session.application);
    if (!registration) {
      this.orphans.push({ session, task }); // runs once a handler is registered
      return;
    }
    this.start({ id: randomUUID(), session }, task, registration);
  }

  private readonly orphans: { session: SessionRecord; task: TaskRecord }[] = [];

  /** Installs a handler for an application and picks up its pending work. */
  register(application: string, handler: FlameTaskHandler, options: FlameHandleOptions): void {
    this.handlers.set(application, { handler, options });
    for (const orphan of this.orphans.filter((o) => o.session.application === application)) {
      this.orphans.splice(this.orphans.indexOf(orphan), 1);
      if (orphan.task.state === TaskState.Pending) this.launchOrphan(orphan.session, orphan.task);
    }
    for (const session of this.store.sessions.values()) {
      if (session.application === application) this.schedule(session);
    }
  }

  /** Starts executing (server up); bind-failure counters restart from zero. */
  activate(): void {
    this.active = true;
    for (const session of this.store.sessions.values()) {
      session.bindFailures = 0;
      this.schedule(session);
    }
  }

  /** Stops executing (server down): running tasks go back to Pending silently, executors vanish. */
  deactivate(): void {
    this.active = false;
    this.pacer?.clear();
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    this.dirty.clear();
    this.loseExecutors();
    // Like a restarted session manager: whatever is still Running (e.g. forced by a test)
    // is found Running on reload and goes back to Pending.
    for (const session of this.store.sessions.values()) {
      if (session.counts[TaskState.Running] === 0) continue;
      for (const task of session.tasks.values()) {
        if (task.state === TaskState.Running) this.store.transition(session, task, TaskState.Pending, { notify: false });
      }
    }
  }

  /**
   * Simulates the loss of executors (of one session, or all): their running tasks return to
   * Pending without event or watch notification and are run again. Returns how many tasks
   * were reset.
   */
  loseExecutors(sessionId?: string): number {
    let reset = 0;
    for (const executor of [...this.executors.values()]) {
      if (sessionId !== undefined && executor.session.id !== sessionId) continue;
      const running = this.detach(executor);
      this.removeExecutor(executor);
      // The session's minimum of executors is bound again (no-op while the server is down).
      this.schedule(executor.session);
      if (running && running.task.state === TaskState.Running) {
        this.store.transition(executor.session, running.task, TaskState.Pending, { notify: false });
        reset++;
      }
    }
    return reset;
  }

  /** Stops whatever executor is running this task (used when a test forces its state). */
  releaseTask(task: TaskRecord): void {
    for (const executor of this.bySession.get(task.sessionId)?.all ?? []) {
      if (executor.running?.task === task) {
        this.detach(executor);
        this.bySession.get(task.sessionId)?.idle.push(executor);
        this.schedule(executor.session);
        return;
      }
    }
  }

  /** Queues a session for a scheduling pass on the next turn of the event loop. */
  schedule(session: SessionRecord): void {
    if (!this.active || !this.handlers.has(session.application)) return;
    this.dirty.add(session);
    this.immediate ??= setImmediate(() => this.drain());
  }

  private drain(): void {
    this.immediate = undefined;
    const sessions = [...this.dirty].sort((a, b) => b.priority - a.priority || a.sequence - b.sequence);
    this.dirty.clear();
    for (const session of sessions) this.pump(session);
  }

  private pump(session: SessionRecord): void {
    if (!this.active || session.state !== SessionState.Open || this.store.sessions.get(session.id) !== session) return;
    const registration = this.handlers.get(session.application);
    if (!registration) return;
    const app = this.store.applications.find(session.application)?.spec;
    const { limit, minimum } = executorBounds(registration.options, app, session);
    let group = this.bySession.get(session.id);
    if (!group) this.bySession.set(session.id, (group = { all: new Set(), idle: [] }));
    while (session.counts[TaskState.Pending]! > 0) {
      let executor = group.idle.pop();
      if (executor) {
        this.cancelRelease(executor);
      } else {
        // A gang (0.7 batch_size > 1) is bound only as a whole: batch_size executors at once.
        const gang = Math.max(session.batchSize, 1);
        if (group.all.size + gang > limit || session.bindFailures >= SESSION_RETRY_LIMIT) break;
        if (this.pacer && !this.pacer.mayBind(session.id, this.executors.size, () => this.schedule(session))) break;
        executor = this.bind(session);
        if (!executor) break;
        group.all.add(executor);
        for (let i = 1; i < gang; i++) {
          const member = this.bind(session);
          if (!member) break;
          group.all.add(member);
          group.idle.push(member);
        }
      }
      const task = this.nextPending(session);
      if (!task) {
        group.idle.push(executor);
        break;
      }
      this.start(executor, task, registration);
    }
    while (group.all.size < minimum && session.bindFailures < SESSION_RETRY_LIMIT) {
      const executor = this.bind(session);
      if (!executor) break;
      group.all.add(executor);
      group.idle.push(executor);
    }
    if (group.all.size > minimum) {
      const delay = releaseDelayMs(registration.options, app);
      for (const executor of group.idle) this.armRelease(executor, delay);
    }
    if (group.all.size === 0) this.bySession.delete(session.id);
  }

  /** Starts the countdown after which an idle executor leaves its session (once per idle spell). */
  private armRelease(executor: ExecutorRecord, delay: number): void {
    if (executor.releaseTimer) return;
    executor.releaseTimer = setTimeout(() => this.releaseIdle(executor), delay);
    // A pending release must not keep the process alive.
    executor.releaseTimer.unref?.();
  }

  private cancelRelease(executor: ExecutorRecord): void {
    if (executor.releaseTimer) clearTimeout(executor.releaseTimer);
    executor.releaseTimer = undefined;
  }

  /** delay_release ran out: the executor leaves unless still idle executors are the minimum. */
  private releaseIdle(executor: ExecutorRecord): void {
    executor.releaseTimer = undefined;
    const session = executor.session;
    const group = this.bySession.get(session.id);
    if (!group || executor.running || !group.idle.includes(executor)) return;
    const registration = this.handlers.get(session.application);
    const app = this.store.applications.find(session.application)?.spec;
    const minimum = registration ? executorBounds(registration.options, app, session).minimum : 0;
    if (group.all.size > minimum) this.removeExecutor(executor);
  }

  private bind(session: SessionRecord): ExecutorRecord | undefined {
    const executor: ExecutorRecord = {
      id: randomUUID(),
      session,
      ...(this.store.version === '0.7' ? { application: session.application } : {}),
    };
    const plan = this.bindFailures;
    if (plan.remaining > 0) {
      plan.remaining--;
      session.bindFailures++;
      this.store.addSessionEvent(
        session,
        FlameEventCode.SessionBindFailed,
        flameMessages.bindFailed(executor.id, this.nodeName, plan.returnCode, plan.detail),
      );
      if (session.bindFailures === SESSION_RETRY_LIMIT) {
        this.store.addSessionEvent(
          session,
          FlameEventCode.SessionRetryLimitReached,
          flameMessages.retryLimitReached(session.bindFailures, SESSION_RETRY_LIMIT),
        );
      } else {
        this.schedule(session);
      }
      return undefined;
    }
    this.executors.set(executor.id, executor);
    return executor;
  }

  private nextPending(session: SessionRecord): TaskRecord | undefined {
    for (;;) {
      const id = session.pending.pop();
      if (id === undefined) return undefined;
      const task = session.tasks.get(id);
      if (task && task.state === TaskState.Pending) return task;
    }
  }

  private start(executor: ExecutorRecord, task: TaskRecord, registration: Registration): void {
    const session = executor.session;
    this.store.transition(session, task, TaskState.Running, {
      event: { code: FlameEventCode.TaskRunning, message: flameMessages.taskRunning },
    });
    const startedAt = Date.now();
    const delayMs = Math.max(registration.options.delayMs ?? 0, this.pacer?.pacing.taskTurnaroundMs ?? 0);
    const running: RunningTask = {
      task,
      abandon: () => {},
    };
    executor.running = running;
    const context = {
      sessionId: session.id,
      taskId: `${task.id}`,
      application: session.application,
      ...(session.commonData ? { commonData: session.commonData } : {}),
      ...(this.store.version === '0.7' ? { batchSize: session.batchSize, tokens: { ...session.tokens } } : {}),
      ...(task.affinity ? { affinity: task.affinity.map((k) => new Uint8Array(k)) } : {}),
    };
    running.abandon = invokeHandler(registration.handler, task.input, context, (outcome) => {
      const remaining = delayMs - (Date.now() - startedAt);
      if (remaining > 0) running.timer = setTimeout(() => this.finish(executor, running, outcome), remaining);
      else this.finish(executor, running, outcome);
    });
  }

  private finish(executor: ExecutorRecord, running: RunningTask, outcome: TaskOutcome): void {
    if (executor.running !== running) return;
    executor.running = undefined;
    const session = executor.session;
    const task = running.task;
    if (task.state === TaskState.Running) {
      if (outcome.ok) {
        this.store.transition(session, task, TaskState.Succeed, {
          output: outcome.output,
          event: { code: FlameEventCode.TaskSucceeded, message: flameMessages.taskSucceeded },
        });
      } else {
        this.store.transition(session, task, TaskState.Failed, {
          event: { code: FlameEventCode.TaskFailed, message: outcome.message },
        });
      }
    }
    if (this.executors.has(executor.id)) {
      this.bySession.get(session.id)?.idle.push(executor);
      this.pump(session);
    }
  }

  private detach(executor: ExecutorRecord): RunningTask | undefined {
    const running = executor.running;
    if (!running) return undefined;
    executor.running = undefined;
    running.abandon();
    if (running.timer) clearTimeout(running.timer);
    return running;
  }

  private removeExecutor(executor: ExecutorRecord): void {
    this.cancelRelease(executor);
    this.executors.delete(executor.id);
    const group = this.bySession.get(executor.session.id);
    if (!group) return;
    group.all.delete(executor);
    const i = group.idle.indexOf(executor);
    if (i >= 0) group.idle.splice(i, 1);
    if (group.all.size === 0) this.bySession.delete(executor.session.id);
  }

  private releaseSession(session: SessionRecord): void {
    this.dirty.delete(session);
    const group = this.bySession.get(session.id);
    if (!group) return;
    for (const executor of [...group.all]) {
      this.detach(executor);
      this.removeExecutor(executor);
    }
    this.bySession.delete(session.id);
  }
}

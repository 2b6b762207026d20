// In-memory records of the emulator's store: what the session manager keeps per
// application, session and task (flame.md 3.3, 3.9).
import type { ApplicationSpec, Event, ResourceRequirement } from '../../gen/flame/v1/types.js';
import { SessionState, TaskState } from '../../gen/flame/v1/types.js';
import type { PendingQueue } from './pending-queue.js';

/**
 * Someone waiting for changes of one task (a WatchTask stream): `changed` after every state
 * change that is notified, `gone` when the task's session is deleted.
 *
 * @example
 * ```ts
 * import type { TaskListener } from './records.js';
 * const listener: TaskListener = { changed: (t) => console.log(t.state), gone: () => {} };
 * ```
 */
export interface TaskListener {
  changed(task: TaskRecord): void;
  gone(): void;
}

/**
 * One task as stored: times are epoch ms (already rounded to the configured resolution).
 *
 * @example
 * ```ts
 * import type { TaskRecord } from './records.js';
 * const isDone = (t: TaskRecord) => t.completionTime !== undefined;
 * ```
 */
export interface TaskRecord {
  readonly id: number;
  readonly sessionId: string;
  state: TaskState;
  input?: Buffer;
  output?: Buffer;
  readonly creationTime: number;
  completionTime?: number;
  readonly events: Event[];
  readonly listeners: Set<TaskListener>;
  /** 0.7: the task's distinct affinity keys. */
  readonly affinity?: Buffer[];
}

/**
 * One session as stored, with its tasks, counters by state, session events and the queue of
 * pending task ids.
 *
 * @example
 * ```ts
 * import type { SessionRecord } from './records.js';
 * const pendingCount = (s: SessionRecord) => s.counts[0];
 * ```
 */
export interface SessionRecord {
  readonly id: string;
  readonly application: string;
  readonly commonData?: Buffer;
  readonly minInstances: number;
  readonly maxInstances?: number;
  readonly priority: number;
  readonly resreq: ResourceRequirement;
  state: SessionState;
  readonly creationTime: number;
  completionTime?: number;
  readonly tasks: Map<number, TaskRecord>;
  nextTaskId: number;
  /** Number of tasks per TaskState (index = state number). */
  readonly counts: number[];
  readonly events: Event[];
  /** Failed binds since the last (re)start; scheduling pauses at the retry limit. */
  bindFailures: number;
  readonly pending: PendingQueue;
  /** Sequence number of creation, to order sessions of equal priority. */
  readonly sequence: number;
  /** Gang size (0.7; always 1 on 0.6). */
  readonly batchSize: number;
  /** 0.7: the session's tokens (secrets: never logged, not echoed in replies). */
  readonly tokens?: Readonly<Record<string, string>>;
  /** 0.7 WatchTasks streams of the session, told when it closes or goes away. */
  readonly watchStreams: Set<{ sessionEnded(): void }>;
}

/**
 * One registered application.
 *
 * @example
 * ```ts
 * import type { ApplicationRecord } from './records.js';
 * const label = (a: ApplicationRecord) => a.name;
 * ```
 */
export interface ApplicationRecord {
  readonly name: string;
  spec: ApplicationSpec;
  readonly creationTime: number;
  /** 0.7 lifecycle: unregistered while sessions remained; removed once none is open. */
  disabled?: boolean;
}

/**
 * Whether a task state is terminal (Succeed, Failed, Cancelled).
 *
 * @example
 * ```ts
 * import { isTerminalState } from './records.js';
 * isTerminalState(2); // => true (Succeed)
 * ```
 */
export function isTerminalState(state: TaskState): boolean {
  return state === TaskState.Succeed || state === TaskState.Failed || state === TaskState.Cancelled;
}

/**
 * Whether a session is open.
 *
 * @example
 * ```ts
 * import { isOpenSession } from './records.js';
 * isOpenSession({ state: 0 } as never); // => true
 * ```
 */
export function isOpenSession(session: SessionRecord): boolean {
  return session.state === SessionState.Open;
}

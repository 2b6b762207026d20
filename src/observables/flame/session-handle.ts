import type { Observable } from 'rxjs';
import type { Session, Task } from '../../model/flame/types.js';
import type { FlameClientCallOptions, FlameClientContext } from './context.js';
import { RunTaskOptions, TaskCodecs, TaskRunResult, invoke, run, runTask } from './run-task.js';
import { closeSession, getSession, resumeSession, suspendSession } from './session-queries.js';
import { SessionStatusOptions, sessionStatus } from './session-status.js';
import { type CreateTaskOptions, createTask, getTask, listTasks } from './tasks.js';
import { WatchTaskOptions, watchTask } from './watch-task.js';

/**
 * A session opened or created through a client: its id and application, the session as
 * the server returned it then (`info`), and the task calls bound to it. Every method is a
 * cold Observable, like the client's.
 *
 * @example
 * ```ts
 * import { FlameClient, textCodec } from 'flame-pie-rx/flame';
 * import { firstValueFrom } from 'rxjs';
 * const client = FlameClient.connect();
 * const session = await firstValueFrom(client.createSession('echo'));
 * console.log(await firstValueFrom(session.invoke('hi', { input: textCodec, output: textCodec })));
 * await firstValueFrom(session.close());
 * ```
 */
export class FlameSession {
  /** The session id. */
  readonly id: string;
  /** The application the session runs. */
  readonly application: string;
  /** The session as CreateSession/OpenSession returned it (counters of that moment). */
  readonly info: Session;
  readonly #context: FlameClientContext;

  constructor(context: FlameClientContext, info: Session) {
    this.#context = context;
    this.info = info;
    this.id = info.id;
    this.application = info.application;
  }

  /** CreateTask in this session (each subscription creates another task). */
  createTask(input?: Uint8Array, call?: CreateTaskOptions): Observable<Task> {
    return createTask(this.#context, this.id, input, call);
  }

  /** GetTask in this session, with the task's events. */
  getTask(taskId: string, call?: FlameClientCallOptions): Observable<Task> {
    return getTask(this.#context, this.id, taskId, call);
  }

  /** ListTask of this session: a stream of its tasks, in no particular order. */
  listTasks(call?: FlameClientCallOptions): Observable<Task> {
    return listTasks(this.#context, this.id, call);
  }

  /** Follows one task of this session to its end (see `watchTask`). */
  watchTask(taskId: string, options?: WatchTaskOptions): Observable<Task> {
    return watchTask(this.#context, this.id, taskId, options);
  }

  /** Creates a task and follows it (see `runTask`); unsubscribing does not cancel the task. */
  runTask(input?: Uint8Array, options?: RunTaskOptions): Observable<Task> {
    return runTask(this.#context, this.id, input, options);
  }

  /** Runs a task and emits `{ taskId, sessionId, state, output?, failureMessage? }` (see `run`). */
  run(input?: Uint8Array, options?: RunTaskOptions): Observable<TaskRunResult<Uint8Array | undefined>>;
  run<I, O>(input: I, options: RunTaskOptions & TaskCodecs<I, O>): Observable<TaskRunResult<O>>;
  run(input?: unknown, options?: RunTaskOptions & Partial<TaskCodecs<unknown, unknown>>): Observable<unknown> {
    return run(this.#context, this.id, input as Uint8Array | undefined, options as RunTaskOptions);
  }

  /** Runs a task and emits its decoded output; Failed/Cancelled error with `TaskFailedError` (see `invoke`). */
  invoke(input?: Uint8Array, options?: RunTaskOptions): Observable<Uint8Array | undefined>;
  invoke<I, O>(input: I, options: RunTaskOptions & TaskCodecs<I, O>): Observable<O>;
  invoke(input?: unknown, options?: RunTaskOptions & Partial<TaskCodecs<unknown, unknown>>): Observable<unknown> {
    return invoke(this.#context, this.id, input as Uint8Array | undefined, options as RunTaskOptions);
  }

  /** This session's status, polled, changes only (see `sessionStatus`). */
  status(options?: SessionStatusOptions): Observable<Session> {
    return sessionStatus(this.#context, this.id, options);
  }

  /** GetSession for this session (live counters and session events). */
  get(call?: FlameClientCallOptions): Observable<Session> {
    return getSession(this.#context, this.id, call);
  }

  /** CloseSession: cancels Pending tasks; refused (`FlameInternalError`) while a task runs. */
  close(call?: FlameClientCallOptions): Observable<Session> {
    return closeSession(this.#context, this.id, call);
  }

  /** SuspendSession (Flame 0.7): running tasks finish, pending ones wait (see `suspendSession`). */
  suspend(call?: FlameClientCallOptions): Observable<Session> {
    return suspendSession(this.#context, this.id, call);
  }

  /** ResumeSession (Flame 0.7): a Suspended session is scheduled again (see `resumeSession`). */
  resume(call?: FlameClientCallOptions): Observable<Session> {
    return resumeSession(this.#context, this.id, call);
  }
}

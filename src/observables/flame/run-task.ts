import { Observable, defer, last, map } from 'rxjs';
import { CodecError } from '../../model/flame/errors.js';
import { TaskCodec, bytesCodec } from '../../model/flame/codec.js';
import { type Task, type TaskState, isTerminalTaskState } from '../../model/flame/types.js';
import { taskFailureMessage } from '../operators/flame/task-failure.js';
import { TaskOutputSubscriber } from '../operators/flame/task-output.js';
import type { FlameClientCallOptions, FlameClientContext } from './context.js';
import { createThenFollow } from './create-then-follow.js';
import { type CreateTaskOnceOptions, createTaskOnce } from './create-task-once.js';
import { type CreateTaskOptions, createTask } from './tasks.js';
import { WatchTaskOptions, watchTask } from './watch-task.js';
import { abortable } from '../../interop/abortable.js';

/** Options of `runTask`: the watch's, plus the CreateTask call's. */
export interface RunTaskOptions extends Omit<WatchTaskOptions, 'seenState' | 'reconcileAtStart'> {
  /** Options of the CreateTask call (e.g. `deadlineMs`; on 0.7 also the task's `affinity`). */
  readonly createTaskCall?: CreateTaskOptions;
  /**
   * Whether a CreateTask that fails with a retryable error (a dropped connection) is
   * reconciled and sent again at most once per input (`createTaskOnce`, default true), or
   * fails the run (false: the raw `createTask`).
   */
  readonly reconcileCreate?: boolean;
}

/** Codecs of a typed `run`/`invoke`: how the input is encoded and the output decoded. */
export interface TaskCodecs<I, O> {
  readonly input: TaskCodec<I>;
  readonly output: TaskCodec<O>;
}

/** The outcome of `run`: the task's final state and, when it succeeded, its decoded output. */
export interface TaskRunResult<O> {
  readonly taskId: string;
  readonly sessionId: string;
  readonly state: TaskState;
  /** The decoded output; only for a Succeed task (Flame may store output of failed tasks too, but it is not decoded). */
  readonly output?: O;
  /** For a Failed task: the message of its last failure event, when the service gave one. */
  readonly failureMessage?: string;
}

/**
 * Creates a task and follows it as one cold Observable: emits the created task (Pending),
 * then each new state, the terminal one last, then completes. Each subscription creates a
 * NEW task. A dropped connection during CreateTask is survived without a second task for
 * the same subscription (`createTaskOnce`: the session's tasks are read before the
 * CreateTask is sent again; see docs/reliability.md for the guarantee and its limits).
 *
 * Unsubscribing before the end, or aborting `signal`, cancels the CreateTask call if it is
 * still in flight, else stops watching only: the task keeps running on the server (Flame
 * has no cancel-task RPC; closing the session cancels its Pending tasks).
 *
 * @example
 * ```ts
 * import { runTask } from 'flame-pie-rx/flame';
 * runTask(client, 'echo-a1B2c3', new TextEncoder().encode('hi')).subscribe((t) => console.log(t.id, t.state));
 * ```
 */
export function runTask(
  context: FlameClientContext,
  sessionId: string,
  input?: Uint8Array,
  options: RunTaskOptions = NO_RUN_OPTIONS,
): Observable<Task> {
  const plan = options === NO_RUN_OPTIONS ? DEFAULT_PLAN : planOf(options);
  const created$ =
    plan.reconcileCreate === false
      ? createTask(context, sessionId, input, plan.createTaskCall)
      : createTaskOnce(context, sessionId, input, plan.createOnce);
  const watchOptions = plan.watch;
  // Inside `runAll`, the slot is free again once the task exists (see `admittedOnce`).
  return createThenFollow(
    created$,
    (created) =>
      // A task found by reconciliation may already have ended: the watch then emits it
      // once (with its events) in place of the created task, and nothing is emitted twice.
      isTerminalTaskState(created.state)
        ? watchTask(context, sessionId, created.id, watchOptions)
        : watchTask(context, sessionId, created.id, followOptions(plan, created.state)),
    isNotTerminal,
  ).pipe(abortable(plan.signal));
}

/** `runTask`'s options sorted by where they go; made once per call, or shared when there are none. */
interface RunPlan {
  readonly createTaskCall: CreateTaskOptions | undefined;
  readonly reconcileCreate: boolean | undefined;
  readonly signal: AbortSignal | undefined;
  readonly watch: WatchTaskOptions;
  readonly createOnce: CreateTaskOnceOptions;
  /** The watch options after a created task of state Pending (the usual case). */
  readonly followPending: WatchTaskOptions;
}

const NO_RUN_OPTIONS: RunTaskOptions = {};
const DEFAULT_PLAN: RunPlan = {
  createTaskCall: undefined,
  reconcileCreate: undefined,
  signal: undefined,
  watch: {},
  createOnce: {},
  followPending: { seenState: 'Pending', reconcileAtStart: false },
};

function planOf(options: RunTaskOptions): RunPlan {
  const { createTaskCall, reconcileCreate, signal, ...watch } = options;
  return {
    createTaskCall,
    reconcileCreate,
    signal,
    watch,
    createOnce: {
      ...(createTaskCall ? { call: createTaskCall } : {}),
      ...(watch.policy ? { policy: watch.policy } : {}),
      ...(watch.scheduler ? { scheduler: watch.scheduler } : {}),
      ...(watch.random ? { random: watch.random } : {}),
    },
    followPending: { ...watch, seenState: 'Pending', reconcileAtStart: false },
  };
}

/** The watch of a created task that has not ended: its state is seen, and it was read just now. */
function followOptions(plan: RunPlan, state: TaskState): WatchTaskOptions {
  return state === 'Pending' ? plan.followPending : { ...plan.watch, seenState: state, reconcileAtStart: false };
}

function isNotTerminal(task: Task): boolean {
  return !isTerminalTaskState(task.state);
}

/** Encodes an input with its codec; without one, only bytes (or nothing) are accepted. */
function encodeInput(input: unknown, codec: TaskCodec<unknown> | undefined): Uint8Array | undefined {
  if (codec) return codec.encode(input);
  if (input === undefined || input instanceof Uint8Array) return bytesCodec.encode(input);
  throw new CodecError(`task input must be a Uint8Array without an input codec, got ${typeof input}`);
}

/**
 * Runs one task and emits its outcome once it ends: `{ taskId, sessionId, state, output?,
 * failureMessage? }` (like the SDKs' `run`). A Failed or Cancelled task is a normal
 * result here, not an error; transport and codec errors are errors. Without codecs input
 * and output are raw bytes.
 *
 * Unsubscribing (or aborting `signal`) stops watching; the task keeps running on the server.
 *
 * @example
 * ```ts
 * import { run, jsonCodec } from 'flame-pie-rx/flame';
 * run(client, 'sum-a1B2c3', [1, 2], { input: jsonCodec<number[]>(), output: jsonCodec<number>() })
 *   .subscribe((r) => console.log(r.state, r.output ?? r.failureMessage));
 * ```
 */
export function run(
  context: FlameClientContext,
  sessionId: string,
  input?: Uint8Array,
  options?: RunTaskOptions,
): Observable<TaskRunResult<Uint8Array | undefined>>;
export function run<I, O>(
  context: FlameClientContext,
  sessionId: string,
  input: I,
  options: RunTaskOptions & TaskCodecs<I, O>,
): Observable<TaskRunResult<O>>;
export function run(
  context: FlameClientContext,
  sessionId: string,
  input?: unknown,
  options: RunTaskOptions & Partial<TaskCodecs<unknown, unknown>> = {},
): Observable<TaskRunResult<unknown>> {
  const { input: inputCodec, output: outputCodec, ...runOptions } = options;
  const decoder = outputCodec ?? bytesCodec;
  return defer(() => runTask(context, sessionId, encodeInput(input, inputCodec), runOptions)).pipe(
    last(),
    map((task): TaskRunResult<unknown> => {
      const failureMessage = taskFailureMessage(task);
      return {
        taskId: task.id,
        sessionId: task.sessionId,
        state: task.state,
        ...(task.state === 'Succeed' ? { output: decoder.decode(task.output) } : {}),
        ...(failureMessage === undefined ? {} : { failureMessage }),
      };
    }),
  );
}

/**
 * Runs one task and emits its decoded output, then completes (like the SDKs' `invoke`). A
 * task that ends Failed or Cancelled errors with `TaskFailedError` naming the task,
 * session, state and failure message. Without codecs input and output are raw bytes.
 *
 * Unsubscribing (or aborting `signal`) stops watching; the task keeps running on the server.
 *
 * @example
 * ```ts
 * import { invoke, textCodec } from 'flame-pie-rx/flame';
 * invoke(client, 'echo-a1B2c3', 'hello', { input: textCodec, output: textCodec, signal: AbortSignal.timeout(30_000) }).subscribe(console.log);
 * ```
 */
export function invoke(
  context: FlameClientContext,
  sessionId: string,
  input?: Uint8Array,
  options?: RunTaskOptions,
): Observable<Uint8Array | undefined>;
export function invoke<I, O>(
  context: FlameClientContext,
  sessionId: string,
  input: I,
  options: RunTaskOptions & TaskCodecs<I, O>,
): Observable<O>;
export function invoke(
  context: FlameClientContext,
  sessionId: string,
  input?: unknown,
  options?: RunTaskOptions & Partial<TaskCodecs<unknown, unknown>>,
): Observable<unknown> {
  // One Observable and one subscriber over `runTask` (not defer + taskOutput): every task
  // of a `runAll` of `invoke` goes through here.
  let runOptions: RunTaskOptions | undefined;
  let inputCodec: TaskCodec<unknown> | undefined;
  let decoder: TaskCodec<unknown> = bytesCodec;
  if (options !== undefined) {
    const { input: inCodec, output: outCodec, ...rest } = options;
    inputCodec = inCodec;
    if (outCodec) decoder = outCodec;
    runOptions = rest;
  }
  return new Observable<unknown>((subscriber) => {
    let encoded: Uint8Array | undefined;
    try {
      encoded = encodeInput(input, inputCodec);
    } catch (error) {
      subscriber.error(error);
      return;
    }
    runTask(context, sessionId, encoded, runOptions).subscribe(new TaskOutputSubscriber(subscriber, decoder));
  });
}

import { Observable, Subject, type Subscriber, type Subscription, type Unsubscribable } from 'rxjs';
import type { WatchTaskRequest } from '../../gen/flame/v1/frontend.js';
import type { Task as ProtoTask } from '../../gen/flame/v1/types.js';
import { taskFromProto } from '../../model/flame/convert.js';
import { FlameError, GrpcStatusCode } from '../../model/flame/status-errors.js';
import { type Task, isTerminalTaskState } from '../../model/flame/types.js';
import type { FlameChannel } from '../../transport/grpc/channel.js';
import { FlameChannelClosedError } from '../../transport/grpc/errors.js';
import { bidiStreamCall } from '../../transport/grpc/bidi-stream.js';
import { type AbortOptions, abortable } from '../../interop/abortable.js';

// Flame 0.7 WatchTasks (flame-0.7.md 3.1, 5.1.3): one bidirectional stream per (channel,
// session) carries the watches of all that session's tasks. Each watch cycle of
// `watchTaskWith` subscribes to `sharedTaskWatch(...)`, which registers the task on the
// session's stream (opening it when none is open) and delivers the server's snapshot and
// later states of that task; the terminal state completes it.

/**
 * How long a session's stream stays open once no watch uses it, so that the next task of
 * a sequential pipeline reuses it. Then it is half-closed (the server ends it with OK), or
 * cancelled when the server still reports tasks nobody watches any more.
 *
 * @example
 * ```ts
 * import { WATCH_TASKS_LINGER_MS } from 'flame-pie-rx/flame';
 * WATCH_TASKS_LINGER_MS; // => 200
 * ```
 */
export const WATCH_TASKS_LINGER_MS = 200;

/** A task id the server accepts: a decimal i64 (others end the whole call, 3.1). */
const TASK_ID = /^[+-]?\d{1,19}$/;

/**
 * One watch cycle of one task on the session's shared WatchTasks stream: emits the
 * server's snapshot of the task, then each later state, and completes after the terminal
 * one. Ends without a value (complete) when the stream ends OK or with NOT_FOUND or
 * INVALID_ARGUMENT (closed session, unknown id: GetTask is the authority then); errors
 * with the typed error for any other status (UNAVAILABLE: the caller re-watches, which
 * re-registers on a new stream). Unsubscribing drops the registration locally (WatchTasks
 * has no unregister); the session's stream closes once no watch is left: half-closed when
 * the server has nothing registered, else cancelled on the wire. Aborting `signal` is
 * unsubscribing, and errors the watch with the signal's reason (the shared stream is not
 * this watch's alone, so it is closed as above, not at once).
 *
 * @example
 * ```ts
 * import { FlameChannel, sharedTaskWatch } from 'flame-pie-rx/flame';
 * const channel = new FlameChannel('http://127.0.0.1:8080');
 * sharedTaskWatch(channel, 'echo-a1B2c3', '1', { signal: AbortSignal.timeout(60_000) }).subscribe((task) => console.log(task.state));
 * ```
 */
export function sharedTaskWatch(channel: FlameChannel, sessionId: string, taskId: string, options: AbortOptions = {}): Observable<Task> {
  const watch$ = new Observable<Task>((subscriber) => {
    if (channel.closed) {
      subscriber.error(new FlameChannelClosedError('WatchTasks'));
      return undefined;
    }
    if (!TASK_ID.test(taskId)) {
      subscriber.complete();
      return undefined;
    }
    return hubOf(channel, sessionId).register(taskId, subscriber);
  });
  return watch$.pipe(abortable(options.signal));
}

/**
 * Number of WatchTasks streams this client has open on `channel` (one per watched
 * session), for tests and monitoring.
 *
 * @example
 * ```ts
 * import { openTaskWatchStreams } from 'flame-pie-rx/flame';
 * openTaskWatchStreams(client.channel); // => 1 while tasks of one session are watched
 * ```
 */
export function openTaskWatchStreams(channel: FlameChannel): number {
  let open = 0;
  for (const hub of hubs.get(channel)?.values() ?? []) if (hub.open) open += 1;
  return open;
}

const hubs = new WeakMap<FlameChannel, Map<string, SessionWatchHub>>();

function hubOf(channel: FlameChannel, sessionId: string): SessionWatchHub {
  let bySession = hubs.get(channel);
  if (!bySession) hubs.set(channel, (bySession = new Map()));
  let hub = bySession.get(sessionId);
  if (!hub) bySession.set(sessionId, (hub = new SessionWatchHub(channel, sessionId, bySession)));
  return hub;
}

/** One watch's registration; also its subscription's teardown. */
class Registration implements Unsubscribable {
  constructor(
    readonly hub: SessionWatchHub,
    readonly taskId: string,
    readonly subscriber: Subscriber<Task>,
  ) {}

  unsubscribe(): void {
    this.hub.drop(this);
  }
}

/** The session's open WatchTasks call: what is written to it, and the subscription that keeps it open. */
interface OpenCall {
  readonly requests: Subject<WatchTaskRequest>;
  subscription: Subscription | undefined;
}

/** The watches of one session and the stream they share. */
class SessionWatchHub {
  /** Registrations by task id: one, or several watching the same task. */
  readonly #watches = new Map<string, Registration | Registration[]>();
  /** Ids still registered at the server (not reported terminal) that no watch wants now. */
  readonly #abandoned = new Set<string>();
  #call: OpenCall | undefined = undefined;
  #linger: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(
    private readonly channel: FlameChannel,
    private readonly sessionId: string,
    private readonly bySession: Map<string, SessionWatchHub>,
  ) {}

  get open(): boolean {
    return this.#call !== undefined;
  }

  register(taskId: string, subscriber: Subscriber<Task>): Registration {
    const registration = new Registration(this, taskId, subscriber);
    const existing = this.#watches.get(taskId);
    if (existing === undefined) this.#watches.set(taskId, registration);
    else if (Array.isArray(existing)) existing.push(registration);
    else this.#watches.set(taskId, [existing, registration]);
    if (this.#linger !== undefined) {
      clearTimeout(this.#linger);
      this.#linger = undefined;
    }
    this.#abandoned.delete(taskId);
    // Every registration gets a fresh snapshot, also for a task already watched.
    (this.#call ?? this.#openCall()).requests.next({ sessionId: this.sessionId, taskId });
    return registration;
  }

  drop(registration: Registration): void {
    const id = registration.taskId;
    const existing = this.#watches.get(id);
    if (existing === registration) this.#watches.delete(id);
    else if (Array.isArray(existing)) {
      const at = existing.indexOf(registration);
      if (at < 0) return;
      existing.splice(at, 1);
      if (existing.length === 1) this.#watches.set(id, existing[0]!);
    } else return;
    // Still registered at the server until it reports the task terminal.
    if (!this.#watches.has(id) && this.#call !== undefined) this.#abandoned.add(id);
    this.#idleCheck();
  }

  #openCall(): OpenCall {
    const call: OpenCall = { requests: new Subject<WatchTaskRequest>(), subscription: undefined };
    this.#call = call;
    call.subscription = bidiStreamCall(this.channel, 'watchTasks', call.requests).subscribe({
      next: (message: ProtoTask) => {
        if (this.#call === call) this.#message(message);
      },
      error: (error: unknown) => {
        if (this.#call === call) this.#ended(error);
      },
      complete: () => {
        if (this.#call === call) this.#ended(undefined);
      },
    });
    return call;
  }

  #message(message: ProtoTask): void {
    const id = message.metadata?.id ?? '';
    const watches = this.#watches.get(id);
    if (watches === undefined) {
      if (message.status && isTerminalProto(message.status.state)) this.#abandoned.delete(id);
      return;
    }
    let task: Task;
    try {
      task = taskFromProto(message);
    } catch (error) {
      this.#watches.delete(id);
      this.#abandoned.add(id);
      for (const registration of list(watches)) registration.subscriber.error(error);
      this.#idleCheck();
      return;
    }
    const terminal = isTerminalTaskState(task.state);
    if (terminal) this.#watches.delete(id);
    for (const registration of list(watches)) {
      registration.subscriber.next(task);
      if (terminal) registration.subscriber.complete();
    }
    if (terminal) this.#idleCheck();
  }

  /** The stream ended (`error` undefined: OK). Every watch learns of it; the next registration opens a new stream. */
  #ended(error: unknown): void {
    this.#call = undefined;
    this.#abandoned.clear();
    const failure =
      error === undefined ||
      (error instanceof FlameError && (error.code === GrpcStatusCode.NOT_FOUND || error.code === GrpcStatusCode.INVALID_ARGUMENT))
        ? undefined
        : error;
    const all = [...this.#watches.values()];
    this.#watches.clear();
    for (const watches of all) {
      for (const registration of list(watches)) {
        if (failure === undefined) registration.subscriber.complete();
        else registration.subscriber.error(failure);
      }
    }
    this.#idleCheck();
  }

  /** Once no watch is left: close the stream after the linger time, and forget the hub. */
  #idleCheck(): void {
    if (this.#watches.size > 0 || this.#linger !== undefined) return;
    if (this.#call === undefined) {
      this.bySession.delete(this.sessionId);
      return;
    }
    this.#linger = setTimeout(() => {
      this.#linger = undefined;
      if (this.#watches.size > 0) return;
      const call = this.#call;
      this.#call = undefined;
      this.bySession.delete(this.sessionId);
      if (!call) return;
      // Nothing left at the server: half-close and let it end the call with OK. Otherwise
      // (tasks registered there that nobody watches) cancel it.
      if (this.#abandoned.size === 0) call.requests.complete();
      else call.subscription?.unsubscribe();
      this.#abandoned.clear();
    }, WATCH_TASKS_LINGER_MS);
    this.#linger.unref?.();
  }
}

function list(watches: Registration | Registration[]): Registration[] {
  return Array.isArray(watches) ? [...watches] : [watches];
}

/** TaskState Succeed (2), Failed (3), Cancelled (4). */
function isTerminalProto(state: number): boolean {
  return state >= 2 && state <= 4;
}

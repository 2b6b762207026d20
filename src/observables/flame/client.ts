import { Observable, SchedulerLike, asyncScheduler } from 'rxjs';
import { FlameConfig, loadFlameConfig } from '../../model/flame/config.js';
import type { SessionOptions } from '../../model/flame/session-options.js';
import type {
  Application,
  ApplicationSpecInput,
  Executor,
  FlameNode,
  Session,
  Task,
} from '../../model/flame/types.js';
import { BackoffPolicy, defaultBackoffPolicy } from '../../transport/backoff.js';
import type { ConnectionState } from '../../transport/connection-state.js';
import { FlameChannel, FlameChannelOptions } from '../../transport/grpc/channel.js';
import * as applications from './applications.js';
import type { ApplicationFilter } from './applications.js';
import { type FlameCapabilities, FLAME_CAPABILITIES, type FlameVersion, type FlameVersionOption, protocolOf } from './protocol.js';
import type { SessionFilter } from './session-queries.js';
import type { CreateTaskOptions } from './tasks.js';
import * as cluster from './cluster.js';
import type { FlameClientCallOptions, FlameClientContext } from './context.js';
import { RunTaskOptions, TaskCodecs, TaskRunResult, invoke, run, runTask } from './run-task.js';
import { FlameSession } from './session-handle.js';
import * as queries from './session-queries.js';
import { SessionStatusOptions, sessionStatus } from './session-status.js';
import * as sessions from './sessions.js';
import * as tasks from './tasks.js';
import { WatchTaskOptions, watchTask } from './watch-task.js';

/** Options of `FlameClient.connect`; all optional. */
export interface FlameConnectOptions
  extends Pick<FlameChannelOptions, 'ca' | 'maxReceiveMessageBytes' | 'keepaliveTimeMs' | 'keepaliveTimeoutMs' | 'random' | 'cancelPacing'> {
  /** Cluster endpoint (`http://host:port` or `https://…`); wins over file and environment. */
  readonly endpoint?: string;
  /** Context of the configuration file to use instead of its `current-context`. */
  readonly context?: string;
  /** Configuration file that must exist; default `~/.flame/flame.yaml`, which may be missing. */
  readonly configPath?: string;
  /** CA file for `https` endpoints; wins over file and FLAME_CA_FILE. */
  readonly caFile?: string;
  /** Environment to read instead of `process.env` (FLAME_ENDPOINT, FLAME_CA_FILE, HOME, …). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Reconnect pacing of the channel and of task watches. Default `defaultBackoffPolicy`. */
  readonly backoff?: BackoffPolicy;
  /** Where reconnect, watch and polling delays run. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /**
   * The Flame version the server speaks: `'0.6'`, `'0.7'`, or `'auto'` (default: probe on
   * the first call that depends on it, see `detectVersion`). Pin it behind proxies that
   * answer UNIMPLEMENTED themselves.
   */
  readonly version?: FlameVersionOption;
}

/**
 * The Flame client: one gRPC channel to the session manager and one cold Observable per
 * Frontend RPC (nothing happens until you subscribe; each subscription is one call;
 * unsubscribing, or aborting the `signal` every operation takes, cancels it on the wire).
 * Calls made while the server is unreachable wait for the channel (unless
 * `waitForReady: false`), bounded by `deadlineMs` if given.
 * Errors are typed: `FlameNotFoundError`, `FlameAlreadyExistsError`,
 * `FlameInvalidArgumentError`, `FlameInternalError`, `FlameUnavailableError`, …,
 * `ApplicationRequestError`, `TaskFailedError`.
 *
 * A `FlameClient` is also a `FlameClientContext`, so the free functions (`watchTask`,
 * `runTask`, `invoke`, …) accept it.
 *
 * @example
 * ```ts
 * import { FlameClient } from 'flame-pie-rx/flame';
 * import { firstValueFrom } from 'rxjs';
 * const client = FlameClient.connect({ endpoint: 'http://127.0.0.1:8080' });
 * console.log((await firstValueFrom(client.listApplications({ signal: AbortSignal.timeout(5_000) }))).map((a) => a.name));
 * client.close();
 * ```
 */
export class FlameClient implements FlameClientContext {
  readonly channel: FlameChannel;
  readonly backoff: BackoffPolicy;
  readonly scheduler: SchedulerLike;
  /** The configuration the client was built from (context, endpoints, TLS). */
  readonly config: FlameConfig | undefined;

  /**
   * Wraps an existing channel (for a channel you built yourself); most code uses `connect`.
   *
   * @example
   * ```ts
   * import { FlameChannel, FlameClient } from 'flame-pie-rx/flame';
   * const client = new FlameClient(new FlameChannel('http://127.0.0.1:8080'));
   * ```
   */
  constructor(
    channel: FlameChannel,
    options: { backoff?: BackoffPolicy; scheduler?: SchedulerLike; config?: FlameConfig; version?: FlameVersionOption } = {},
  ) {
    this.channel = channel;
    this.backoff = options.backoff ?? defaultBackoffPolicy;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.config = options.config;
    protocolOf(channel, options.version ?? 'auto');
  }

  /**
   * The Flame version of the server (`'0.6'` or `'0.7'`): the pinned one, or the detected
   * one once a call has needed it (`detectVersion()`); undefined before. A detected
   * version is forgotten when the connection is lost (the server may come back upgraded).
   */
  get version(): FlameVersion | undefined {
    return protocolOf(this.channel).version;
  }

  /** What the server's version offers (suspend/resume, tokens, …); undefined before detection. */
  get capabilities(): FlameCapabilities | undefined {
    const version = this.version;
    return version === undefined ? undefined : FLAME_CAPABILITIES[version];
  }

  /**
   * Emits the server's Flame version, probing when it is not known yet (ListApplications,
   * then ListApplication; `FlameUnknownProtocolError` when neither is served; connection
   * errors as they are, nothing cached).
   *
   * @example
   * ```ts
   * import { FlameClient } from 'flame-pie-rx/flame';
   * import { firstValueFrom } from 'rxjs';
   * const client = FlameClient.connect({ endpoint: 'http://127.0.0.1:8080' });
   * console.log(await firstValueFrom(client.detectVersion())); // '0.6' or '0.7'
   * client.close();
   * ```
   */
  detectVersion(call?: FlameClientCallOptions): Observable<FlameVersion> {
    return protocolOf(this.channel).detect(call);
  }

  /**
   * Builds the configuration (`loadFlameConfig`: options > environment > file > defaults)
   * and opens one channel to its cluster endpoint, TLS per its scheme and CA. Connecting
   * happens in the background (see `state$`); a bad configuration throws
   * `FlameConfigError`, a bad endpoint `FlameEndpointError`, an unreadable CA
   * `FlameTlsConfigError`.
   *
   * @example
   * ```ts
   * import { FlameClient } from 'flame-pie-rx/flame';
   * const client = FlameClient.connect({ configPath: './flame.yaml', context: 'staging' });
   * ```
   */
  static connect(options: FlameConnectOptions = {}): FlameClient {
    const config = loadFlameConfig({
      ...(options.configPath === undefined ? {} : { path: options.configPath }),
      ...(options.context === undefined ? {} : { context: options.context }),
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
    });
    const caFile = config.cluster.tls?.caFile;
    const channel = new FlameChannel(config.cluster.endpoint, {
      ...(caFile === undefined ? {} : { caFile }),
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.maxReceiveMessageBytes === undefined ? {} : { maxReceiveMessageBytes: options.maxReceiveMessageBytes }),
      ...(options.keepaliveTimeMs === undefined ? {} : { keepaliveTimeMs: options.keepaliveTimeMs }),
      ...(options.keepaliveTimeoutMs === undefined ? {} : { keepaliveTimeoutMs: options.keepaliveTimeoutMs }),
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
      ...(options.random === undefined ? {} : { random: options.random }),
      ...(options.cancelPacing === undefined ? {} : { cancelPacing: options.cancelPacing }),
    });
    return new FlameClient(channel, {
      config,
      ...(options.version === undefined ? {} : { version: options.version }),
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
    });
  }

  /** The cluster endpoint the client talks to. */
  get endpoint(): string {
    return this.channel.endpoint;
  }

  /** The connection state (replays the current one; completes after `closed`). */
  get state$(): Observable<ConnectionState> {
    return this.channel.state$;
  }

  /** Closes the channel: running calls end with `FlameCancelledError`; no new calls start. Idempotent. */
  close(): void {
    this.channel.close();
  }

  /** RegisterApplication; a non-zero `Result.return_code` errors with `ApplicationRequestError`. */
  registerApplication(name: string, spec: ApplicationSpecInput, call?: FlameClientCallOptions): Observable<void> {
    return applications.registerApplication(this, name, spec, call);
  }

  /** UpdateApplication (replaces the spec); `ApplicationRequestError` on a non-zero return code. */
  updateApplication(name: string, spec: ApplicationSpecInput, call?: FlameClientCallOptions): Observable<void> {
    return applications.updateApplication(this, name, spec, call);
  }

  /** UnregisterApplication; `ApplicationRequestError` on a non-zero return code. */
  unregisterApplication(name: string, call?: FlameClientCallOptions): Observable<void> {
    return applications.unregisterApplication(this, name, call);
  }

  /** GetApplication; unknown name: `FlameNotFoundError`. */
  getApplication(name: string, call?: FlameClientCallOptions): Observable<Application> {
    return applications.getApplication(this, name, call);
  }

  /** ListApplications (0.7) / ListApplication (0.6), sorted by name; a `filter` needs 0.7. */
  listApplications(call?: FlameClientCallOptions, filter?: ApplicationFilter): Observable<Application[]> {
    return applications.listApplications(this, call, filter);
  }

  /** CreateSession; emits a `FlameSession` handle (see `createSession`). */
  createSession(options: SessionOptions | string, call?: FlameClientCallOptions): Observable<FlameSession> {
    return sessions.createSession(this, options, call);
  }

  /** OpenSession of an existing Open session (see `openSession`). */
  openSession(sessionId: string, call?: FlameClientCallOptions): Observable<FlameSession> {
    return sessions.openSession(this, sessionId, call);
  }

  /** OpenSession with a spec: get-or-create (see `openOrCreateSession`). */
  openOrCreateSession(
    sessionId: string,
    options: SessionOptions | string,
    call?: FlameClientCallOptions,
  ): Observable<FlameSession> {
    return sessions.openOrCreateSession(this, sessionId, options, call);
  }

  /** GetSession, with live counters and session events. */
  getSession(sessionId: string, call?: FlameClientCallOptions): Observable<Session> {
    return queries.getSession(this, sessionId, call);
  }

  /** ListSessions (0.7) / ListSession (0.6), sorted by id; a `filter` needs 0.7. */
  listSessions(call?: FlameClientCallOptions, filter?: SessionFilter): Observable<Session[]> {
    return queries.listSessions(this, call, filter);
  }

  /** SuspendSession (0.7; on 0.6 `FlameUnsupportedFeatureError`), see `suspendSession`. */
  suspendSession(sessionId: string, call?: FlameClientCallOptions): Observable<Session> {
    return queries.suspendSession(this, sessionId, call);
  }

  /** ResumeSession (0.7; on 0.6 `FlameUnsupportedFeatureError`), see `resumeSession`. */
  resumeSession(sessionId: string, call?: FlameClientCallOptions): Observable<Session> {
    return queries.resumeSession(this, sessionId, call);
  }

  /** CloseSession: Pending tasks are cancelled; refused (`FlameInternalError`) while a task runs. */
  closeSession(sessionId: string, call?: FlameClientCallOptions): Observable<Session> {
    return queries.closeSession(this, sessionId, call);
  }

  /** DeleteSession of a Closed session whose tasks are all terminal. */
  deleteSession(sessionId: string, call?: FlameClientCallOptions): Observable<Session> {
    return queries.deleteSession(this, sessionId, call);
  }

  /** CreateTask; every subscription creates another task (no idempotency). `affinity` needs 0.7. */
  createTask(sessionId: string, input?: Uint8Array, call?: CreateTaskOptions): Observable<Task> {
    return tasks.createTask(this, sessionId, input, call);
  }

  /** GetTask, with the task's events (failure message). */
  getTask(sessionId: string, taskId: string, call?: FlameClientCallOptions): Observable<Task> {
    return tasks.getTask(this, sessionId, taskId, call);
  }

  /** ListTasks (0.7) / ListTask (0.6): a stream of the session's tasks, in no particular order. */
  listTasks(sessionId: string, call?: FlameClientCallOptions): Observable<Task> {
    return tasks.listTasks(this, sessionId, call);
  }

  /** ListExecutors (0.7) / ListExecutor (0.6), sorted by id. */
  listExecutors(call?: FlameClientCallOptions): Observable<Executor[]> {
    return cluster.listExecutors(this, call);
  }

  /** ListNodes, sorted by name. */
  listNodes(call?: FlameClientCallOptions): Observable<FlameNode[]> {
    return cluster.listNodes(this, call);
  }

  /** GetNode; unknown name: `FlameNotFoundError`. */
  getNode(name: string, call?: FlameClientCallOptions): Observable<FlameNode> {
    return cluster.getNode(this, name, call);
  }

  /**
   * Follows a task to its end: each new state, the terminal one exactly once, then
   * complete; survives server restarts (see `watchTask`). Unsubscribing stops watching;
   * the task keeps running on the server.
   */
  watchTask(sessionId: string, taskId: string, options?: WatchTaskOptions): Observable<Task> {
    return watchTask(this, sessionId, taskId, options);
  }

  /** CreateTask then watch, as one Observable (see `runTask`); unsubscribing does not cancel the task. */
  runTask(sessionId: string, input?: Uint8Array, options?: RunTaskOptions): Observable<Task> {
    return runTask(this, sessionId, input, options);
  }

  /** Runs a task and emits `{ taskId, sessionId, state, output?, failureMessage? }` (see `run`). */
  run(sessionId: string, input?: Uint8Array, options?: RunTaskOptions): Observable<TaskRunResult<Uint8Array | undefined>>;
  run<I, O>(sessionId: string, input: I, options: RunTaskOptions & TaskCodecs<I, O>): Observable<TaskRunResult<O>>;
  run(sessionId: string, input?: unknown, options?: RunTaskOptions & Partial<TaskCodecs<unknown, unknown>>): Observable<unknown> {
    return run(this, sessionId, input as Uint8Array | undefined, options as RunTaskOptions);
  }

  /** Runs a task and emits its decoded output; Failed/Cancelled error with `TaskFailedError` (see `invoke`). */
  invoke(sessionId: string, input?: Uint8Array, options?: RunTaskOptions): Observable<Uint8Array | undefined>;
  invoke<I, O>(sessionId: string, input: I, options: RunTaskOptions & TaskCodecs<I, O>): Observable<O>;
  invoke(sessionId: string, input?: unknown, options?: RunTaskOptions & Partial<TaskCodecs<unknown, unknown>>): Observable<unknown> {
    return invoke(this, sessionId, input as Uint8Array | undefined, options as RunTaskOptions);
  }

  /** GetSession on an interval, changes only, complete once Closed (see `sessionStatus`). */
  sessionStatus(sessionId: string, options?: SessionStatusOptions): Observable<Session> {
    return sessionStatus(this, sessionId, options);
  }
}

// The public emulator of Flame's session manager: a real grpc-js server on loopback serving
// flame.v1.Frontend of Flame 0.6 or 0.7 with the filesystem-storage semantics of flame.md
// section 3 (and flame-0.7.md 3, 5.2 for 0.7), plus test controls (handlers, forced
// states, faults, observation).
import * as grpc from '@grpc/grpc-js';
import os from 'node:os';
import { SessionState, TaskState, type ApplicationSpec } from '../../gen/flame/v1/types.js';
import { ApplicationRegistry, defaultApplicationSpecs } from './applications.js';
import { CallRegistry, type FlameCallRecord, type FlameCancelledCall } from './call-registry.js';
import { FlameEmulatorError, RpcFailure } from './errors.js';
import { listenOn, shutDown } from './grpc-server.js';
import { type FrontendHandlers, createFrontendService } from './frontend-service.js';
import { type EmulatorService, emulatorServices } from './services.js';
import type { FlameHandleOptions, FlameTaskHandler } from './handler.js';
import { FlameEventCode, flameMessages } from './messages.js';
import { checkCallLogLimit, checkHandleOptions } from './option-checks.js';
import { TaskScheduler } from './scheduler.js';
import { BindPacer, type FlamePacingOptions, flamePacing, pacedService } from './pacing.js';
import { parseClusterResreq } from './spec-compare.js';
import { FlameStore, type TransitionOptions } from './state.js';
import { validateApplicationSpec } from './validate.js';
import { WatchTasksStreams } from './watch-tasks-service.js';
import type { FlameEmulatorVersion } from './services.js';

export type { FlameEmulatorVersion } from './services.js';
import { FlameCacheEmulator } from './cache/cache-emulator.js';
import type { FlameCacheVersion } from '../../model/flame/cache-types.js';

/** The real server's request size limit (tonic default), kept as the emulator's default. */
const DEFAULT_MAX_RECEIVE_BYTES = 4 * 1024 * 1024;

/**
 * Options of `FlameEmulator.start`.
 *
 * @example
 * ```ts
 * import type { FlameEmulatorOptions } from 'flame-pie-rx/testing';
 * const options: FlameEmulatorOptions = { clusterResreq: 'cpu=2,mem=4g', shuffleLists: false, callLogLimit: 500 };
 * ```
 */
export interface FlameEmulatorOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 0 = any free port). */
  port?: number;
  /** PEM certificate and key: serve TLS only (endpoint `https://localhost:PORT`). */
  tls?: { cert: string; key: string };
  /** `cluster.resreq` of flame-cluster.yaml, e.g. `cpu=1,mem=2g` (default: 1 CPU / 1 GiB). */
  clusterResreq?: string;
  /** Resolution of session/task/application times (default 'second', like the fs engine). */
  timestampResolution?: 'second' | 'millisecond';
  /** Shuffle list answers (default true), to catch clients that depend on order; applications are always listed sorted by name, as the real server does. */
  shuffleLists?: boolean;
  /** Largest accepted request in bytes (default 4 MiB, like the real server). */
  maxReceiveMessageBytes?: number;
  /** Name of the single fake node (default: this machine's host name). */
  nodeName?: string;
  /**
   * The Flame version served (default '0.6'). Under '0.7' the five 0.6 names (ListApplication,
   * ListExecutor, ListSession, WatchTask, ListTask) answer UNIMPLEMENTED with an empty
   * message, as a 0.7 server does; under '0.6' the seven 0.7-only ones do. '0.7' also keeps
   * what 0.6 drops: session tokens (given to handlers, never echoed), the gang batch size,
   * task affinity.
   */
  version?: FlameEmulatorVersion;
  /**
   * 0.7 WatchTasks: send only terminal states, no intermediate ones (the server may skip
   * them). Default false.
   */
  coalesceWatchStates?: boolean;
  /**
   * How many of the most recent calls `calls` (and `cancelledCalls`) keep, requests included
   * (default 10 000; 0 keeps none; `Infinity` keeps all). A non-negative integer or Infinity.
   */
  callLogLimit?: number;
  /**
   * Pace like a real session manager (see `FlamePacingOptions`): a small executor pool,
   * a per-task turnaround, one executor bound per session per scheduling interval, and a
   * steady CreateTask latency. Default: no pacing (executors at once, no latency).
   */
  pacing?: FlamePacingOptions;
  /**
   * Also start an object cache emulator on its own port (`cache`, `cacheEndpoint`), speaking
   * '0.6' (Arrow Flight) or '0.7' (ObjectCacheService); `true` means the version of this
   * Frontend ('0.7' for `version: '0.7'`, else '0.6'). It keeps running across `stop`/`start` and closes with `close`.
   */
  objectCache?: FlameCacheVersion | true;
}

/** A task state given by name or number. */
export type FlameTaskStateInput = TaskState | 'Pending' | 'Running' | 'Succeed' | 'Failed' | 'Cancelled';

const STATE_BY_NAME: Record<'Pending' | 'Running' | 'Succeed' | 'Failed' | 'Cancelled', TaskState> = {
  Pending: TaskState.Pending,
  Running: TaskState.Running,
  Succeed: TaskState.Succeed,
  Failed: TaskState.Failed,
  Cancelled: TaskState.Cancelled,
};

/**
 * In-process emulator of Flame's session manager (`flame.v1.Frontend`), for tests.
 *
 * @example
 * ```ts
 * import { FlameEmulator } from 'flame-pie-rx/testing';
 * const emu = await FlameEmulator.start();
 * emu.handle('echo', (input) => input);
 * // ... point a client at emu.endpoint ...
 * await emu.close();
 * ```
 */
export class FlameEmulator {
  private server: grpc.Server | undefined;
  private boundPort: number;
  private closed = false;
  private readonly registry: CallRegistry;
  private readonly store: FlameStore;
  private readonly scheduler: TaskScheduler;
  private readonly service: FrontendHandlers;
  private readonly watchTasks = new WatchTasksStreams();
  private objectCache: FlameCacheEmulator | undefined;

  private constructor(private readonly options: FlameEmulatorOptions) {
    this.registry = new CallRegistry(checkCallLogLimit(options.callLogLimit));
    const clock = () => Date.now();
    const stamp =
      options.timestampResolution === 'millisecond' ? clock : () => Math.floor(Date.now() / 1000) * 1000;
    const applications = new ApplicationRegistry(stamp);
    for (const [name, spec] of Object.entries(defaultApplicationSpecs())) applications.register(name, spec);
    this.store = new FlameStore(applications, { clock, stamp });
    this.store.version = options.version === '0.6' || options.version === undefined ? '0.6' : '0.7';
    this.watchTasks.controls.coalesce = options.coalesceWatchStates ?? false;
    if (options.clusterResreq !== undefined) this.store.clusterResreq = parseClusterResreq(options.clusterResreq);
    this.scheduler = new TaskScheduler(this.store, options.nodeName ?? os.hostname());
    const pacing = flamePacing(options.pacing);
    if (pacing) this.scheduler.pacer = new BindPacer(pacing);
    const service = createFrontendService({
      store: this.store,
      scheduler: this.scheduler,
      registry: this.registry,
      shuffleLists: options.shuffleLists ?? true,
      watchTasks: this.watchTasks,
    });
    this.service = pacing ? pacedService(service, pacing) : service;
    this.boundPort = options.port ?? 0;
  }

  /**
   * Creates an emulator and starts listening. Rejects with `FlameEmulatorError` for an
   * invalid option (e.g. a negative `callLogLimit`).
   *
   * @example
   * ```ts
   * import { FlameEmulator } from 'flame-pie-rx/testing';
   * const emu = await FlameEmulator.start({ timestampResolution: 'millisecond', callLogLimit: 1000 });
   * console.log(emu.endpoint); // http://127.0.0.1:PORT
   * await emu.close();
   * ```
   */
  static async start(options: FlameEmulatorOptions = {}): Promise<FlameEmulator> {
    const emulator = new FlameEmulator(options);
    await emulator.listen();
    if (options.objectCache !== undefined) {
      try {
        emulator.objectCache = await FlameCacheEmulator.start({
          version: options.objectCache === true ? (options.version === '0.7' ? '0.7' : '0.6') : options.objectCache,
          ...(options.host === undefined ? {} : { host: options.host }),
        });
      } catch (error) {
        await emulator.close();
        throw error;
      }
    }
    return emulator;
  }

  /**
   * Listens again (after `stop()`) on the same port, keeping all state.
   *
   * @example
   * ```ts
   * await emu.stop();
   * await emu.start();
   * ```
   */
  async start(): Promise<void> {
    await this.listen();
  }

  /**
   * The URL clients connect to: `http://127.0.0.1:PORT`, or `https://localhost:PORT` with TLS.
   *
   * @example
   * ```ts
   * new FrontendClient(emu.endpoint.replace(/^https?:\/\//, ''), grpc.credentials.createInsecure());
   * ```
   */
  get endpoint(): string {
    if (this.options.tls) return `https://localhost:${this.boundPort}`;
    return `http://${this.options.host ?? '127.0.0.1'}:${this.boundPort}`;
  }

  /**
   * The Flame version served.
   *
   * @example
   * ```ts
   * (await FlameEmulator.start({ version: '0.7' })).version; // => '0.7'
   * ```
   */
  get version(): FlameEmulatorVersion {
    return this.options.version ?? '0.6';
  }

  /**
   * Number of open 0.7 WatchTasks streams (each carries the watches of one session).
   *
   * @example
   * ```ts
   * emu.openWatchTasksStreams; // => 1 while any number of tasks of one session are watched
   * ```
   */
  get openWatchTasksStreams(): number {
    return this.watchTasks.open.size;
  }

  /**
   * 0.7: re-sends every registered task on every WatchTasks stream, as the server does
   * after its notification backlog overflowed (clients must not report a state twice).
   *
   * @example
   * ```ts
   * emu.resendTaskWatches();
   * ```
   */
  resendTaskWatches(): void {
    this.watchTasks.resendAll();
  }

  /**
   * The object cache emulator started with the `objectCache` option, or undefined.
   *
   * @example
   * ```ts
   * const emu = await FlameEmulator.start({ objectCache: '0.7' });
   * emu.cache?.keys(); // => []
   * ```
   */
  get cache(): FlameCacheEmulator | undefined {
    return this.objectCache;
  }

  /**
   * The endpoint of that cache (`grpc://127.0.0.1:PORT`), or undefined: what a client's
   * `cache.endpoint` / FLAME_CACHE_ENDPOINT would name.
   *
   * @example
   * ```ts
   * FlameCache.connect({ endpoint: emu.cacheEndpoint });
   * ```
   */
  get cacheEndpoint(): string | undefined {
    return this.objectCache?.endpoint;
  }

  /**
   * The listening port (stays the same across stop/start).
   *
   * @example
   * ```ts
   * const address = `127.0.0.1:${emu.port}`;
   * ```
   */
  get port(): number {
    return this.boundPort;
  }

  /**
   * Whether the server is currently listening.
   *
   * @example
   * ```ts
   * await emu.stop(); emu.listening; // => false
   * ```
   */
  get listening(): boolean {
    return this.server !== undefined;
  }

  /**
   * The RPCs received, oldest first (`method` is the FrontendClient method name): only the
   * `callLogLimit` most recent ones (default 10 000; older entries are dropped).
   *
   * @example
   * ```ts
   * emu.calls.filter((c) => c.method === 'createTask').length;
   * // with FlameEmulator.start({ callLogLimit: 2 }), after 3 calls: emu.calls.length === 2
   * ```
   */
  get calls(): readonly FlameCallRecord[] {
    return this.registry.calls;
  }

  /**
   * Calls the client cancelled, as seen by the server, oldest first; the `callLogLimit` most
   * recent ones.
   *
   * @example
   * ```ts
   * subscription.unsubscribe();
   * // later: emu.cancelledCalls.some((c) => c.method === 'watchTask') === true
   * ```
   */
  get cancelledCalls(): readonly FlameCancelledCall[] {
    return this.registry.cancelledCalls;
  }

  /**
   * Number of open server streams (WatchTask and ListTask).
   *
   * @example
   * ```ts
   * emu.openStreams; // => 0 when no watch is running
   * ```
   */
  get openStreams(): number {
    return this.registry.openStreams;
  }

  /**
   * Runs the tasks of an application with a handler (registers the application if absent).
   * Per Open session, executors are bound on demand up to min(maxInstances, session
   * max_instances), each running one task at a time, lowest id first; each task goes
   * Pending → Running → Succeed/Failed with events 1 and 2/3.
   *
   * Each Open session keeps at least min(max(minInstances, session min_instances), that
   * limit) executors bound even without work; they show in ListExecutor as ExecutorBound with
   * the session id. An idle executor beyond that minimum leaves after `delayReleaseMs`
   * (default: the application's delay_release × 1000 ms, 60 s when absent) and is no longer
   * listed. Closing or deleting the session unbinds all of its executors. Calling `handle`
   * again replaces the handler and options. Throws `FlameEmulatorError` for a negative or
   * fractional `minInstances` or a negative `delayReleaseMs`.
   *
   * @example
   * ```ts
   * emu.handle('upper', (input) => Buffer.from(input ?? []).toString().toUpperCase(), { delayMs: 20 });
   * // two warm executors per session; extra ones leave 100 ms after running dry
   * emu.handle('warm', () => 'ok', { minInstances: 2, maxInstances: 4, delayReleaseMs: 100 });
   * ```
   */
  handle(application: string, handler: FlameTaskHandler, options: FlameHandleOptions = {}): void {
    checkHandleOptions(options);
    if (!this.store.applications.find(application)) this.registerApplication(application);
    this.scheduler.register(application, handler, options);
  }

  /**
   * Registers an application directly (same validation as RegisterApplication); throws
   * `FlameEmulatorError` when the RPC would fail.
   *
   * @example
   * ```ts
   * emu.registerApplication('my-app', { maxInstances: 2, description: 'demo' });
   * ```
   */
  registerApplication(name: string, spec: Partial<ApplicationSpec> = {}): void {
    const full: ApplicationSpec = { shim: 0, labels: [], arguments: [], environments: [], ...spec };
    let failure: string | undefined;
    try {
      failure = this.store.applications.register(name, validateApplicationSpec(full));
    } catch (e) {
      failure = e instanceof RpcFailure ? e.details : String(e);
    }
    if (failure !== undefined) throw new FlameEmulatorError(`cannot register application '${name}': ${failure}`);
  }

  /**
   * Forces a task into a state, as the server would record it: Running/Succeed/Failed add
   * events 1/2/3 (Failed with `message`, or the default text), Pending and Cancelled add none.
   * Watchers are notified. A handler still running the task is abandoned.
   *
   * @example
   * ```ts
   * emu.setTaskState('s1', '1', 'Failed', { message: 'disk full' });
   * ```
   */
  setTaskState(
    sessionId: string,
    taskId: string | number,
    state: FlameTaskStateInput,
    options: { output?: Uint8Array | string; message?: string } = {},
  ): void {
    const session = this.store.sessions.get(sessionId);
    const task = session?.tasks.get(Number(taskId));
    if (!session || !task) throw new FlameEmulatorError(`no task ${taskId} in session '${sessionId}'`);
    const target: TaskState | undefined = typeof state === 'string' ? STATE_BY_NAME[state] : state;
    if (target === undefined || target < 0 || TaskState[target] === undefined) {
      throw new FlameEmulatorError(`unknown task state ${String(state)}`);
    }
    if (task.state === TaskState.Running) this.scheduler.releaseTask(task);
    const transition: TransitionOptions = {};
    if (options.output !== undefined) transition.output = Buffer.from(options.output);
    if (target === TaskState.Running) transition.event = { code: FlameEventCode.TaskRunning, message: flameMessages.taskRunning };
    if (target === TaskState.Succeed) {
      transition.event = { code: FlameEventCode.TaskSucceeded, message: flameMessages.taskSucceeded };
    }
    if (target === TaskState.Failed) {
      transition.event = { code: FlameEventCode.TaskFailed, message: options.message || flameMessages.taskFailed };
    }
    this.store.transition(session, task, target, transition);
  }

  /**
   * The current state of a task by name, or undefined when the session or task is unknown.
   *
   * @example
   * ```ts
   * emu.taskState('s1', '1'); // => 'Pending'
   * ```
   */
  taskState(sessionId: string, taskId: string | number): keyof typeof STATE_BY_NAME | undefined {
    const task = this.store.findTask(sessionId, Number(taskId));
    return task ? (TaskState[task.state] as keyof typeof STATE_BY_NAME) : undefined;
  }

  /**
   * The state of a session ('Open', 'Closed', and on 0.7 'Suspending' or 'Suspended'), or
   * undefined when it is unknown.
   *
   * @example
   * ```ts
   * emu.sessionState('s1'); // => 'Open'
   * ```
   */
  sessionState(sessionId: string): 'Open' | 'Closed' | 'Suspending' | 'Suspended' | undefined {
    const session = this.store.sessions.get(sessionId);
    if (!session) return undefined;
    return SessionState[session.state] as 'Open' | 'Closed' | 'Suspending' | 'Suspended';
  }

  /**
   * Makes the next `count` executor binds fail: each records session event 1001; the
   * session's 5th failure also records 1002 and pauses new executors for it (its tasks stay
   * Pending) until a restart.
   *
   * @example
   * ```ts
   * emu.failNextBinds(5, { detail: 'on_session_enter failed: no GPU' });
   * ```
   */
  failNextBinds(count: number, options: { returnCode?: number; detail?: string } = {}): void {
    const plan = this.scheduler.bindFailures;
    plan.remaining = count;
    plan.returnCode = options.returnCode ?? 12;
    plan.detail = options.detail ?? 'on_session_enter failed: the service refused the session';
  }

  /**
   * Simulates losing executors (of one session, or all): their Running tasks go back to
   * Pending without event or watch notification, and run again. Returns the number reset.
   *
   * @example
   * ```ts
   * emu.loseExecutor('s1'); // => 1 when one task was running
   * ```
   */
  loseExecutor(sessionId?: string): number {
    return this.scheduler.loseExecutors(sessionId);
  }

  /**
   * Makes the next `count` calls (of `method`, or any) fail with the given status;
   * `statusDetails` is sent as its `grpc-status-details-bin` trailer. A status whose trailer
   * or message is larger than the client accepts (e.g. 1 MiB of details) is a fault of its own.
   *
   * @example
   * ```ts
   * emu.failNext(2, { code: grpc.status.UNAVAILABLE, message: 'try later', method: 'createTask' });
   * emu.failNext(1, { code: grpc.status.INTERNAL, message: 'huge', method: 'getTask', statusDetails: new Uint8Array(1 << 20) });
   * ```
   */
  failNext(count: number, failure: { code: number; message: string; method?: string; statusDetails?: Uint8Array }): void {
    this.registry.failNext(count, failure);
  }

  /**
   * Delays the next `count` calls (of `method`, or any) by `ms` before they are processed.
   *
   * @example
   * ```ts
   * emu.delayNext(1, 500, { method: 'getTask' });
   * ```
   */
  delayNext(count: number, ms: number, options: { method?: string } = {}): void {
    this.registry.delayNext(count, ms, options.method);
  }

  /**
   * Ends every open stream with a status (default UNAVAILABLE), keeping the server up.
   *
   * @example
   * ```ts
   * emu.breakStreams(); // watchers see UNAVAILABLE and must re-watch
   * ```
   */
  breakStreams(code: number = grpc.status.UNAVAILABLE): void {
    this.registry.abortAll(code, flameMessages.streamBroken, true);
  }

  /**
   * Shuts the server down keeping all state: Running tasks return to Pending (no event),
   * open calls end with UNAVAILABLE. `start()` listens again on the same port.
   *
   * @example
   * ```ts
   * await emu.stop(); // clients now see UNAVAILABLE
   * ```
   */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.scheduler.deactivate();
    this.registry.clearTimers();
    this.registry.abortAll(grpc.status.UNAVAILABLE, flameMessages.streamBroken);
    await shutDown(server);
  }

  /**
   * Fault: the session manager dies at once (SIGKILL): every client connection is destroyed
   * with a TCP reset, with no GOAWAY and no status for calls in flight (clients see
   * `read ECONNRESET`), then the server stops listening, keeping all state like `stop()`.
   * `start()` listens again on the same port.
   *
   * @example
   * ```ts
   * await emu.kill(); // a unary call in flight fails at the transport, not with a status
   * await emu.start();
   * ```
   */
  async kill(): Promise<void> {
    const server = this.server;
    if (!server) return;
    // grpc-js keeps its HTTP/2 sessions in a private map; their sockets are what a killed
    // process would leave behind.
    const sessions = (server as unknown as { sessions?: Map<{ socket?: import('node:net').Socket }, unknown> }).sessions;
    for (const session of sessions?.keys() ?? []) {
      const socket = session.socket;
      if (socket && typeof socket.resetAndDestroy === 'function' && !socket.destroyed) socket.resetAndDestroy();
      else socket?.destroy();
    }
    this.server = undefined;
    this.scheduler.deactivate();
    this.registry.clearTimers();
    this.registry.abortAll(grpc.status.UNAVAILABLE, flameMessages.streamBroken);
    server.forceShutdown();
  }

  /**
   * Fault: the next `count` CloseSession calls race a task launch, as seen on a real session
   * manager: the close succeeds while the lowest Pending task is being handed to an
   * executor; that task is not cancelled, runs, and ends (Succeed, Failed) inside the
   * Closed session.
   *
   * @example
   * ```ts
   * emu.raceNextClose();
   * await firstValueFrom(session.close()); // ok, yet task 1 then runs and succeeds
   * ```
   */
  raceNextClose(count: number = 1): void {
    if (!(Number.isInteger(count) && count >= 0)) throw new FlameEmulatorError('raceNextClose needs a count >= 0');
    this.store.closeRaces = count;
  }

  /**
   * Stop, then start again on the same port (a session-manager restart).
   *
   * @example
   * ```ts
   * await emu.restart();
   * ```
   */
  async restart(): Promise<void> {
    await this.stop();
    await this.listen();
  }

  /**
   * Stops for good and releases everything.
   *
   * @example
   * ```ts
   * afterEach(() => emu.close());
   * ```
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
    this.scheduler.deactivate();
    await this.objectCache?.close();
  }

  /**
   * Every gRPC service the emulator's server offers, in one place (`emulatorServices`):
   * further services of the same cluster are added there.
   */
  private services(): EmulatorService[] {
    return emulatorServices(this.version, this.service, this.registry);
  }

  private listen(): Promise<void> {
    if (this.closed) return Promise.reject(new FlameEmulatorError('the emulator is closed'));
    if (this.server) return Promise.resolve();
    const server = new grpc.Server({
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.http2.min_ping_interval_without_data_ms': 1000,
      'grpc.max_receive_message_length': this.options.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_BYTES,
    });
    for (const { definition, implementation } of this.services()) server.addService(definition, implementation);
    return listenOn(server, this.options.host ?? '127.0.0.1', this.boundPort, this.options.tls).then((port) => {
      this.server = server;
      this.boundPort = port;
      this.scheduler.activate();
    });
  }
}


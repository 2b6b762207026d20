import {
  BehaviorSubject,
  Observable,
  type SchedulerLike,
  Subscription,
  asyncScheduler,
  defer,
  filter,
  firstValueFrom,
  map,
  merge,
  of,
  switchMap,
  timeout,
} from 'rxjs';
import type { ConnectionState } from '../../transport/connection-state.js';
import { type AbortOptions, abortable } from '../../interop/abortable.js';
import { PieConnectionLostError, PieError, PieTimeoutError } from '../../model/pie/errors.js';
import type { ProcessEvent } from '../../model/pie/events.js';
import { normalizeProcessId } from '../../model/pie/process-id.js';
import { type ModelStatus, type ProcessInfo, parseModelStatus, parseProcessList } from '../../model/pie/results.js';
import { PieConnection } from '../../transport/ws/connection.js';
import type { PieRequestMessage } from '../../transport/ws/messages.js';
import type { PieConnectionOptions } from '../../transport/ws/connection-options.js';
import { type PieGeneration, type PieGenerationOption, PIE_GENERATIONS, pieSocketUrl } from '../../transport/ws/generations.js';
import { type PieCapability, capabilitiesOf, requireCapability } from './generations/capabilities.js';
import { PieGenerationTracker } from './generations/generation-tracker.js';
import { identityHeaders } from './connection/identity.js';
import { refusedAs06 } from './generations/refused-as-0.6.js';
import { authenticate } from './connection/authenticate.js';
import type { PieClientContext } from './connection/client-context.js';
import { type PieCredentials, credentialEchoes, resolveCredentials } from './connection/credentials.js';
import { McpBridge } from './mcp/mcp-bridge.js';
import type { McpServerCommand } from './mcp/stdio-mcp-server.js';
import { PauseGate } from './processes/pause-gate.js';
import type { PieProcess } from './processes/process-handle.js';
import { type LaunchOptions, attachProcess, launch, launchProcess } from './processes/process-launch.js';
import { type LaunchManyOptions, launchDaemon, launchProcesses, runProcesses } from './processes/process-batch.js';
import { ProcessEventRouter } from './processes/process-router.js';
import {
  type AddProgramOptions,
  type CheckProgramOptions,
  type UploadProgress,
  addProgram,
  checkProgram,
} from './programs/programs.js';
import { reattachProcesses, reattachWorkflows } from './processes/reattach-runner.js';
import { okResult } from './connection/responses.js';
import { PingSink } from './connection/ping-sink.js';
import { toPausingAsyncIterable } from './processes/pausing-async-iterable.js';
import type { BoundedAsyncIterable, ToAsyncIterableOptions } from './processes/to-async-iterable.js';
import { type PieWorkflow, WorkflowEntry, submitWorkflow } from './workflows/workflow.js';

const PING: PieRequestMessage = Object.freeze({ type: 'ping' });

/**
 * Options of `PieClient.connect`: the connection's own (reconnect backoff, scheduler for
 * timeouts, backoff, heartbeat and `ping` timing, jitter source, default request timeout
 * of 30 000 ms, heartbeat or `false`, WebSocket factory), plus the client's.
 */
export interface PieClientOptions
  extends Pick<
    PieConnectionOptions,
    'backoff' | 'scheduler' | 'random' | 'requestTimeoutMs' | 'heartbeat' | 'webSocketFactory'
  > {
  /** Events kept for process ids nobody follows (workflow children). Default 1024. */
  readonly orphanBufferSize?: number;
  /** Largest incoming file, in bytes. Default 256 MiB. */
  readonly maxFileBytes?: number;
  /**
   * How long `connect` waits for the first ready connection (reconnect attempts included)
   * before giving up with `PieTimeoutError`. Default 30 000 ms.
   */
  readonly connectTimeoutMs?: number;
  /**
   * The protocol generation to speak: `'auto'` (default) tells a 0.4 engine from a gateway
   * by the first handshake reply (and a gateway's 0.5 from 0.6 by its first upload reply);
   * `'0.4'`, `'0.5'` or `'0.6'` insist, and a server of the other kind fails `connect` with
   * `PieGenerationError`.
   */
  readonly generation?: PieGenerationOption;
  /**
   * Who this client is to a gateway, sent as the `x-pie-identity` upgrade header (any
   * opaque text, e.g. `default/alice`; the gateway trusts it as given). Node only: a
   * browser WebSocket cannot send headers (see `identityInjectedByProxy`).
   */
  readonly identity?: string;
  /**
   * An edge proxy in front of the gateway injects `x-pie-identity`: no identity is needed
   * here, and in a browser an `identity` is not sent instead of being an error.
   */
  readonly identityInjectedByProxy?: boolean;
}

/**
 * The Pie engine client: one reconnecting, authenticated WebSocket and cold Observables for
 * every operation of the protocol, for the 0.4 engine and the 0.5/0.6 gateway (see
 * `generation`, `capabilities`). After a reconnect it authenticates again, re-attaches
 * every process stream that still has subscribers, re-registers local MCP servers and
 * re-attaches listened-to workflows. Every operation takes a `signal` in its options
 * (`AbortOptions`): aborting is unsubscribing, and errors the operation with the reason.
 *
 * @example
 * ```ts
 * import { PieClient } from 'flame-pie-rx/pie';
 * const client = await PieClient.connect('ws://127.0.0.1:8080', { username: 'me', key: '~/.ssh/id_ed25519' });
 * client.launchProcess('echo@1.0.0', { prompt: 'hi' }).subscribe((event) => console.log(event));
 * ```
 */
export class PieClient {
  /** Connection state: connecting → authenticating → ready, reconnecting …, closed. */
  readonly state$: Observable<ConnectionState>;
  /** Frames the client could not use (undecodable frames, unknown events, broken files); the connection keeps going. */
  readonly errors$: Observable<PieError>;

  /**
   * The generation spoken: `'0.4'` (the engine), `'0.5'` or `'0.6'` (a gateway). With
   * `generation: 'auto'` a gateway is taken for 0.5 until an upload's reply shows 0.6.
   *
   * @example
   * ```ts
   * const client = await PieClient.connect('ws://127.0.0.1:8080', undefined, { identity: 'default/me' });
   * client.generation; // => '0.5' against pie-server 0.5.2
   * ```
   */
  get generation(): PieGeneration {
    return this.tracker.generation ?? '0.4';
  }

  /**
   * The generation-specific operations and options available now (see `PieCapability`);
   * one not listed fails at once with `PieUnsupportedError`.
   *
   * @example
   * ```ts
   * client.capabilities.includes('workflows'); // => false on a gateway
   * ```
   */
  get capabilities(): readonly PieCapability[] {
    return capabilitiesOf(this.generation);
  }

  private readonly context: PieClientContext;
  private readonly bridge: McpBridge;
  private readonly workflows = new Set<WorkflowEntry>();
  private readonly subscriptions = new Subscription();
  private readonly scheduler: SchedulerLike;
  private closedByUser = false;

  private constructor(
    private readonly connection: PieConnection,
    options: PieClientOptions,
    private readonly tracker: PieGenerationTracker,
  ) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    const router = new ProcessEventRouter({
      ...(options.orphanBufferSize !== undefined ? { orphanCapacity: options.orphanBufferSize } : {}),
      ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}),
      onReleased: (route, policy) => {
        if (policy === 'terminate') {
          connection.request({ type: 'terminate_process', process_id: route.id }).subscribe({ error: () => undefined });
        }
      },
    });
    this.context = {
      connection,
      router,
      generation: tracker,
      session$: new BehaviorSubject(0),
      pauseGate: new PauseGate(
        () => connection.pause(),
        () => connection.resume(),
      ),
    };
    this.bridge = new McpBridge(connection);
    this.state$ = connection.state$;
    this.errors$ = merge(connection.errors$, router.errors$);
    this.subscriptions.add(
      connection.pushes$.subscribe((frame) => {
        if (frame.type === 'mcp_request') this.bridge.handle(frame);
        else router.dispatch(frame);
      }),
    );
    this.subscriptions.add(connection.state$.subscribe((state) => this.onState(state)));
    this.subscriptions.add(connection.ready$.subscribe((session) => this.onReady(session)));
  }

  /**
   * Loads the key (if any), opens the connection and resolves once it is authenticated and
   * ready, knowing the generation it speaks (`generation`). For a gateway (pie-server
   * 0.5.x) leave `credentials` out and pass `identity`; `/v1/ws` is appended to a URL
   * without a path. Rejects with `PieKeyError` for an unusable key, `PieAuthError` when the
   * engine refuses, `PieUpgradeError` when the upgrade is answered with an HTTP status,
   * `PieGenerationError` when a fixed generation meets the other kind, `PieUnsupportedError`
   * for token credentials at a gateway (none retried), `PieTimeoutError` naming the last
   * socket error after `connectTimeoutMs`, or the error that closed the connection.
   * Credentials never appear in an error.
   *
   * @example
   * ```ts
   * const client = await PieClient.connect('ws://127.0.0.1:8080', undefined, { identity: 'default/alice' }); // a gateway
   * const old = await PieClient.connect(emulator.url, { token: emulator.internalToken }); // a 0.4 engine
   * ```
   */
  static async connect(url: string, credentials?: PieCredentials, options: PieClientOptions = {}): Promise<PieClient> {
    const generation = options.generation ?? 'auto';
    if (generation !== 'auto' && !PIE_GENERATIONS.includes(generation)) {
      throw new PieError(`generation must be 'auto', '0.4', '0.5' or '0.6', got ${JSON.stringify(generation)}`);
    }
    const tracker = new PieGenerationTracker(generation);
    if (credentials && 'token' in credentials) requireCapability(tracker, 'tokenAuth', 'token authentication');
    const headers = identityHeaders(options);
    const socketUrl = pieSocketUrl(url, generation);
    const resolved = await resolveCredentials(credentials ?? { username: options.identity ?? 'anonymous' });
    const connection = PieConnection.open({
      url: socketUrl,
      ...(headers ? { headers } : {}),
      wireDialect: () => tracker.dialect,
      authenticate: authenticate(resolved, (kind, evidence) => tracker.found(kind, evidence), credentialEchoes(credentials, options.identity)),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      ...(options.heartbeat !== undefined ? { heartbeat: options.heartbeat } : {}),
      ...(options.webSocketFactory ? { webSocketFactory: options.webSocketFactory } : {}),
    });
    let lastError: string | undefined;
    const watching = connection.state$.subscribe((state) => {
      if (state.kind === 'reconnecting') lastError = state.lastError.message;
    });
    const client = new PieClient(connection, options, tracker);
    const connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
    const first = await firstValueFrom(
      connection.state$.pipe(
        filter((s) => s.kind === 'ready' || s.kind === 'closed'),
        timeout({
          first: connectTimeoutMs,
          scheduler: options.scheduler ?? asyncScheduler,
          with: () =>
            of<ConnectionState>({
              kind: 'closed',
              error: new PieTimeoutError({ request: 'connect', timeoutMs: connectTimeoutMs, ...(lastError ? { lastError } : {}) }),
            }),
        }),
      ),
      { defaultValue: { kind: 'closed' } as ConnectionState },
    ).finally(() => watching.unsubscribe());
    if (first.kind === 'closed') {
      client.close();
      throw first.error ?? new PieConnectionLostError('the connection closed before it was ready');
    }
    return client;
  }

  /**
   * `ping`: emits the round-trip time in ms (from subscription, including any wait for the
   * connection to be ready), then completes. `signal` cancels it (see `AbortOptions`).
   *
   * @example
   * ```ts
   * client.ping({ signal: AbortSignal.timeout(2_000) }).subscribe((ms) => console.log(`${ms} ms`));
   * ```
   */
  ping(options: AbortOptions = {}): Observable<number> {
    // One Observable and one small sink, instead of defer + okResult + map or an inner
    // request Observable: ping is the latency probe.
    const ping$ = new Observable<number>((subscriber) => this.connection.requestTo(new PingSink(subscriber, this.scheduler), PING));
    return ping$.pipe(abortable(options.signal));
  }

  /**
   * `query`: the raw `result` text. Engines answer only the `model_status` subject; any
   * other subject is never answered by 0.4 (`PieTimeoutError`) and refused by a gateway
   * (`PieRequestError`: `unknown query subject "x" (known: model_status)`).
   *
   * @example
   * ```ts
   * client.query('model_status', '', { timeoutMs: 2000 }).subscribe(console.log);
   * ```
   */
  query(subject: string, record = '', options: { timeoutMs?: number } & AbortOptions = {}): Observable<string> {
    return this.connection.request({ type: 'query', subject, record }, options).pipe(okResult('query'), abortable(options.signal));
  }

  /**
   * `query model_status`, parsed.
   *
   * @example
   * ```ts
   * client.modelStatus({ signal: AbortSignal.timeout(2_000) }).subscribe((s) => console.log(s.models.default?.kvPagesUsed));
   * ```
   */
  modelStatus(options: AbortOptions = {}): Observable<ModelStatus> {
    return this.query('model_status', '', options).pipe(map(parseModelStatus));
  }

  /**
   * `check_program`: whether the engine knows `name@x.y.z` (hashes of local copies are sent when given).
   *
   * @example
   * ```ts
   * client.checkProgram('echo@1.0.0').subscribe((known) => console.log(known));
   * ```
   */
  checkProgram(programId: string, options: CheckProgramOptions = {}): Observable<boolean> {
    return checkProgram(this.connection, programId, options).pipe(abortable(options.signal));
  }

  /**
   * Uploads a program; emits progress per chunk and completes when the engine installed it
   * (frames in the generation's shape: a manifest on 0.4 and 0.5, `file`/`version` on 0.6,
   * both on a gateway not yet known as either).
   *
   * @example
   * ```ts
   * client.addProgram({ wasm: bytes, manifest: tomlText, forceOverwrite: true }).subscribe((p) => console.log(p.sentChunks));
   * ```
   */
  addProgram(options: AddProgramOptions): Observable<UploadProgress> {
    return refusedAs06(addProgram(this.connection, options, this.tracker), this.connection.notices$, this.tracker).pipe(
      abortable(options.signal),
    );
  }

  /**
   * Uploads a program like `addProgram` and emits the id to launch it by, then completes:
   * on 0.6 the `name@version` the engine answered, elsewhere the manifest's
   * `package.name@package.version`. With `generation: 'auto'` on a gateway, a reply with
   * an id is how the client learns it speaks 0.6.
   *
   * @example
   * ```ts
   * client.installProgram({ wasm: source, manifest, forceOverwrite: true })
   *   .pipe(switchMap((id) => client.launchProcess(id, {}))).subscribe(console.log);
   * ```
   */
  installProgram(options: AddProgramOptions): Observable<string> {
    const install$ = new Observable<string>((subscriber) => {
      let programId: string | undefined;
      const upload = addProgram(this.connection, options, this.tracker, (id) => {
        programId = id;
      });
      return refusedAs06(upload, this.connection.notices$, this.tracker).subscribe({
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          if (programId === undefined) {
            subscriber.error(new PieError('the program was installed, but neither the engine nor the manifest named its id'));
            return;
          }
          subscriber.next(programId);
          subscriber.complete();
        },
      });
    });
    return install$.pipe(abortable(options.signal));
  }

  /**
   * Launches a process and emits its handle (see `PieProcess`) once the engine created it.
   *
   * @example
   * ```ts
   * client.launch('echo@1.0.0', { n: 1 }).pipe(switchMap((p) => p.events$)).subscribe(console.log);
   * ```
   */
  launch(inferlet: string, input?: unknown, options: LaunchOptions = {}): Observable<PieProcess> {
    return launch(this.context, inferlet, input, options).pipe(abortable(options.signal));
  }

  /**
   * Launches a process on subscribe and streams its events: completes after `return`, errors
   * with `PieProcessFailedError` after `error`. `input` is JSON-stringified unless it is a
   * string. Unsubscribing early, or aborting `signal`, detaches (default) or terminates
   * (`onUnsubscribe: 'terminate'`).
   *
   * @example
   * ```ts
   * const controller = new AbortController();
   * client.launchProcess('echo@1.0.0', { prompt: 'hi' }, { onUnsubscribe: 'terminate', signal: controller.signal })
   *   .pipe(stdoutText()).subscribe(console.log);
   * controller.abort(); // terminate_process is sent; the stream errors with an AbortError
   * ```
   */
  launchProcess(inferlet: string, input?: unknown, options: LaunchOptions = {}): Observable<ProcessEvent> {
    return launchProcess(this.context, inferlet, input, options).pipe(abortable(options.signal));
  }

  /**
   * `launch_processes`: one process per input, handles in input order.
   *
   * @example
   * ```ts
   * client.launchProcesses('echo@1.0.0', [{ n: 1 }, { n: 2 }]).subscribe((ps) => console.log(ps.length));
   * ```
   */
  launchProcesses(inferlet: string, inputs: readonly unknown[], options: LaunchManyOptions = {}): Observable<PieProcess[]> {
    return this.gated('launchProcesses', 'launchProcesses', options, () => launchProcesses(this.context, inferlet, inputs, options));
  }

  /**
   * `run_processes`: runs them all to completion; emits their return strings in input order.
   *
   * @example
   * ```ts
   * client.runProcesses('echo@1.0.0', [{ n: 1 }]).subscribe(console.log);
   * ```
   */
  runProcesses(
    inferlet: string,
    inputs: readonly unknown[],
    options: { tokenBudgets?: readonly (number | null)[]; timeoutMs?: number } & AbortOptions = {},
  ): Observable<string[]> {
    return this.gated('runProcesses', 'runProcesses', options, () => runProcesses(this.context, inferlet, inputs, options));
  }

  /**
   * `launch_daemon`: the program's HTTP handler on `127.0.0.1:<port>` of the engine host.
   *
   * @example
   * ```ts
   * client.launchDaemon('web@1.0.0', 8081).subscribe();
   * ```
   */
  launchDaemon(inferlet: string, port: number, input?: unknown, options: AbortOptions = {}): Observable<void> {
    return this.gated('launchDaemon', 'launchDaemon', options, () => launchDaemon(this.context, inferlet, port, input));
  }

  /**
   * `attach_process`: follows a process launched elsewhere; emits its handle.
   *
   * @example
   * ```ts
   * client.attachProcess(id).pipe(switchMap((p) => p.events$)).subscribe(console.log);
   * ```
   */
  attachProcess(
    processId: string,
    options: Pick<LaunchOptions, 'onUnsubscribe' | 'timeoutMs' | 'idleTimeoutMs' | 'signal'> = {},
  ): Observable<PieProcess> {
    return attachProcess(this.context, processId, options).pipe(abortable(options.signal));
  }

  /**
   * `terminate_process` by id (no need to be attached). Unknown → `PieNotFoundError`.
   *
   * @example
   * ```ts
   * client.terminateProcess(id).subscribe();
   * ```
   */
  terminateProcess(processId: string, options: AbortOptions = {}): Observable<void> {
    return defer(() => this.connection.request({ type: 'terminate_process', process_id: normalizeProcessId(processId) })).pipe(
      okResult('terminate_process'),
      map(() => undefined),
      abortable(options.signal),
    );
  }

  /**
   * `signal_process` to any process of this user, attached or not (fire-and-forget, spec
   * 2.4.12; the engine delivers it from any connection); completes once handed to the socket.
   *
   * @example
   * ```ts
   * client.signalProcess(id, 'stop').subscribe();
   * ```
   */
  signalProcess(processId: string, message: string, options: AbortOptions = {}): Observable<void> {
    return defer(() =>
      this.connection.send({ type: 'signal_process', process_id: normalizeProcessId(processId), message }),
    ).pipe(map(() => undefined), abortable(options.signal));
  }

  /**
   * `list_processes`: the live processes (this user's on 0.4; every identity's on a
   * pie-server 0.5.2 gateway), read tolerantly: only `id` is sure to be there.
   *
   * @example
   * ```ts
   * client.listProcesses().subscribe((ps) => ps.forEach((p) => console.log(p.id, p.program, p.elapsedSecs)));
   * ```
   */
  listProcesses(options: AbortOptions = {}): Observable<ProcessInfo[]> {
    return this.connection.request({ type: 'list_processes' }).pipe(okResult('list_processes'), map(parseProcessList), abortable(options.signal));
  }

  /**
   * `submit_workflow` (JSON text or an object); emits the workflow handle.
   *
   * @example
   * ```ts
   * client.submitWorkflow({ type: 'process', program_name: 'echo@1.0.0' }).subscribe((w) => console.log(w.id));
   * ```
   */
  submitWorkflow(workflow: string | object, options: AbortOptions = {}): Observable<PieWorkflow> {
    return this.gated('workflows', 'submitWorkflow', options, () => submitWorkflow(this.context, workflow, this.trackWorkflow));
  }

  /**
   * `attach_workflow` for a workflow submitted elsewhere (or detached); emits its handle.
   *
   * @example
   * ```ts
   * client.attachWorkflow(workflowId).pipe(switchMap((w) => w.events$)).subscribe(console.log);
   * ```
   */
  attachWorkflow(workflowId: string, options: AbortOptions = {}): Observable<PieWorkflow> {
    return this.gated('workflows', 'attachWorkflow', options, () => {
      const entry = new WorkflowEntry(this.context, normalizeProcessId(workflowId), 0, this.trackWorkflow);
      entry.attached = false;
      return entry.attach().pipe(map(() => entry));
    });
  }

  /**
   * Starts a local stdio MCP server, performs its handshake, then registers it with the
   * engine; inferlets' calls to it are relayed through this client (Node only).
   *
   * @example
   * ```ts
   * client.registerMcpServer('files', { command: 'node', args: ['files-mcp.mjs'] }).subscribe();
   * ```
   */
  registerMcpServer(name: string, command: McpServerCommand, options: AbortOptions = {}): Observable<void> {
    return this.gated('mcp', 'registerMcpServer', options, () => this.bridge.register(name, command));
  }

  /**
   * An async-iterator view of an event stream with a bounded queue; while it is full the
   * client stops reading the socket (`pause()`), and resumes once drained.
   *
   * @example
   * ```ts
   * for await (const event of client.toAsyncIterable(client.launchProcess('echo@1.0.0', {}), { highWaterMark: 16 })) {
   *   console.log(event.kind);
   * }
   * ```
   */
  toAsyncIterable<T>(source: Observable<T>, options: Pick<ToAsyncIterableOptions, 'highWaterMark' | 'lowWaterMark'> = {}): BoundedAsyncIterable<T> {
    return toPausingAsyncIterable(source, this.context.pauseGate, options);
  }

  /**
   * Closes the connection and stops local MCP servers; open process streams error with
   * `PieError('client closed')`, pending requests with the connection's closing error.
   *
   * @example
   * ```ts
   * client.close();
   * ```
   */
  close(): void {
    if (this.closedByUser) return;
    this.closedByUser = true;
    this.failStreams(new PieError('client closed'));
    this.bridge.closeAll();
    this.connection.close();
    this.subscriptions.unsubscribe();
  }

  /**
   * Runs `operation` on subscribe if the generation has `capability`, else fails at once
   * with `PieUnsupportedError`; `signal` cancels it.
   */
  private gated<T>(capability: PieCapability, operation: string, options: AbortOptions, run: () => Observable<T>): Observable<T> {
    return defer(() => {
      requireCapability(this.tracker, capability, operation);
      return run();
    }).pipe(abortable(options.signal));
  }

  private readonly trackWorkflow = (entry: WorkflowEntry, attached: boolean): void => {
    if (attached) this.workflows.add(entry);
    else this.workflows.delete(entry);
  };

  private onState(state: ConnectionState): void {
    if (state.kind !== 'ready') this.context.session$.next(0);
    if (state.kind === 'closed') {
      const cause = state.error;
      this.failStreams(
        cause instanceof PieError && !cause.retryable
          ? cause
          : new PieConnectionLostError(cause ? `connection closed: ${cause.message}` : 'connection closed', {
              ...(cause ? { cause } : {}),
            }),
      );
      this.bridge.closeAll();
    }
  }

  private onReady(session: number): void {
    this.context.session$.next(session);
    if (session <= 1) return;
    this.bridge.reannounceAll();
    reattachProcesses(this.context, session);
    reattachWorkflows(this.context, [...this.workflows], session);
  }

  private failStreams(error: Error): void {
    this.context.router.failAll(() => error);
    for (const workflow of [...this.workflows]) workflow.fail(error);
    this.workflows.clear();
  }
}

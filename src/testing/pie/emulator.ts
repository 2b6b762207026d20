// PieEmulator: an in-process Pie engine on a real loopback WebSocket server, speaking the
// engine's MessagePack protocol byte for byte (see docs of each option for where the
// emulator chooses behaviour the protocol reference leaves open).
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { encode } from '@msgpack/msgpack';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { parseAuthorizedKey, type AuthorizedKey } from './auth-keys.js';
import { decodeClientFrame, type ClientMessage } from './client-messages.js';
import { ConnectionActor } from './connection-actor.js';
import type { Engine, EngineAuth } from './engine.js';
import { InferletInterruptedError, PieEmulatorConfigError } from './errors.js';
import type { InferletHandler } from './inferlet-context.js';
import { launchError } from './handlers-programs.js';
import { failPendingMcp, relayMcpCall } from './mcp.js';
import type { DetachMode } from './process.js';
import { ProcessTable } from './processes.js';
import { isValidProgramId, ProgramStore } from './programs.js';
import { routeClientMessage } from './request-router.js';
import { WorkflowStepError } from './workflow-eval.js';
import { WorkflowTable } from './workflow-table.js';

/** Options of `PieEmulator.start`. */
export interface PieEmulatorOptions {
  /** Interface to listen on (default `127.0.0.1`). */
  host?: string;
  /** Port (default 0: a free one). */
  port?: number;
  /**
   * `disabled` (default): `auth_identify` accepts any username. `publicKey`: username →
   * public key texts (OpenSSH lines, PEM SPKI or PEM PKCS#1); unparsable keys make `start` fail.
   */
  auth?: { mode: 'disabled' } | { mode: 'publicKey'; users: Record<string, string[]> };
  /** Token accepted by `auth_by_token` (identity `internal`); default 48 random bytes, URL-safe base64 unpadded. */
  internalToken?: string;
  /** Delay before answering a wrong token: a number, or a `[min, max]` random range (default `[1000, 3000]`). */
  tokenFailureDelayMs?: number | [number, number];
  /**
   * What a disconnect does to the connection's processes and workflows. `designed`
   * (default): they detach, captured events buffer (4096 ring) and replay on attach.
   * `upstream`: the dead connection stays attached forever, events are lost, attach →
   * `Process not found` (the engine snapshot's actual behaviour).
   */
  detachMode?: DetachMode;
  /** Upload cap in MiB for programs and transferred files (default 256). */
  maxUploadMb?: number;
  /** Model names reported by `query model_status` (default `['default']`). */
  models?: string[];
  /** Registry base URL named in the 404 text for unknown programs (default `https://registry.pie-project.org`). */
  registryUrl?: string;
  /** Simulated compile time of an upload's final chunk, blocking only that connection (default 0). */
  installDelayMs?: number;
  /**
   * How many decoded client messages `received` keeps (oldest dropped first; default 10 000).
   * Chunk bytes are kept with their messages, so long benchmarks may want a small value.
   */
  receivedLimit?: number;
}

/** A decoded client message as logged in `received`; `connectionId` is non-enumerable. */
export type ReceivedClientMessage = ClientMessage & { readonly connectionId: number };

/**
 * An in-process Pie engine for tests.
 *
 * @example
 * ```ts
 * import { PieEmulator } from 'flame-pie-rx/testing';
 * const emu = await PieEmulator.start({ tokenFailureDelayMs: 0 });
 * emu.registerInferlet('echo@1.0.0', (ctx) => ctx.input);
 * // connect a client to emu.url, authenticate with emu.internalToken, launch 'echo@1.0.0'
 * await emu.close();
 * ```
 */
export class PieEmulator {
  /**
   * Decoded client messages in arrival order, including ones dropped before auth (the last
   * `receivedLimit`). Each entry also has a non-enumerable `connectionId` (1, 2, …).
   */
  readonly received: ReceivedClientMessage[] = [];
  /** The token `auth_by_token` accepts. */
  readonly internalToken: string;
  private readonly engine: Engine;
  private readonly actors = new Map<WebSocket, ConnectionActor>();
  private readonly timers = new Map<ReturnType<typeof setTimeout>, () => void>();
  private replyDelayMs = 0;
  private readonly receivedLimit: number;
  private nextConnectionId = 1;
  private closed = false;

  private constructor(
    private readonly server: WebSocketServer,
    options: PieEmulatorOptions,
    auth: EngineAuth,
    private readonly maxUploadMb: number,
  ) {
    this.internalToken = options.internalToken ?? randomBytes(48).toString('base64url');
    this.receivedLimit = Math.max(0, options.receivedLimit ?? 10_000);
    const delay = options.tokenFailureDelayMs ?? [1000, 3000];
    const programs = new ProgramStore();
    const detachMode = options.detachMode ?? 'designed';
    const processes = new ProcessTable(programs, detachMode, relayMcpCall);
    this.engine = {
      auth,
      internalToken: this.internalToken,
      tokenFailureDelayMs: () => (typeof delay === 'number' ? delay : delay[0] + Math.random() * (delay[1] - delay[0])),
      programs,
      processes,
      workflows: new WorkflowTable(detachMode, (owner, program, input) => {
        const error = launchError(this.engine, program);
        if (error) throw new WorkflowStepError(error);
        return processes.spawn({ owner, program, input, capture: true });
      }),
      models: options.models ?? ['default'],
      registryUrl: (options.registryUrl ?? 'https://registry.pie-project.org').replace(/\/+$/, ''),
      installDelayMs: options.installDelayMs ?? 0,
      detachMode,
      sleep: (ms) => this.sleep(ms),
    };
    server.on('connection', (socket, request) => this.accept(socket, request.socket.setNoDelay.bind(request.socket)));
  }

  /**
   * Starts an emulator listening on `ws://127.0.0.1:<port>` (any path accepted).
   *
   * @example
   * ```ts
   * const emu = await PieEmulator.start({ auth: { mode: 'publicKey', users: { alice: [opensshLine] } } });
   * emu.url; // => 'ws://127.0.0.1:40123'
   * ```
   */
  static async start(options: PieEmulatorOptions = {}): Promise<PieEmulator> {
    const maxUploadMb = options.maxUploadMb ?? 256;
    if (!Number.isInteger(maxUploadMb) || maxUploadMb <= 0) {
      throw new PieEmulatorConfigError(`maxUploadMb must be a positive integer, got ${maxUploadMb}`);
    }
    const auth = resolveAuth(options.auth);
    const server = new WebSocketServer({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      maxPayload: 64 * 1024 * 1024,
      perMessageDeflate: false,
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    return new PieEmulator(server, options, auth, maxUploadMb);
  }

  /**
   * The listening port.
   *
   * @example
   * ```ts
   * emu.port; // => 40123
   * ```
   */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /**
   * The URL clients connect to.
   *
   * @example
   * ```ts
   * new WebSocket(emu.url);
   * ```
   */
  get url(): string {
    const host = (this.server.address() as AddressInfo).address;
    return `ws://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  /**
   * Number of open client connections.
   *
   * @example
   * ```ts
   * emu.connectionCount; // => 1
   * ```
   */
  get connectionCount(): number {
    return this.actors.size;
  }

  /**
   * Registers the code of program `name@major.minor.patch`; the program then exists
   * (`check_program` → `true`) and launches run `handler`. Returning a string produces a
   * `return` event (other values are JSON-serialized, `undefined` → `""`); throwing produces an
   * `error` event with the error's message. Uploaded programs without registered code fail
   * with `No 'run' function found` when launched.
   *
   * @example
   * ```ts
   * emu.registerInferlet('greet@1.0.0', async (ctx) => {
   *   ctx.stdout('hello ');
   *   return JSON.stringify({ greeted: JSON.parse(ctx.input).name });
   * });
   * ```
   */
  registerInferlet(programId: string, handler: InferletHandler): void {
    if (!isValidProgramId(programId)) {
      throw new PieEmulatorConfigError(`invalid program id '${programId}': expected 'name@major.minor.patch'`);
    }
    this.engine.programs.register(programId, handler);
  }

  /**
   * Fault: terminates every client socket abruptly (no close handshake).
   *
   * @example
   * ```ts
   * emu.dropConnections(); // clients see their sockets close with code 1006
   * ```
   */
  dropConnections(): void {
    for (const socket of [...this.actors.keys()]) socket.terminate();
  }

  /**
   * Fault: every open connection stops reading (no answers, no WebSocket pongs) and writing
   * for `ms` milliseconds, like a half-open socket; then it carries on where it stopped.
   *
   * @example
   * ```ts
   * emu.stallConnections(5_000);
   * ```
   */
  stallConnections(ms: number): void {
    for (const actor of this.actors.values()) actor.stall(ms);
  }

  /**
   * Fault: sends a binary frame that is not valid MessagePack, then a valid map with an
   * unknown `type`, to one connection (by its 1-based connection id) or to all.
   *
   * @example
   * ```ts
   * emu.sendCorruptFrame();
   * ```
   */
  sendCorruptFrame(connectionId?: number): void {
    for (const actor of this.actors.values()) {
      if (connectionId !== undefined && actor.id !== connectionId) continue;
      if (actor.socket.readyState !== actor.socket.OPEN) continue;
      actor.socket.send(Uint8Array.of(0xc1), { binary: true });
      actor.socket.send(encode({ type: 'unknown_kind', corr_id: 1, value: 'x' }), { binary: true });
    }
  }

  /**
   * Fault: delays every `response` by `ms` (0 turns it off). The delay blocks the
   * connection's queue, so order is kept.
   *
   * @example
   * ```ts
   * emu.delayReplies(200);
   * ```
   */
  delayReplies(ms: number): void {
    this.replyDelayMs = Math.max(0, ms);
  }

  /**
   * Stops the server: sockets are terminated, running inferlet code is aborted, pending
   * delays end.
   *
   * @example
   * ```ts
   * await emu.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.engine.workflows.cancelAll();
    this.engine.processes.abortAll(new InferletInterruptedError('emulator closed'));
    for (const socket of this.actors.keys()) socket.terminate();
    for (const [timer, resolve] of this.timers) {
      clearTimeout(timer);
      resolve();
    }
    this.timers.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }

  private accept(socket: WebSocket, setNoDelay: (noDelay: boolean) => void): void {
    setNoDelay(true);
    const actor = new ConnectionActor(this.nextConnectionId++, socket, {
      replyDelayMs: () => this.replyDelayMs,
      maxUploadMb: this.maxUploadMb,
      sleep: (ms) => this.sleep(ms),
    });
    this.actors.set(socket, actor);
    actor.undeliverable = (frame) => {
      if (frame.type === 'process_event') this.engine.processes.get(frame.process_id)?.rebuffer(frame);
    };
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) return;
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      const message = decodeClientFrame(bytes);
      if (!message) return;
      Object.defineProperty(message, 'connectionId', { value: actor.id, enumerable: false });
      this.received.push(message as ReceivedClientMessage);
      if (this.received.length > this.receivedLimit) this.received.splice(0, this.received.length - this.receivedLimit);
      routeClientMessage(this.engine, actor, message);
    });
    socket.on('error', () => {
      // The close event follows; the engine only logs.
    });
    socket.on('close', () => this.disconnect(socket, actor));
  }

  private disconnect(socket: WebSocket, actor: ConnectionActor): void {
    this.actors.delete(socket);
    actor.markClosed();
    if (this.engine.detachMode !== 'designed') return;
    for (const id of [...actor.attachedProcesses]) this.engine.processes.get(id)?.detach(true);
    actor.attachedProcesses.clear();
    this.engine.workflows.detachConnection(actor);
    failPendingMcp(actor);
  }
}

function resolveAuth(auth: PieEmulatorOptions['auth']): EngineAuth {
  if (!auth || auth.mode === 'disabled') return { mode: 'disabled' };
  const users = new Map<string, AuthorizedKey[]>();
  for (const [username, texts] of Object.entries(auth.users)) {
    users.set(
      username,
      texts.map((text, index) => parseAuthorizedKey(text, `key ${index + 1} of user '${username}'`)),
    );
  }
  return { mode: 'publicKey', users };
}

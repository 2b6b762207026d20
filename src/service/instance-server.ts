import { rmSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { Observable, isObservable, lastValueFrom } from 'rxjs';
import type { SessionContext, TaskContext } from '../gen/flame/v1/shim.js';
import { Result, TaskResult, Shim } from '../gen/flame/v1/types.js';
import { FlameUnsupportedFeatureError } from '../model/flame/version-errors.js';
import { type AttributeKey, AttributeRound } from './attributes.js';
import { CallQueue } from './call-queue.js';
import { FlameServiceError } from './errors.js';
import {
  type FlameServiceVersion,
  InstanceServiceBothVersions,
  type SessionEnterReply,
  type TaskInvokeReply,
  serviceVersionOf,
} from './instance-versions.js';

/** What a service learns when Flame binds it to a session (OnSessionEnter). */
export interface FlameServiceSession {
  readonly sessionId: string;
  readonly application: {
    readonly name: string;
    readonly shim: 'Host' | 'Wasm' | 'Cri';
    readonly image?: string;
    readonly command?: string;
    readonly workingDirectory?: string;
    readonly url?: string;
    readonly installer?: string;
  };
  readonly commonData?: Uint8Array;
  /** Flame 0.7: the session's gang size (1 for an ordinary session; always 1 on 0.6). */
  readonly batchSize: number;
  /**
   * Flame 0.7: the session's tokens by service name (secrets: never logged by this
   * library; empty on 0.6).
   */
  readonly tokens: Readonly<Record<string, string>>;
}

/** One task invocation (OnTaskInvoke). */
export interface FlameServiceTask {
  readonly taskId: string;
  readonly sessionId: string;
  readonly input?: Uint8Array;
}

/** A value, a Promise of it, or an Observable of it. */
export type MaybeAsync<T> = T | Promise<T> | Observable<T>;

/** The user's service: plain functions; a throw fails the task with its message. */
export interface FlameService {
  onSessionEnter?(session: FlameServiceSession): MaybeAsync<void>;
  onTaskInvoke(task: FlameServiceTask, session: FlameServiceSession | undefined): MaybeAsync<Uint8Array | string | undefined | void>;
  onSessionLeave?(): MaybeAsync<void>;
}

export interface FlameServiceOptions {
  /** Socket path; defaults to `FLAME_INSTANCE_ENDPOINT` from the environment. */
  readonly socketPath?: string;
  /** Exit the process on SIGTERM, as the executor manager expects. Default true. */
  readonly exitOnSigterm?: boolean;
  /** Where problems are reported (never thrown at Flame). Default `console.error`. */
  readonly log?: (line: string) => void;
  /**
   * The executor manager's Flame version, which decides the reply shapes (0.6: bare
   * Result/TaskResult; 0.7: wrapped with executor attributes). Default: the
   * `FLAME_SERVICE_VERSION` environment variable (set it in the application's
   * `environments`), else `'auto'`: decided at the first OnSessionEnter (a 0.7 executor
   * manager sends `batch_size`, a 0.6 one does not) and kept for the process.
   */
  readonly version?: FlameServiceVersion | 'auto';
}

/** A running service: its socket path, its executor attributes and a way to stop it. */
export interface FlameServiceHandle {
  readonly socketPath: string;
  /** The executor manager's version, once known. */
  readonly version: FlameServiceVersion | undefined;
  /**
   * Flame 0.7: adds keys to this executor's attributes (what it holds, e.g. cached blocks),
   * sent with the next reply; the scheduler prefers executors holding a task's affinity
   * keys. On 0.6: `FlameUnsupportedFeatureError`.
   */
  publish(keys: Iterable<AttributeKey>): void;
  /** Flame 0.7: removes keys from this executor's attributes (see `publish`). */
  retract(keys: Iterable<AttributeKey>): void;
  close(): Promise<void>;
}

async function settle<T>(value: MaybeAsync<T>): Promise<T> {
  if (isObservable(value)) return lastValueFrom(value as Observable<T>, { defaultValue: undefined as T });
  return value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toSession(ctx: SessionContext): FlameServiceSession {
  const app = ctx.application;
  return {
    sessionId: ctx.sessionId,
    batchSize: Math.max(ctx.batchSize, 1),
    tokens: { ...ctx.tokens },
    application: {
      name: app?.name ?? '',
      shim: app?.shim === Shim.Wasm ? 'Wasm' : app?.shim === Shim.Cri ? 'Cri' : 'Host',
      image: app?.image,
      command: app?.command,
      workingDirectory: app?.workingDirectory,
      url: app?.url,
      installer: app?.installer,
    },
    commonData: ctx.commonData && ctx.commonData.length > 0 ? new Uint8Array(ctx.commonData) : undefined,
  };
}

function toOutput(value: Uint8Array | string | undefined | void): Buffer | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * Serves a Flame service program: implements `flame.v1.Instance` on the Unix socket Flame's
 * executor manager gives in `FLAME_INSTANCE_ENDPOINT` (spec 5). Calls run one at a time;
 * a thrown error becomes `return_code: -1` with its message (never a gRPC error), and
 * OnSessionLeave always answers 0, as the executor manager requires.
 *
 * Serves a 0.6 or a 0.7 executor manager (`version`): 0.7 replies carry the executor
 * attributes published with `publish`/`retract` (a successful OnSessionEnter reply and
 * every OnTaskInvoke reply take the round's changes; a failed enter keeps them for the
 * next reply), and the session gives its `tokens` and `batchSize`. One process may serve
 * several sessions one after another (Enter, Invoke…, Leave, Enter…).
 *
 * @example
 * ```ts
 * import { serveFlameInstance } from 'flame-pie-rx/flame';
 * await serveFlameInstance({
 *   onTaskInvoke: ({ input }) => new TextDecoder().decode(input).toUpperCase(),
 * });
 * ```
 */
export async function serveFlameInstance(service: FlameService, options: FlameServiceOptions = {}): Promise<FlameServiceHandle> {
  const socketPath = options.socketPath ?? process.env.FLAME_INSTANCE_ENDPOINT;
  if (!socketPath) throw new FlameServiceError('FLAME_INSTANCE_ENDPOINT not found');
  const log = options.log ?? ((line: string) => console.error(line));
  const queue = new CallQueue();
  let session: FlameServiceSession | undefined;
  const configured = options.version ?? envVersion(process.env.FLAME_SERVICE_VERSION);
  let version: FlameServiceVersion | undefined = configured === 'auto' ? undefined : configured;
  const round = new AttributeRound();
  const enterReply = (result: Result, ok: boolean): SessionEnterReply =>
    version === '0.7' ? { result, ...(ok ? { attributes: round.take() } : {}) } : result;
  const invokeReply = (taskResult: TaskResult): TaskInvokeReply =>
    version === '0.7' ? { taskResult, attributes: round.take() } : taskResult;
  const checkAttributes = (feature: string) => {
    if (version === '0.6') throw new FlameUnsupportedFeatureError(feature, '0.6');
  };

  const implementation = {
    onSessionEnter: (call: grpc.ServerUnaryCall<SessionContext, SessionEnterReply>, callback: grpc.sendUnaryData<SessionEnterReply>) => {
      void queue.run(async () => {
        version ??= serviceVersionOf(call.request);
        session = toSession(call.request);
        try {
          await settle(service.onSessionEnter?.(session));
          callback(null, enterReply(Result.fromPartial({ returnCode: 0 }), true));
        } catch (error) {
          callback(null, enterReply(Result.fromPartial({ returnCode: -1, message: messageOf(error) }), false));
        }
      });
    },
    onTaskInvoke: (call: grpc.ServerUnaryCall<TaskContext, TaskInvokeReply>, callback: grpc.sendUnaryData<TaskInvokeReply>) => {
      void queue.run(async () => {
        const ctx: TaskContext = call.request;
        const task: FlameServiceTask = {
          taskId: ctx.taskId,
          sessionId: ctx.sessionId,
          input: ctx.input && ctx.input.length > 0 ? new Uint8Array(ctx.input) : undefined,
        };
        try {
          const output = toOutput(await settle(service.onTaskInvoke(task, session)));
          callback(null, invokeReply(TaskResult.fromPartial({ returnCode: 0, output })));
        } catch (error) {
          callback(null, invokeReply(TaskResult.fromPartial({ returnCode: -1, message: messageOf(error) })));
        }
      });
    },
    onSessionLeave: (_call: grpc.ServerUnaryCall<unknown, Result>, callback: grpc.sendUnaryData<Result>) => {
      void queue.run(async () => {
        try {
          await settle(service.onSessionLeave?.());
        } catch (error) {
          log(`onSessionLeave failed (reported as success, spec 5.3): ${messageOf(error)}`);
        }
        session = undefined;
        callback(null, Result.fromPartial({ returnCode: 0 }));
      });
    },
  };

  rmSync(socketPath, { force: true }); // a stale socket from an earlier run
  const server = new grpc.Server();
  server.addService(InstanceServiceBothVersions, implementation as unknown as grpc.UntypedServiceImplementation);
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix:${socketPath}`, grpc.ServerCredentials.createInsecure(), (error) =>
      error ? reject(new FlameServiceError(`cannot serve on ${socketPath}: ${error.message}`, { cause: error })) : resolve(),
    ),
  );

  const close = () =>
    new Promise<void>((resolve) => {
      server.tryShutdown(() => {
        rmSync(socketPath, { force: true });
        resolve();
      });
    });
  if (options.exitOnSigterm ?? true) {
    process.once('SIGTERM', () => void close().then(() => process.exit(0)));
  }
  return {
    socketPath,
    get version() {
      return version;
    },
    publish: (keys) => {
      checkAttributes('executor attributes (publish)');
      round.publish(keys);
    },
    retract: (keys) => {
      checkAttributes('executor attributes (retract)');
      round.retract(keys);
    },
    close,
  };
}

function envVersion(value: string | undefined): FlameServiceVersion | 'auto' {
  if (value === '0.6' || value === '0.7') return value;
  return 'auto';
}

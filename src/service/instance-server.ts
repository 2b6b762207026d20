import { rmSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { Observable, isObservable, lastValueFrom } from 'rxjs';
import { InstanceService, InstanceServer, SessionContext, TaskContext } from '../gen/flame/v1/shim.js';
import { Result, TaskResult, Shim } from '../gen/flame/v1/types.js';
import { CallQueue } from './call-queue.js';
import { FlameServiceError } from './errors.js';

/** What a service learns when Flame binds it to a session (OnSessionEnter). */
export interface FlameServiceSession {
  readonly sessionId: string;
  readonly application: {
    readonly name: string;
    readonly shim: 'Host' | 'Wasm';
    readonly image?: string;
    readonly command?: string;
    readonly workingDirectory?: string;
    readonly url?: string;
    readonly installer?: string;
  };
  readonly commonData?: Uint8Array;
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
}

/** A running service: its socket path and a way to stop it. */
export interface FlameServiceHandle {
  readonly socketPath: string;
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
    application: {
      name: app?.name ?? '',
      shim: app?.shim === Shim.Wasm ? 'Wasm' : 'Host',
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

  const implementation: InstanceServer = {
    onSessionEnter: (call, callback) => {
      void queue.run(async () => {
        session = toSession(call.request);
        try {
          await settle(service.onSessionEnter?.(session));
          callback(null, Result.fromPartial({ returnCode: 0 }));
        } catch (error) {
          callback(null, Result.fromPartial({ returnCode: -1, message: messageOf(error) }));
        }
      });
    },
    onTaskInvoke: (call, callback) => {
      void queue.run(async () => {
        const ctx: TaskContext = call.request;
        const task: FlameServiceTask = {
          taskId: ctx.taskId,
          sessionId: ctx.sessionId,
          input: ctx.input && ctx.input.length > 0 ? new Uint8Array(ctx.input) : undefined,
        };
        try {
          const output = toOutput(await settle(service.onTaskInvoke(task, session)));
          callback(null, TaskResult.fromPartial({ returnCode: 0, output }));
        } catch (error) {
          callback(null, TaskResult.fromPartial({ returnCode: -1, message: messageOf(error) }));
        }
      });
    },
    onSessionLeave: (_call, callback) => {
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
  server.addService(InstanceService, implementation);
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
  return { socketPath, close };
}

import * as grpc from '@grpc/grpc-js';
import { FrontendService06 } from '../../../../src/transport/grpc/methods.js';
import type { FrontendHandlers } from '../../../../src/testing/flame/frontend-service.js';
import { type Task, TaskState } from '../../../../src/gen/flame/v1/types.js';

/** Size of the output of task id `big`: above grpc-js's 4 MiB default receive limit. */
export const BIG_OUTPUT_BYTES = 5 * 1024 * 1024;

/** Builds a task message. */
export function task(sessionId: string, taskId: string, state: TaskState, output?: Buffer): Task {
  return {
    metadata: { id: taskId, name: taskId },
    spec: { sessionId, affinity: [], ...(output ? { output } : {}) },
    status: { state, creationTime: 1_700_000_000_000n, events: [] },
  };
}

/**
 * A real grpc-js server implementing a few Frontend methods, for the transport's loopback
 * tests. Behaviour is chosen by ids:
 * - getTask: session `ssn-unknown` → NOT_FOUND with message `ssn-unknown`; task `hang` → no
 *   answer; task `big` → a task with a 5 MiB output; otherwise the task, Succeed.
 * - watchTask: task `hang` → one Pending message, then silence; task `fail` → one message,
 *   then INTERNAL `storage broke`; otherwise Pending, Running, Succeed, then OK.
 * - listTask: session `empty` → ends at once; otherwise tasks 1 and 2.
 * Every call is recorded (`calls`), and so is each cancellation the server sees.
 */
export class TestFrontendServer {
  readonly calls: string[] = [];
  readonly cancelled: string[] = [];
  #server: grpc.Server | undefined;
  #port: number;
  readonly #tls: { cert: string; key: string } | undefined;
  readonly #waiters: { predicate: () => boolean; resolve: () => void }[] = [];

  private constructor(port: number, tls: { cert: string; key: string } | undefined) {
    this.#port = port;
    this.#tls = tls;
  }

  /** Starts a server on 127.0.0.1 (port 0 = any free port). */
  static async start(options: { port?: number; tls?: { cert: string; key: string } } = {}): Promise<TestFrontendServer> {
    const server = new TestFrontendServer(options.port ?? 0, options.tls);
    await server.listen();
    return server;
  }

  get port(): number {
    return this.#port;
  }

  /** `http://127.0.0.1:PORT`, or `https://localhost:PORT` with TLS. */
  get endpoint(): string {
    return this.#tls ? `https://localhost:${this.#port}` : `http://127.0.0.1:${this.#port}`;
  }

  /** (Re)starts listening on the same port. */
  async listen(): Promise<void> {
    if (this.#server) return;
    const server = new grpc.Server();
    server.addService(FrontendService06 as unknown as grpc.ServiceDefinition, this.#implementation() as grpc.UntypedServiceImplementation);
    const credentials = this.#tls
      ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(this.#tls.cert), private_key: Buffer.from(this.#tls.key) }])
      : grpc.ServerCredentials.createInsecure();
    this.#port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${this.#port}`, credentials, (error, port) => (error ? reject(error) : resolve(port))),
    );
    this.#server = server;
  }

  /** Stops listening and drops every connection and call at once; the port is kept. */
  stop(): void {
    this.#server?.forceShutdown();
    this.#server = undefined;
  }

  /** Resolves when the next call of `method` (one arriving after this call) has arrived. */
  nextCall(method: string): Promise<void> {
    return this.#next(this.calls, method);
  }

  /** Resolves when the server sees the next client cancellation of a `method` call. */
  nextCancellation(method: string): Promise<void> {
    return this.#next(this.cancelled, method);
  }

  #next(list: string[], method: string): Promise<void> {
    const seen = list.filter((m) => m === method).length;
    const predicate = () => list.filter((m) => m === method).length > seen;
    return new Promise((resolve) => this.#waiters.push({ predicate, resolve }));
  }

  #record(list: string[], method: string): void {
    list.push(method);
    for (const waiter of [...this.#waiters]) {
      if (waiter.predicate()) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  /**
   * Records a call, and its cancellation by the client. grpc-js emits 'cancelled' whenever
   * the HTTP/2 stream closes, also after the server sent its status, so only a
   * 'cancelled' before the returned `finish()` was called counts.
   */
  #track(method: string, call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>): () => void {
    let finished = false;
    this.#record(this.calls, method);
    call.on('cancelled', () => {
      if (!finished) this.#record(this.cancelled, method);
    });
    return () => {
      finished = true;
    };
  }

  #implementation(): Partial<FrontendHandlers> {
    return {
      getTask: (call, callback) => {
        const finish = this.#track('GetTask', call);
        const { sessionId, taskId } = call.request;
        if (taskId === 'hang') return; // never answers
        finish();
        if (sessionId === 'ssn-unknown') {
          callback({ code: grpc.status.NOT_FOUND, details: sessionId });
        } else if (taskId === 'big') {
          callback(null, task(sessionId, taskId, TaskState.Succeed, Buffer.alloc(BIG_OUTPUT_BYTES, 7)));
        } else {
          callback(null, task(sessionId, taskId, TaskState.Succeed));
        }
      },
      watchTask: (call) => {
        const finish = this.#track('WatchTask', call);
        const { sessionId, taskId } = call.request;
        call.write(task(sessionId, taskId, TaskState.Pending));
        if (taskId === 'hang') return;
        finish();
        if (taskId === 'fail') {
          call.emit('error', { code: grpc.status.INTERNAL, details: 'storage broke' });
          return;
        }
        call.write(task(sessionId, taskId, TaskState.Running));
        call.write(task(sessionId, taskId, TaskState.Succeed));
        call.end();
      },
      listTask: (call) => {
        const finish = this.#track('ListTask', call);
        finish();
        const { sessionId } = call.request;
        if (sessionId !== 'empty') {
          call.write(task(sessionId, '1', TaskState.Pending));
          call.write(task(sessionId, '2', TaskState.Running));
        }
        call.end();
      },
    };
  }
}

import { connect as tcpConnect } from 'node:net';
import { ClientError } from '../model/errors.js';
import { parseFlameEndpoint } from '../transport/grpc/endpoint.js';
import { FlameClient, type FlameConnectOptions } from '../observables/flame/client.js';
import { firstValue } from './promise.js';
import { filter } from 'rxjs';

/** Options of `connectFlame`: the client's own, and how long to wait for the first ready connection. */
export interface ConnectFlameOptions extends FlameConnectOptions {
  /** Deadline for the first ready connection, ms. Default 10 000. */
  readonly readyTimeoutMs?: number;
  /** Aborting stops waiting (and closes the client). */
  readonly signal?: AbortSignal;
}

/**
 * No ready connection to a Flame cluster before the deadline. `cause` is the socket's own
 * error (e.g. `connect ECONNREFUSED 127.0.0.1:8080`) when a direct connection attempt failed.
 */
export class FlameUnreachableError extends ClientError {
  override readonly name = 'FlameUnreachableError';
  constructor(
    readonly endpoint: string,
    readonly timeoutMs: number,
    cause?: Error,
  ) {
    super(`cannot reach Flame at ${endpoint} within ${timeoutMs} ms${cause ? `: ${cause.message}` : ''}`, { cause });
  }
}

/** What a plain TCP connection to host:port answers: undefined when it opens, else its error. */
function probe(host: string, port: number, timeoutMs: number): Promise<Error | undefined> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(new Error(`connect ETIMEDOUT ${host}:${port}`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      resolve(error);
    });
  });
}

/**
 * Connects to a Flame cluster and waits for the first ready connection (Node only). Past
 * `readyTimeoutMs` it closes the client and rejects with `FlameUnreachableError`, whose
 * message carries the socket's own error and address (`connect ECONNREFUSED 127.0.0.1:1`).
 * `FlameClient.connect` alone returns at once and connects on demand.
 *
 * @example
 * ```ts
 * import { connectFlame } from 'flame-pie-rx/flame';
 * const client = await connectFlame({ endpoint: 'http://127.0.0.1:8080', readyTimeoutMs: 5_000 });
 * ```
 */
export async function connectFlame(options: ConnectFlameOptions = {}): Promise<FlameClient> {
  const { readyTimeoutMs = 10_000, signal, ...connectOptions } = options;
  const client = FlameClient.connect(connectOptions);
  // A ref'd timer (AbortSignal.timeout's is not): waiting keeps the process alive.
  const deadlineController = new AbortController();
  const deadline = deadlineController.signal;
  const timer = setTimeout(() => deadlineController.abort(new Error('deadline')), readyTimeoutMs);
  const stop = signal ? AbortSignal.any([signal, deadline]) : deadline;
  try {
    await firstValue(client.state$.pipe(filter((state) => state.kind === 'ready')), { signal: stop });
    return client;
  } catch (error) {
    client.close();
    if (signal?.aborted) throw signal.reason;
    if (!deadline.aborted) throw error;
    const { host, port } = parseFlameEndpoint(client.endpoint);
    const cause = await probe(host, port, Math.min(2_000, readyTimeoutMs));
    throw new FlameUnreachableError(client.endpoint, readyTimeoutMs, cause);
  } finally {
    clearTimeout(timer);
  }
}

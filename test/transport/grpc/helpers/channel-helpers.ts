import { createServer } from 'node:net';
import { type Observable, filter, firstValueFrom, timeout } from 'rxjs';
import { backoffPolicy } from '../../../../src/transport/backoff.js';
import type { ConnectionState, ConnectionStateKind } from '../../../../src/transport/connection-state.js';
import type { FlameChannel } from '../../../../src/transport/grpc/channel.js';

/** Short reconnect pacing so reconnect tests finish fast. */
export const fastBackoff = backoffPolicy({ initialDelayMs: 20, maxDelayMs: 100, multiplier: 2, jitter: 0 });

/** A loopback port nobody listens on (bound once, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The next state of the given kind (the current one counts), failing after `ms`. */
export function stateOf(channel: FlameChannel, kind: ConnectionStateKind, ms = 5000): Promise<ConnectionState> {
  return firstValueFrom(channel.state$.pipe(filter((s) => s.kind === kind), timeout(ms)));
}

/** Resolves with the error the observable fails with; rejects if it completes. */
export function errorOf(source: Observable<unknown>): Promise<unknown> {
  return new Promise((resolve, reject) =>
    source.subscribe({ error: resolve, complete: () => reject(new Error('completed without error')) }),
  );
}

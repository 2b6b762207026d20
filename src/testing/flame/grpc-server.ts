// What both Flame emulators (the session manager and the object cache) do with their grpc-js
// server: listen on host:port (0: a free one), optionally with TLS, and stop gracefully with a
// short grace before the remaining calls are cut.
import * as grpc from '@grpc/grpc-js';
import { FlameEmulatorError } from './errors.js';

/** A server certificate and key, PEM. */
export interface EmulatorTls {
  readonly cert: string;
  readonly key: string;
}

/** Binds `server` and resolves with the port it listens on; a refused bind is a FlameEmulatorError. */
export function listenOn(server: grpc.Server, host: string, port: number, tls: EmulatorTls | undefined): Promise<number> {
  const credentials = tls
    ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) }], false)
    : grpc.ServerCredentials.createInsecure();
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, credentials, (error, bound) => {
      if (error) {
        server.forceShutdown();
        reject(new FlameEmulatorError(`cannot listen on ${host}:${port}: ${error.message}`));
        return;
      }
      resolve(bound);
    });
  });
}

/** Lets calls in flight finish for `graceMs`, then cuts what is left. */
export function shutDown(server: grpc.Server, graceMs = 200): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

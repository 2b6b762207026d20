// The gRPC services an emulator's server offers, assembled in one place: the Frontend of
// the emulated Flame version, and UNIMPLEMENTED for the other version's method names.
// Other services of the same cluster (e.g. an object cache) are added here.
import * as grpc from '@grpc/grpc-js';
import { FLAME_FRONTEND_METHODS, FrontendService06, FrontendService07 } from '../../transport/grpc/frontend-06.js';
import type { CallRegistry } from './call-registry.js';
import type { FrontendHandlers } from './frontend-service.js';

/** The Flame version an emulator serves; `'both'` serves every RPC of either. */
export type FlameEmulatorVersion = '0.6' | '0.7' | 'both';

/** One service of the emulator's gRPC server. */
export interface EmulatorService {
  readonly definition: grpc.ServiceDefinition;
  readonly implementation: grpc.UntypedServiceImplementation;
}

/**
 * The services to add to a new server of an emulator of `version`.
 *
 * @example
 * ```ts
 * import { emulatorServices } from './services.js';
 * for (const { definition, implementation } of emulatorServices('0.7', handlers, registry)) {
 *   server.addService(definition, implementation);
 * }
 * ```
 */
export function emulatorServices(
  version: FlameEmulatorVersion,
  handlers: FrontendHandlers,
  registry: CallRegistry,
): EmulatorService[] {
  const serve = (definition: Record<string, unknown>): EmulatorService => ({
    definition: definition as unknown as grpc.ServiceDefinition,
    implementation: pick(handlers, Object.keys(definition)),
  });
  if (version === 'both') return [serve(FLAME_FRONTEND_METHODS)];
  const own: Record<string, unknown> = version === '0.6' ? FrontendService06 : FrontendService07;
  const other: Record<string, unknown> = version === '0.6' ? FrontendService07 : FrontendService06;
  const missing = Object.fromEntries(Object.entries(other).filter(([name]) => !(name in own)));
  return [
    serve(own),
    {
      definition: missing as unknown as grpc.ServiceDefinition,
      implementation: Object.fromEntries(Object.keys(missing).map((name) => [name, unimplementedHandler(registry, name)])),
    },
  ];
}

function pick(handlers: FrontendHandlers, names: string[]): grpc.UntypedServiceImplementation {
  const all = handlers as unknown as grpc.UntypedServiceImplementation;
  return Object.fromEntries(names.map((name) => [name, all[name]!]));
}

/**
 * A handler for an RPC the emulated version does not have: UNIMPLEMENTED with an empty
 * message before reading anything, as tonic answers (flame-0.7.md 2.11). The call is logged.
 */
function unimplementedHandler(registry: CallRegistry, method: string): grpc.UntypedHandleCall {
  return (
    call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>,
    callback?: grpc.sendUnaryData<unknown>,
  ) => {
    const active = { method, streaming: false, finished: false, abort: () => {} };
    registry.begin(active, (call as { request?: unknown }).request);
    registry.end(active);
    const error = Object.assign(new Error(''), { code: grpc.status.UNIMPLEMENTED, details: '' });
    if (typeof callback === 'function') callback(error, null);
    else (call as grpc.ServerWritableStream<unknown, unknown>).emit('error', error);
  };
}

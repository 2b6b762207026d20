import { ClientError } from '../../model/errors.js';

/**
 * Raised by the Flame emulator for invalid options or misuse of its test controls
 * (an unparsable `clusterResreq`, an unknown session or task in `setTaskState`, …).
 *
 * @example
 * ```ts
 * import { FlameEmulator, FlameEmulatorError } from 'flame-pie-rx/testing';
 * try { await FlameEmulator.start({ clusterResreq: 'cpu=' }); }
 * catch (e) { if (e instanceof FlameEmulatorError) console.log(e.message); }
 * ```
 */
export class FlameEmulatorError extends ClientError {}

/**
 * A gRPC status an RPC handler of the emulator answers with (code + bare message text).
 *
 * @example
 * ```ts
 * import { RpcFailure } from './errors.js';
 * new RpcFailure(5, 'session <s1>').code; // => 5
 * ```
 */
export class RpcFailure extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(details);
    this.name = 'RpcFailure';
  }
}

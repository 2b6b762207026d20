// What differs between the protocol generations the emulator speaks, as one small table per
// generation (0.4: the engine itself; 0.5: the gateway of pie-server 0.5.2; 0.6: that gateway
// with the 0.6 vocabulary of pie-client-api 0.6.0). The core reads these; it never branches on
// the generation name.
import type { ClientMessageType } from '../client-messages.js';

/**
 * A protocol generation of PieEmulator.
 *
 * @example
 * ```ts
 * const emu = await PieEmulator.start({ generation: '0.5' });
 * ```
 */
export type PieGeneration = '0.4' | '0.5' | '0.6';

/** The per-generation facts the emulator core consults. */
export interface GenerationProfile {
  readonly generation: PieGeneration;
  /** Fronted by the gateway: `/v1/ws`, `x-pie-identity`, HTTP routes, no auth step, text frames. */
  readonly gateway: boolean;
  /** Gateway decoder: the kinds it knows, in the order its "unknown variant" text lists them (0.4 uses the engine decoder of client-messages.ts). */
  readonly kinds: readonly ClientMessageType[];
  /** `add_program` carries a TOML `manifest` (0.4/0.5) or a `file` name and `version` (0.6). */
  readonly addProgram: 'manifest' | 'file';
  /** `launch_process` also decodes `props`, `session` and `files`. */
  readonly launchExtras: boolean;
  /** `file` frames carry a `name` (str or nil). */
  readonly fileName: boolean;
}

const GATEWAY_KINDS = [
  'auth_identify',
  'auth_prove',
  'check_program',
  'query',
  'add_program',
  'launch_process',
  'attach_process',
  'terminate_process',
  'signal_process',
  'transfer_file',
  'list_processes',
  'ping',
] as const satisfies readonly ClientMessageType[];

/**
 * The profile of each generation.
 *
 * @example
 * ```ts
 * GENERATIONS['0.5'].kinds.length; // => 12
 * ```
 */
export const GENERATIONS: Readonly<Record<PieGeneration, GenerationProfile>> = {
  '0.4': { generation: '0.4', gateway: false, kinds: [], addProgram: 'manifest', launchExtras: false, fileName: false },
  '0.5': { generation: '0.5', gateway: true, kinds: GATEWAY_KINDS, addProgram: 'manifest', launchExtras: false, fileName: true },
  '0.6': { generation: '0.6', gateway: true, kinds: GATEWAY_KINDS, addProgram: 'file', launchExtras: true, fileName: true },
};

import { PieUnsupportedError } from '../../../model/pie/errors.js';
import type { PieGeneration } from '../../../transport/ws/generations.js';
import type { PieGenerationTracker } from './generation-tracker.js';

/**
 * An operation or option that only some generations have.
 * - `tokenAuth`, `keyAuth`: the `{ token }` and `{ username, key }` credentials (0.4; a
 *   gateway takes its identity from `x-pie-identity` instead).
 * - `launchProcesses`, `runProcesses`, `launchDaemon`, `workflows`, `mcp`, `tokenBudget`: 0.4 only.
 * - `identity`: the `x-pie-identity` header (gateways).
 * - `fileNames`: incoming files carry the sender's name (gateways).
 * - `props`, `session`, `launchFiles`: launch options of 0.6.
 */
export type PieCapability =
  | 'tokenAuth'
  | 'keyAuth'
  | 'launchProcesses'
  | 'runProcesses'
  | 'launchDaemon'
  | 'workflows'
  | 'mcp'
  | 'tokenBudget'
  | 'identity'
  | 'fileNames'
  | 'props'
  | 'session'
  | 'launchFiles';

const TABLE: Readonly<Record<PieGeneration, readonly PieCapability[]>> = {
  '0.4': ['tokenAuth', 'keyAuth', 'launchProcesses', 'runProcesses', 'launchDaemon', 'workflows', 'mcp', 'tokenBudget'],
  '0.5': ['identity', 'fileNames'],
  '0.6': ['identity', 'fileNames', 'props', 'session', 'launchFiles'],
};

/**
 * The generation-specific capabilities of a generation (operations every generation has,
 * such as `ping`, `launchProcess`, `attachProcess`, `addProgram`, are not listed).
 *
 * @example
 * ```ts
 * import { capabilitiesOf } from 'flame-pie-rx/pie';
 * capabilitiesOf('0.5'); // => ['identity', 'fileNames']
 * ```
 */
export function capabilitiesOf(generation: PieGeneration): readonly PieCapability[] {
  return TABLE[generation];
}

/**
 * Throws `PieUnsupportedError` naming `operation` unless the tracker's generation has
 * `capability`. A client whose generation is not known yet is let through.
 *
 * @example
 * ```ts
 * import { PieGenerationTracker, requireCapability } from 'flame-pie-rx/pie';
 * requireCapability(new PieGenerationTracker('0.5'), 'workflows', 'submitWorkflow'); // throws PieUnsupportedError
 * ```
 */
export function requireCapability(tracker: PieGenerationTracker | undefined, capability: PieCapability, operation: string): void {
  const generation = tracker?.generation;
  if (generation === undefined || TABLE[generation].includes(capability)) return;
  const hint =
    tracker?.assumed && TABLE['0.6'].includes(capability)
      ? "this gateway was taken for 0.5; pass generation: '0.6' if it speaks 0.6"
      : generation !== '0.4' && TABLE['0.4'].includes(capability)
        ? 'it exists only on 0.4 engines'
        : undefined;
  throw new PieUnsupportedError({ operation, generation, ...(hint ? { hint } : {}) });
}

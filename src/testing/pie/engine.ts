// The engine-wide state every connection's handlers share.
import type { AuthorizedKey } from './auth-keys.js';
import type { DetachMode } from './process.js';
import type { ProcessTable } from './processes.js';
import type { ProgramStore } from './programs.js';
import type { WorkflowTable } from './workflow-table.js';

/** Resolved authentication configuration. */
export type EngineAuth = { mode: 'disabled' } | { mode: 'publicKey'; users: Map<string, AuthorizedKey[]> };

/**
 * Shared state of one emulated engine.
 *
 * @example
 * ```ts
 * engine.programs.exists('echo@1.0.0');
 * ```
 */
export interface Engine {
  auth: EngineAuth;
  internalToken: string;
  /** Milliseconds to wait before answering a wrong token. */
  tokenFailureDelayMs(): number;
  programs: ProgramStore;
  processes: ProcessTable;
  workflows: WorkflowTable;
  models: readonly string[];
  registryUrl: string;
  /** False: the registry cannot be reached (unknown programs get the connection-error text). */
  registryReachable?: boolean;
  /** Simulated compile time of the final `add_program` chunk (blocks that connection). */
  installDelayMs: number;
  detachMode: DetachMode;
  sleep(ms: number): Promise<void>;
}

// The per-version tables (flame-0.7.md 5.1.2, 5.1.4): which RPC each version-dependent
// operation calls, and what each version offers.
import type { FlameVersion } from '../../model/flame/version-errors.js';

/**
 * The RPC (grpc-js method name) each version-dependent operation calls.
 *
 * @example
 * ```ts
 * import { FLAME_METHOD_TABLES } from 'flame-pie-rx/flame';
 * FLAME_METHOD_TABLES['0.6'].listSessions; // => 'listSession'
 * FLAME_METHOD_TABLES['0.7'].listSessions; // => 'listSessions'
 * ```
 */
export const FLAME_METHOD_TABLES = {
  '0.6': {
    listApplications: 'listApplication',
    listExecutors: 'listExecutor',
    listSessions: 'listSession',
    listTasks: 'listTask',
    watchTask: 'watchTask',
  },
  '0.7': {
    listApplications: 'listApplications',
    listExecutors: 'listExecutors',
    listSessions: 'listSessions',
    listTasks: 'listTasks',
    watchTask: 'watchTasks',
  },
} as const;

/** What a Flame version offers beyond 0.6 (flame-0.7.md 5.1.4). */
export interface FlameCapabilities {
  /** SuspendSession/ResumeSession and the Suspending/Suspended states. */
  readonly suspendResume: boolean;
  /** Session `tokens` delivered to services. */
  readonly sessionTokens: boolean;
  /** Gang scheduling: a session `batchSize` above 1. */
  readonly gangBatchSize: boolean;
  /** Task `affinity` keys. */
  readonly taskAffinity: boolean;
  /** Server-side filters of ListApplications/ListSessions. */
  readonly listFilters: boolean;
  /** One WatchTasks stream per session instead of one WatchTask stream per task. */
  readonly sharedTaskWatch: boolean;
  /** Terminal watch updates carry the task's events (failure message). */
  readonly watchEvents: boolean;
  /** The `Cri` application shim. */
  readonly criShim: boolean;
}

/**
 * The capabilities of each version.
 *
 * @example
 * ```ts
 * import { FLAME_CAPABILITIES } from 'flame-pie-rx/flame';
 * FLAME_CAPABILITIES['0.6'].suspendResume; // => false
 * ```
 */
export const FLAME_CAPABILITIES: Readonly<Record<FlameVersion, FlameCapabilities>> = {
  '0.6': {
    suspendResume: false,
    sessionTokens: false,
    gangBatchSize: false,
    taskAffinity: false,
    listFilters: false,
    sharedTaskWatch: false,
    watchEvents: false,
    criShim: false,
  },
  '0.7': {
    suspendResume: true,
    sessionTokens: true,
    gangBatchSize: true,
    taskAffinity: true,
    listFilters: true,
    sharedTaskWatch: true,
    watchEvents: true,
    criShim: true,
  },
};

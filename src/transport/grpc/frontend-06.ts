// The Flame 0.6 Frontend as a grpc-js service definition, built from the generated 0.7 one
// (flame-0.7.md 5.1.2): the 13 RPCs both versions serve under the same path are taken as
// they are; the five 0.6 names get their own paths with the wire-identical 0.7 message
// types; SuspendSession/ResumeSession do not exist in 0.6.
import { FrontendService } from '../../gen/flame/v1/frontend.js';

const PREFIX = '/flame.v1.Frontend/';

function at<D extends { readonly path: string }>(definition: D, name: string): Omit<D, 'path'> & { readonly path: string } {
  return { ...definition, path: `${PREFIX}${name}` };
}

const {
  listApplications,
  listExecutors,
  listSessions,
  listTasks,
  watchTasks,
  suspendSession: _suspend,
  resumeSession: _resume,
  ...shared
} = FrontendService;

/**
 * The 18 RPCs of the Flame 0.6 Frontend, keyed by their grpc-js method names
 * (`listApplication`, `watchTask`, …), for clients and servers of 0.6. WatchTask is a
 * server stream of one task; the other four renamed RPCs take the 0.7 messages, which
 * encode the same as their 0.6 counterparts when no filter is set.
 *
 * @example
 * ```ts
 * import { FrontendService06 } from 'flame-pie-rx/flame';
 * FrontendService06.watchTask.path; // => '/flame.v1.Frontend/WatchTask'
 * FrontendService06.watchTask.requestStream; // => false
 * ```
 */
export const FrontendService06 = {
  ...shared,
  listApplication: at(listApplications, 'ListApplication'),
  listExecutor: at(listExecutors, 'ListExecutor'),
  listSession: at(listSessions, 'ListSession'),
  watchTask: {
    ...at(watchTasks, 'WatchTask'),
    requestStream: false as const,
  },
  listTask: at(listTasks, 'ListTask'),
} as const;

/**
 * The 20 RPCs of the Flame 0.7 Frontend (the generated `FrontendService`).
 *
 * @example
 * ```ts
 * import { FrontendService07 } from 'flame-pie-rx/flame';
 * FrontendService07.watchTasks.requestStream; // => true
 * ```
 */
export const FrontendService07 = FrontendService;

/**
 * Every Frontend method either version serves, by grpc-js method name: the 0.7 names and
 * the five 0.6-only ones. What `flameMethod` looks names up in.
 *
 * @example
 * ```ts
 * import { FLAME_FRONTEND_METHODS } from 'flame-pie-rx/flame';
 * FLAME_FRONTEND_METHODS.listSession.path; // => '/flame.v1.Frontend/ListSession'
 * FLAME_FRONTEND_METHODS.listSessions.path; // => '/flame.v1.Frontend/ListSessions'
 * ```
 */
export const FLAME_FRONTEND_METHODS = {
  ...FrontendService07,
  listApplication: FrontendService06.listApplication,
  listExecutor: FrontendService06.listExecutor,
  listSession: FrontendService06.listSession,
  watchTask: FrontendService06.watchTask,
  listTask: FrontendService06.listTask,
} as const;

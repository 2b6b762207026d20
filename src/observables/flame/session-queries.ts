import { Observable, map } from 'rxjs';
import { sessionFromProto } from '../../model/flame/convert.js';
import { sessionStates } from '../../model/flame/convert-scalars.js';
import type { Session, SessionState } from '../../model/flame/types.js';
import type { ListSessionsRequest } from '../../gen/flame/v1/frontend.js';
import { unaryCall } from '../../transport/grpc/unary.js';
import type { FlameClientCallOptions, FlameClientContext } from './context.js';
import { compareText } from './order.js';
import { FLAME_METHOD_TABLES, requireFlame07, withVersion } from './protocol.js';

/**
 * Filter of `listSessions`, applied by a Flame 0.7 server (on 0.6:
 * `FlameUnsupportedFeatureError`). Every given field must match.
 */
export interface SessionFilter {
  /** Only sessions of this application. */
  readonly application?: string;
  /** Only sessions in this state. */
  readonly state?: SessionState;
  /** Only these sessions (an empty list is no filter). */
  readonly ids?: readonly string[];
}

/**
 * GetSession, with live counters and session events (1001/1002 bind failures). Unknown id:
 * `FlameNotFoundError`.
 *
 * @example
 * ```ts
 * import { getSession } from 'flame-pie-rx/flame';
 * getSession(context, 'echo-a1B2c3').subscribe((s) => console.log(s.state, s.succeed));
 * ```
 */
export function getSession(
  context: FlameClientContext,
  sessionId: string,
  call: FlameClientCallOptions = {},
): Observable<Session> {
  return unaryCall(context.channel, 'getSession', { sessionId }, call).pipe(map(sessionFromProto));
}

/**
 * ListSessions (0.7) or ListSession (0.6): open and closed sessions in memory, as one
 * array sorted by id. A `filter` is applied by a 0.7 server; on 0.6 it errors with
 * `FlameUnsupportedFeatureError`.
 *
 * @example
 * ```ts
 * import { listSessions } from 'flame-pie-rx/flame';
 * listSessions(context).subscribe((sessions) => console.log(sessions.length));
 * listSessions(context, {}, { application: 'echo', state: 'Open' }); // 0.7 only
 * ```
 */
export function listSessions(
  context: FlameClientContext,
  call: FlameClientCallOptions = {},
  filter: SessionFilter = {},
): Observable<Session[]> {
  return withVersion(context.channel, (version) => {
    const request = sessionFilterToProto(filter);
    if (request.application !== undefined || request.state !== undefined || request.ids.length > 0) {
      requireFlame07(version, 'listSessions filter');
    }
    return unaryCall(context.channel, FLAME_METHOD_TABLES[version].listSessions, request, call);
  }, call).pipe(map((list) => list.sessions.map(sessionFromProto).sort((a, b) => compareText(a.id, b.id))));
}

function sessionFilterToProto(filter: SessionFilter): ListSessionsRequest {
  return {
    ...(filter.application === undefined ? {} : { application: filter.application }),
    ...(filter.state === undefined ? {} : { state: sessionStates.toProto(filter.state) }),
    ids: [...(filter.ids ?? [])],
  };
}

/**
 * SuspendSession (Flame 0.7): an Open session stops scheduling; running tasks finish, its
 * executors leave, pending tasks stay queued. Emits the session as the server answers (it
 * may still be `Suspending`; it becomes `Suspended` once drained). Watches of its tasks
 * stay open. On 0.6: `FlameUnsupportedFeatureError`, nothing sent.
 *
 * @example
 * ```ts
 * import { suspendSession } from 'flame-pie-rx/flame';
 * suspendSession(context, 'echo-a1B2c3').subscribe((s) => console.log(s.state)); // 'Suspending' or 'Suspended'
 * ```
 */
export function suspendSession(
  context: FlameClientContext,
  sessionId: string,
  call: FlameClientCallOptions = {},
): Observable<Session> {
  return withVersion(context.channel, (version) => {
    requireFlame07(version, 'suspendSession');
    return unaryCall(context.channel, 'suspendSession', { sessionId }, call);
  }, call).pipe(map(sessionFromProto));
}

/**
 * ResumeSession (Flame 0.7): a Suspended session is scheduled again (Open); resuming an
 * Open session succeeds and changes nothing. On 0.6: `FlameUnsupportedFeatureError`.
 *
 * @example
 * ```ts
 * import { resumeSession } from 'flame-pie-rx/flame';
 * resumeSession(context, 'echo-a1B2c3').subscribe((s) => console.log(s.state)); // 'Open'
 * ```
 */
export function resumeSession(
  context: FlameClientContext,
  sessionId: string,
  call: FlameClientCallOptions = {},
): Observable<Session> {
  return withVersion(context.channel, (version) => {
    requireFlame07(version, 'resumeSession');
    return unaryCall(context.channel, 'resumeSession', { sessionId }, call);
  }, call).pipe(map(sessionFromProto));
}

/**
 * CloseSession: Pending tasks become Cancelled; refused with `FlameInternalError` while a
 * task is Running (wait for it, then close). Closing again succeeds.
 *
 * @example
 * ```ts
 * import { closeSession } from 'flame-pie-rx/flame';
 * closeSession(context, 'echo-a1B2c3').subscribe((s) => console.log(s.state)); // Closed
 * ```
 */
export function closeSession(
  context: FlameClientContext,
  sessionId: string,
  call: FlameClientCallOptions = {},
): Observable<Session> {
  return unaryCall(context.channel, 'closeSession', { sessionId }, call).pipe(map(sessionFromProto));
}

/**
 * DeleteSession: removes a Closed session whose tasks are all terminal; emits the session as
 * it was. An open session errors with `FlameInternalError`.
 *
 * @example
 * ```ts
 * import { deleteSession } from 'flame-pie-rx/flame';
 * deleteSession(context, 'echo-a1B2c3').subscribe();
 * ```
 */
export function deleteSession(
  context: FlameClientContext,
  sessionId: string,
  call: FlameClientCallOptions = {},
): Observable<Session> {
  return unaryCall(context.channel, 'deleteSession', { sessionId }, call).pipe(map(sessionFromProto));
}

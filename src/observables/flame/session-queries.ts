import { Observable, map } from 'rxjs';
import { sessionFromProto } from '../../model/flame/convert.js';
import type { Session } from '../../model/flame/types.js';
import { unaryCall } from '../../transport/grpc/unary.js';
import type { FlameClientCallOptions, FlameClientContext } from './context.js';
import { compareText } from './order.js';

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
 * ListSession (open and closed sessions in memory), as one array sorted by id.
 *
 * @example
 * ```ts
 * import { listSessions } from 'flame-pie-rx/flame';
 * listSessions(context).subscribe((sessions) => console.log(sessions.length));
 * ```
 */
export function listSessions(context: FlameClientContext, call: FlameClientCallOptions = {}): Observable<Session[]> {
  return unaryCall(context.channel, 'listSession', {}, call).pipe(
    map((list) => list.sessions.map(sessionFromProto).sort((a, b) => compareText(a.id, b.id))),
  );
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

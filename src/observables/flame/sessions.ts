import { Observable, defer, map } from 'rxjs';
import { sessionFromProto, sessionSpecToProto } from '../../model/flame/convert.js';
import {
  SessionOptions,
  assertSameSessionId,
  resolveSessionOptions,
  validateSessionId,
} from '../../model/flame/session-options.js';
import type { ResolvedSessionOptions } from '../../model/flame/session-options.js';
import { unaryCall } from '../../transport/grpc/unary.js';
import type { FlameClientCallOptions, FlameClientContext } from './context.js';
import { requireFlame07, withVersion } from './protocol.js';
import { FlameSession } from './session-handle.js';

/**
 * CreateSession with the defaults of spec 4.2 (a generated id `<application>-<6 chars>`
 * unless `id` is given; a plain string is the application name); emits a `FlameSession`.
 * Bad options error with `SessionOptionsError` or `ResourceRequirementParseError` before
 * any call; an unknown application with `FlameNotFoundError`; a taken id with
 * `FlameAlreadyExistsError`.
 *
 * @example
 * ```ts
 * import { createSession } from 'flame-pie-rx/flame';
 * createSession(client, { application: 'echo', resreq: 'cpu=1,mem=1g' }).subscribe((s) => console.log(s.id));
 * ```
 */
export function createSession(
  context: FlameClientContext,
  options: SessionOptions | string,
  call: FlameClientCallOptions = {},
): Observable<FlameSession> {
  return defer(() => {
    const resolved = resolveSessionOptions(options);
    return gated(context, resolved, call, () =>
      unaryCall(context.channel, 'createSession', { sessionId: resolved.id, session: sessionSpecToProto(resolved) }, call),
    );
  }).pipe(map((proto) => new FlameSession(context, sessionFromProto(proto))));
}

/**
 * Runs `send` at once for options any version can carry; with 0.7-only options (tokens, a
 * gang batch size) only after checking that the server speaks 0.7 (a 0.6 server would drop
 * them silently).
 */
function gated<T>(
  context: FlameClientContext,
  resolved: ResolvedSessionOptions,
  call: FlameClientCallOptions,
  send: () => Observable<T>,
): Observable<T> {
  if (resolved.tokens === undefined && resolved.batchSize <= 1) return send();
  return withVersion(
    context.channel,
    (version) => {
      if (resolved.tokens !== undefined) requireFlame07(version, 'session tokens');
      if (resolved.batchSize > 1) requireFlame07(version, 'session batchSize > 1 (gang scheduling)');
      return send();
    },
    call,
  );
}

/**
 * OpenSession without a spec: the session must exist and be Open (`FlameNotFoundError`
 * for an unknown id, `FlameInvalidArgumentError` for a closed one; a malformed id is
 * refused with `SessionOptionsError` before any call).
 *
 * @example
 * ```ts
 * import { openSession } from 'flame-pie-rx/flame';
 * openSession(client, 'echo-a1B2c3').subscribe((s) => console.log(s.info.pending));
 * ```
 */
export function openSession(
  context: FlameClientContext,
  sessionId: string,
  call: FlameClientCallOptions = {},
): Observable<FlameSession> {
  return defer(() => unaryCall(context.channel, 'openSession', { sessionId: validateSessionId(sessionId) }, call)).pipe(
    map((proto) => new FlameSession(context, sessionFromProto(proto))),
  );
}

/**
 * OpenSession with a spec (get-or-create, spec 3.4.7): the Open session `sessionId` if its
 * spec matches, otherwise a new one. A mismatch (application, resreq, min/max instances,
 * priority; the server compares RESOLVED values, so give the same resreq and priority as
 * at creation) errors with `FlameInvalidArgumentError`; `options.id`, when given, must equal
 * `sessionId` (`SessionOptionsError`); a closed session is not reopened.
 *
 * @example
 * ```ts
 * import { openOrCreateSession } from 'flame-pie-rx/flame';
 * openOrCreateSession(client, 'nightly-report', { application: 'echo' }).subscribe((s) => console.log(s.id));
 * ```
 */
export function openOrCreateSession(
  context: FlameClientContext,
  sessionId: string,
  options: SessionOptions | string,
  call: FlameClientCallOptions = {},
): Observable<FlameSession> {
  return defer(() => {
    assertSameSessionId(sessionId, options);
    const base = typeof options === 'string' ? { application: options } : options;
    const resolved = resolveSessionOptions({ ...base, id: sessionId });
    return gated(context, resolved, call, () =>
      unaryCall(context.channel, 'openSession', { sessionId: resolved.id, session: sessionSpecToProto(resolved) }, call),
    );
  }).pipe(map((proto) => new FlameSession(context, sessionFromProto(proto))));
}

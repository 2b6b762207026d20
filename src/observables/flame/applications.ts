import { Observable, defer, map } from 'rxjs';
import { checkApplicationResult } from '../../model/flame/errors.js';
import { applicationFromProto, applicationSpecToProto } from '../../model/flame/convert.js';
import { applicationStates } from '../../model/flame/convert-scalars.js';
import type { Application, ApplicationSpecInput, ApplicationState } from '../../model/flame/types.js';
import { unaryCall } from '../../transport/grpc/unary.js';
import type { FlameClientCallOptions, FlameClientContext } from './context.js';
import { compareText } from './order.js';
import { FLAME_METHOD_TABLES, requireFlame07, withVersion } from './protocol.js';

/** Filter of `listApplications` (Flame 0.7; on 0.6 `FlameUnsupportedFeatureError`). */
export interface ApplicationFilter {
  /** Only applications in this state. */
  readonly state?: ApplicationState;
}

/**
 * RegisterApplication. Emits once (`undefined`) on success; a `Result` with a non-zero
 * return code (a bad name, a duplicate) errors with `ApplicationRequestError`; a bad spec
 * errors with `FlameInvalidArgumentError` (server) or `ApplicationSpecError` (client).
 *
 * @example
 * ```ts
 * import { registerApplication } from 'flame-pie-rx/flame';
 * registerApplication(context, 'echo', { command: '/usr/bin/echo-service' }).subscribe();
 * ```
 */
export function registerApplication(
  context: FlameClientContext,
  name: string,
  spec: ApplicationSpecInput,
  call: FlameClientCallOptions = {},
): Observable<void> {
  return writeApplication(context, 'registerApplication', name, spec, call);
}

/**
 * UpdateApplication: replaces the whole spec (not a merge). Refused (`ApplicationRequestError`)
 * while the application has open sessions or when it is unknown.
 *
 * @example
 * ```ts
 * import { updateApplication } from 'flame-pie-rx/flame';
 * updateApplication(context, 'echo', { command: '/usr/bin/echo-service', maxInstances: 4 }).subscribe();
 * ```
 */
export function updateApplication(
  context: FlameClientContext,
  name: string,
  spec: ApplicationSpecInput,
  call: FlameClientCallOptions = {},
): Observable<void> {
  return writeApplication(context, 'updateApplication', name, spec, call);
}

/** Register and Update send the same request and read the same in-band `Result`. */
function writeApplication(
  context: FlameClientContext,
  method: 'registerApplication' | 'updateApplication',
  name: string,
  spec: ApplicationSpecInput,
  call: FlameClientCallOptions,
): Observable<void> {
  const operation = method === 'registerApplication' ? 'RegisterApplication' : 'UpdateApplication';
  // defer: converting the spec may throw (a bad maxInstances); that is an error of the Observable.
  return defer(() => unaryCall(context.channel, method, { name, application: applicationSpecToProto(spec) }, call)).pipe(
    map((result) => checkApplicationResult(result, operation, name)),
  );
}

/**
 * UnregisterApplication. Refused (`ApplicationRequestError`) while the application has open
 * sessions or when it is unknown; its closed sessions disappear with it.
 *
 * @example
 * ```ts
 * import { unregisterApplication } from 'flame-pie-rx/flame';
 * unregisterApplication(context, 'echo').subscribe();
 * ```
 */
export function unregisterApplication(
  context: FlameClientContext,
  name: string,
  call: FlameClientCallOptions = {},
): Observable<void> {
  return unaryCall(context.channel, 'unregisterApplication', { name }, call).pipe(
    map((result) => checkApplicationResult(result, 'UnregisterApplication', name)),
  );
}

/**
 * GetApplication; an unknown name errors with `FlameNotFoundError`.
 *
 * @example
 * ```ts
 * import { getApplication } from 'flame-pie-rx/flame';
 * getApplication(context, 'flmping').subscribe((app) => console.log(app.state));
 * ```
 */
export function getApplication(
  context: FlameClientContext,
  name: string,
  call: FlameClientCallOptions = {},
): Observable<Application> {
  return unaryCall(context.channel, 'getApplication', { name }, call).pipe(map(applicationFromProto));
}

/**
 * ListApplications (0.7) or ListApplication (0.6), as one array sorted by name (the
 * server's order is unspecified). A `filter` is applied by a 0.7 server; on 0.6 it errors
 * with `FlameUnsupportedFeatureError`.
 *
 * @example
 * ```ts
 * import { listApplications } from 'flame-pie-rx/flame';
 * listApplications(context).subscribe((apps) => console.log(apps.map((a) => a.name)));
 * listApplications(context, {}, { state: 'Disabled' }); // 0.7 only
 * ```
 */
export function listApplications(
  context: FlameClientContext,
  call: FlameClientCallOptions = {},
  filter: ApplicationFilter = {},
): Observable<Application[]> {
  return withVersion(context.channel, (version) => {
    const filtered = filter.state !== undefined;
    if (filtered) requireFlame07(version, 'listApplications filter');
    const request = filtered ? { state: applicationStates.toProto(filter.state!) } : {};
    return unaryCall(context.channel, FLAME_METHOD_TABLES[version].listApplications, request, call);
  }, call).pipe(map((list) => list.applications.map(applicationFromProto).sort((a, b) => compareText(a.name, b.name))));
}

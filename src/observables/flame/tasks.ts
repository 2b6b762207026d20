import { Observable, defer, map } from 'rxjs';
import { taskFromProto } from '../../model/flame/convert.js';
import { bytesToProto } from '../../model/flame/convert-scalars.js';
import { type AffinityKey, resolveAffinity } from '../../model/flame/affinity.js';
import type { Task } from '../../model/flame/types.js';
import { serverStreamCall } from '../../transport/grpc/server-stream.js';
import { unaryCall, unaryCallMapped } from '../../transport/grpc/unary.js';
import type { FlameClientCallOptions, FlameClientContext } from './context.js';
import { checkTaskIdentity } from './task-identity.js';
import { FLAME_METHOD_TABLES, requireFlame07, withVersion } from './protocol.js';

const NO_KEYS: Buffer[] = [];

/** Options of `createTask`: the call's, plus what the task itself carries. */
export interface CreateTaskOptions extends FlameClientCallOptions {
  /**
   * Flame 0.7: the task's affinity keys (bytes or UTF-8 text), a soft preference for
   * executors that hold them; checked client-side (`TaskAffinityError`) and deduplicated.
   * On a 0.6 server: `FlameUnsupportedFeatureError` (0.6 would drop them silently).
   */
  readonly affinity?: Iterable<AffinityKey>;
}

/**
 * CreateTask: emits the new task (Pending, no events). Each subscription creates another
 * task: Flame has no idempotency key, so do not blindly retry this call. Unknown session:
 * `FlameNotFoundError`; closed session: `FlameInvalidArgumentError`.
 *
 * @example
 * ```ts
 * import { createTask } from 'flame-pie-rx/flame';
 * createTask(context, 'echo-a1B2c3', new TextEncoder().encode('hi')).subscribe((t) => console.log(t.id));
 * createTask(context, 'echo-a1B2c3', undefined, { affinity: ['block-7'] }); // 0.7 only
 * ```
 */
export function createTask(
  context: FlameClientContext,
  sessionId: string,
  input?: Uint8Array,
  call: CreateTaskOptions = {},
): Observable<Task> {
  const affinity = call.affinity;
  if (affinity === undefined) {
    return defer(() =>
      unaryCallMapped(
        context.channel,
        'createTask',
        { task: { sessionId, input: bytesToProto(input), affinity: NO_KEYS } },
        call,
        taskFromProto,
      ),
    );
  }
  const { affinity: _keys, ...callOptions } = call;
  return defer(() => {
    const keys = resolveAffinity(affinity).map((k) => Buffer.from(k.buffer, k.byteOffset, k.byteLength));
    return withVersion(context.channel, (version) => {
      if (keys.length > 0) requireFlame07(version, 'task affinity');
      return unaryCall(context.channel, 'createTask', { task: { sessionId, input: bytesToProto(input), affinity: keys } }, callOptions);
    });
  }).pipe(map(taskFromProto));
}

/**
 * GetTask: the task with its full event history (the only call that returns task events,
 * hence the only source of a failure message). A non-numeric task id errors with
 * `FlameInvalidArgumentError`; unknown ids with `FlameNotFoundError`; an answer about another
 * task or session with `FlameTaskMismatchError`.
 *
 * @example
 * ```ts
 * import { getTask } from 'flame-pie-rx/flame';
 * getTask(context, 'echo-a1B2c3', '1').subscribe((t) => console.log(t.state, t.events.length));
 * ```
 */
export function getTask(
  context: FlameClientContext,
  sessionId: string,
  taskId: string,
  call: FlameClientCallOptions = {},
): Observable<Task> {
  const expected = { sessionId, taskId };
  return unaryCall(context.channel, 'getTask', expected, call).pipe(
    map((message) => checkTaskIdentity('GetTask', expected, taskFromProto(message))),
  );
}

/**
 * ListTask: a stream of every task of the session (a snapshot, in no particular order;
 * sort by `compareTaskIds` if order matters), then complete. Tasks carry no events.
 * Unknown session: `FlameNotFoundError`.
 *
 * @example
 * ```ts
 * import { listTasks } from 'flame-pie-rx/flame';
 * import { toArray } from 'rxjs';
 * listTasks(context, 'echo-a1B2c3').pipe(toArray()).subscribe((tasks) => console.log(tasks.length));
 * ```
 */
export function listTasks(
  context: FlameClientContext,
  sessionId: string,
  call: FlameClientCallOptions = {},
): Observable<Task> {
  return withVersion(context.channel, (version) =>
    serverStreamCall(context.channel, FLAME_METHOD_TABLES[version].listTasks, { sessionId }, call),
  ).pipe(map(taskFromProto));
}

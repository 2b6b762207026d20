// Conversions between the generated Flame messages (src/gen, bigint and Buffer) and the
// model (number, Date, Uint8Array, string unions): tasks, sessions, events, resources.
// Applications, executors and nodes live in convert-cluster.ts and are re-exported here.
import type {
  Event as ProtoEvent,
  Session as ProtoSession,
  SessionSpec as ProtoSessionSpec,
  Task as ProtoTask,
} from '../../gen/flame/v1/types.js';
import {
  bytesFromProto,
  bytesToProto,
  dateFromEpochMs,
  epochMsFromDate,
  isEpochMsDate,
  required,
  sessionStates,
  taskStates,
} from './convert-scalars.js';
import { resreqFromProto, resreqToProto } from './convert-resreq.js';
import type { ResolvedSessionOptions } from './session-options.js';
import type { FlameEvent, Session, Task } from './types.js';

export * from './convert-cluster.js';
export { resreqFromProto, resreqToProto } from './convert-resreq.js';

/**
 * A wire event as a `FlameEvent` (epoch-ms time → Date).
 *
 * @example
 * ```ts
 * import { eventFromProto } from 'flame-pie-rx/flame';
 * eventFromProto({ code: 0, creationTime: 1700000000000n }).creationTime.toISOString(); // => '2023-11-14T22:13:20.000Z'
 * ```
 */
export function eventFromProto(proto: ProtoEvent, field = 'Event'): FlameEvent {
  // Built field by field, without spread objects: every watched task converts its events.
  const event: FlameEvent = { code: proto.code } as FlameEvent;
  if (proto.message !== undefined) event.message = proto.message;
  event.creationTime = dateFromEpochMs(proto.creationTime, `${field}.creationTime`);
  return event;
}

/** A task's events; the field path of an event is only spelled out when it is wrong. */
function eventsFromProto(events: readonly ProtoEvent[]): FlameEvent[] {
  const out = new Array<FlameEvent>(events.length);
  for (let i = 0; i < events.length; i++) {
    const proto = events[i]!;
    const event: FlameEvent = { code: proto.code } as FlameEvent;
    if (proto.message !== undefined) event.message = proto.message;
    event.creationTime = isEpochMsDate(proto.creationTime)
      ? new Date(Number(proto.creationTime))
      : dateFromEpochMs(proto.creationTime, `Task.status.events[${i}].creationTime`);
    out[i] = event;
  }
  return out;
}

/**
 * A `FlameEvent` for the wire.
 *
 * @example
 * ```ts
 * import { eventToProto } from 'flame-pie-rx/flame';
 * eventToProto({ code: 1, creationTime: new Date(5) }); // => { code: 1, message: undefined, creationTime: 5n }
 * ```
 */
export function eventToProto(event: FlameEvent): ProtoEvent {
  return { code: event.code, message: event.message, creationTime: epochMsFromDate(event.creationTime) };
}

/**
 * A wire task as a `Task`. Missing metadata/spec/status or an unknown state throws
 * `FlameDecodeError`; empty input/output read as absent.
 *
 * @example
 * ```ts
 * import { taskFromProto } from 'flame-pie-rx/flame';
 * const task = taskFromProto(protoTask); // protoTask from GetTask, WatchTask, ListTask, CreateTask
 * task.state; // e.g. 'Succeed'
 * ```
 */
export function taskFromProto(proto: ProtoTask): Task {
  const metadata = required(proto.metadata, 'Task.metadata');
  const spec = required(proto.spec, 'Task.spec');
  const status = required(proto.status, 'Task.status');
  // Built field by field in the order of `Task`, without spread objects: every message of
  // every watch goes through here.
  const task: Task = { id: metadata.id, sessionId: spec.sessionId, state: taskStates.fromProto(status.state, 'Task.status.state') } as Task;
  const input = bytesFromProto(spec.input);
  if (input !== undefined) task.input = input;
  const output = bytesFromProto(spec.output);
  if (output !== undefined) task.output = output;
  task.creationTime = dateFromEpochMs(status.creationTime, 'Task.status.creationTime');
  if (status.completionTime !== undefined) task.completionTime = dateFromEpochMs(status.completionTime, 'Task.status.completionTime');
  task.events = status.events.length === 0 ? [] : eventsFromProto(status.events);
  if (spec.affinity !== undefined && spec.affinity.length > 0) task.affinity = spec.affinity.map(plainBytes);
  return task;
}

/** Wire bytes as a plain Uint8Array view (no copy), empty kept as empty. */
function plainBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A `Task` as a wire message (metadata name = id, as the server sends it).
 *
 * @example
 * ```ts
 * import { taskToProto } from 'flame-pie-rx/flame';
 * taskToProto({ id: '1', sessionId: 's', state: 'Pending', creationTime: new Date(0), events: [] }).metadata;
 * // => { id: '1', name: '1' }
 * ```
 */
export function taskToProto(task: Task): ProtoTask {
  return {
    metadata: { id: task.id, name: task.id },
    spec: {
      sessionId: task.sessionId,
      input: bytesToProto(task.input),
      output: bytesToProto(task.output),
      affinity: (task.affinity ?? []).map((key) => Buffer.from(key.buffer, key.byteOffset, key.byteLength)),
    },
    status: {
      state: taskStates.toProto(task.state),
      creationTime: epochMsFromDate(task.creationTime),
      completionTime: task.completionTime === undefined ? undefined : epochMsFromDate(task.completionTime),
      events: task.events.map(eventToProto),
    },
  };
}

/**
 * A wire session as a `Session`. The server always echoes a resolved resreq, so a missing
 * one (like missing metadata/spec/status or an unknown state) throws `FlameDecodeError`.
 *
 * @example
 * ```ts
 * import { sessionFromProto } from 'flame-pie-rx/flame';
 * const session = sessionFromProto(protoSession); // from GetSession, OpenSession, ListSession, …
 * session.state; // e.g. 'Open'
 * ```
 */
export function sessionFromProto(proto: ProtoSession): Session {
  const metadata = required(proto.metadata, 'Session.metadata');
  const spec = required(proto.spec, 'Session.spec');
  const status = required(proto.status, 'Session.status');
  const commonData = bytesFromProto(spec.commonData);
  return {
    id: metadata.id,
    application: spec.application,
    ...(commonData === undefined ? {} : { commonData }),
    minInstances: spec.minInstances,
    ...(spec.maxInstances === undefined ? {} : { maxInstances: spec.maxInstances }),
    batchSize: spec.batchSize,
    priority: spec.priority,
    resreq: resreqFromProto(required(spec.resreq, 'Session.spec.resreq'), 'Session.spec.resreq'),
    state: sessionStates.fromProto(status.state, 'Session.status.state'),
    creationTime: dateFromEpochMs(status.creationTime, 'Session.status.creationTime'),
    ...(status.completionTime === undefined
      ? {}
      : { completionTime: dateFromEpochMs(status.completionTime, 'Session.status.completionTime') }),
    pending: status.pending,
    running: status.running,
    succeed: status.succeed,
    failed: status.failed,
    cancelled: status.cancelled,
    events: status.events.map((e, i) => eventFromProto(e, `Session.status.events[${i}]`)),
  };
}

/**
 * A `Session` as a wire message, the way the server reports it.
 *
 * @example
 * ```ts
 * import { sessionToProto } from 'flame-pie-rx/flame';
 * sessionToProto(session).spec?.batchSize; // => 1
 * ```
 */
export function sessionToProto(session: Session): ProtoSession {
  return {
    metadata: { id: session.id, name: session.id },
    spec: {
      application: session.application,
      commonData: bytesToProto(session.commonData),
      minInstances: session.minInstances,
      maxInstances: session.maxInstances,
      batchSize: session.batchSize,
      priority: session.priority,
      resreq: resreqToProto(session.resreq),
      tokens: {},
    },
    status: {
      state: sessionStates.toProto(session.state),
      creationTime: epochMsFromDate(session.creationTime),
      completionTime: session.completionTime === undefined ? undefined : epochMsFromDate(session.completionTime),
      pending: session.pending,
      running: session.running,
      succeed: session.succeed,
      failed: session.failed,
      cancelled: session.cancelled,
      events: session.events.map(eventToProto),
    },
  };
}

/**
 * The `SessionSpec` for CreateSession / OpenSession from resolved options: the batch size
 * (1 unless a gang size was asked), tokens when given, max_instances and resreq only when
 * set (absent resreq = the server's default), empty common data sent as absent.
 *
 * @example
 * ```ts
 * import { resolveSessionOptions, sessionSpecToProto } from 'flame-pie-rx/flame';
 * const spec = sessionSpecToProto(resolveSessionOptions('flmping'));
 * spec.batchSize; // => 1
 * spec.resreq; // => undefined
 * ```
 */
export function sessionSpecToProto(resolved: ResolvedSessionOptions): ProtoSessionSpec {
  const spec: ProtoSessionSpec = {
    application: resolved.application,
    minInstances: resolved.minInstances,
    batchSize: resolved.batchSize,
    priority: resolved.priority,
    tokens: resolved.tokens?.toRecord() ?? {},
  };
  const commonData = bytesToProto(resolved.commonData);
  if (commonData !== undefined) spec.commonData = commonData;
  if (resolved.maxInstances !== undefined) spec.maxInstances = resolved.maxInstances;
  if (resolved.resreq !== undefined) spec.resreq = resreqToProto(resolved.resreq);
  return spec;
}

// Conversions for the cluster-level objects: applications (both directions), executors and
// nodes (from the wire, and back for servers and tests).
import type {
  Application as ProtoApplication,
  ApplicationSchema as ProtoApplicationSchema,
  ApplicationSpec as ProtoApplicationSpec,
  Executor as ProtoExecutor,
  Node as ProtoNode,
} from '../../gen/flame/v1/types.js';
import {
  applicationStates,
  dateFromEpochMs,
  epochMsFromDate,
  executorStates,
  nodeStates,
  numberFromInt64,
  required,
  shims,
} from './convert-scalars.js';
import { resreqFromProto, resreqToProto } from './convert-resreq.js';
import { ApplicationSpecError } from './errors.js';
import type {
  Application,
  ApplicationSchema,
  ApplicationSpec,
  ApplicationSpecInput,
  Environment,
  Executor,
  FlameNode,
} from './types.js';

/** Copies only the defined keys, so absent stays absent rather than `key: undefined`. */
function defined<T extends object>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

function schemaFromProto(schema: ProtoApplicationSchema): ApplicationSchema {
  return defined({ input: schema.input, output: schema.output, commonData: schema.commonData });
}

/**
 * A wire application spec as an `ApplicationSpec`; an empty working directory reads as
 * absent (spec 3.3.8).
 *
 * @example
 * ```ts
 * import { applicationSpecFromProto } from 'flame-pie-rx/flame';
 * applicationSpecFromProto({ shim: 0, labels: [], arguments: [], environments: [] }).shim; // => 'Host'
 * ```
 */
export function applicationSpecFromProto(proto: ProtoApplicationSpec, field = 'ApplicationSpec'): ApplicationSpec {
  return {
    shim: shims.fromProto(proto.shim, `${field}.shim`),
    labels: [...proto.labels],
    arguments: [...proto.arguments],
    environments: proto.environments.map((e) => ({ name: e.name, value: e.value })),
    ...defined({
      description: proto.description,
      image: proto.image,
      command: proto.command,
      workingDirectory: proto.workingDirectory === '' ? undefined : proto.workingDirectory,
      maxInstances: proto.maxInstances,
      delayRelease:
        proto.delayRelease === undefined ? undefined : numberFromInt64(proto.delayRelease, `${field}.delayRelease`),
      schema: proto.schema === undefined ? undefined : schemaFromProto(proto.schema),
      url: proto.url,
      installer: proto.installer,
    }),
  };
}

function environmentsOf(input: ApplicationSpecInput['environments']): Environment[] {
  if (input === undefined) return [];
  if (Array.isArray(input)) return (input as readonly Environment[]).map((e) => ({ name: e.name, value: e.value }));
  return Object.entries(input as Readonly<Record<string, string>>).map(([name, value]) => ({ name, value }));
}

/**
 * An application spec for RegisterApplication / UpdateApplication. Shim defaults to Host;
 * an empty working directory is sent as absent; a `maxInstances` that is not an unsigned
 * 32-bit integer or a `delayRelease` that is not a whole number of seconds throws
 * `ApplicationSpecError`.
 *
 * @example
 * ```ts
 * import { applicationSpecToProto } from 'flame-pie-rx/flame';
 * applicationSpecToProto({ command: '/usr/bin/svc', environments: { RUST_LOG: 'info' } }).environments;
 * // => [{ name: 'RUST_LOG', value: 'info' }]
 * ```
 */
export function applicationSpecToProto(spec: ApplicationSpecInput): ProtoApplicationSpec {
  const { maxInstances, delayRelease } = spec;
  if (maxInstances !== undefined && !(Number.isInteger(maxInstances) && maxInstances >= 0 && maxInstances <= 0xffffffff)) {
    throw new ApplicationSpecError(`maxInstances must be an unsigned 32-bit integer, got ${maxInstances}`);
  }
  if (delayRelease !== undefined && !(Number.isSafeInteger(delayRelease) && delayRelease >= 0)) {
    throw new ApplicationSpecError(`delayRelease must be a non-negative whole number of seconds, got ${delayRelease}`);
  }
  return {
    shim: shims.toProto(spec.shim ?? 'Host'),
    labels: [...(spec.labels ?? [])],
    arguments: [...(spec.arguments ?? [])],
    environments: environmentsOf(spec.environments),
    ...defined({
      description: spec.description,
      image: spec.image,
      command: spec.command,
      workingDirectory: spec.workingDirectory === '' ? undefined : spec.workingDirectory,
      maxInstances,
      delayRelease: delayRelease === undefined ? undefined : BigInt(delayRelease),
      schema: spec.schema === undefined ? undefined : { ...spec.schema },
      url: spec.url,
      installer: spec.installer,
    }),
  };
}

/**
 * A wire application as an `Application`.
 *
 * @example
 * ```ts
 * import { applicationFromProto } from 'flame-pie-rx/flame';
 * applicationFromProto(protoApplication).name; // e.g. 'flmping'
 * ```
 */
export function applicationFromProto(proto: ProtoApplication): Application {
  const metadata = required(proto.metadata, 'Application.metadata');
  const status = required(proto.status, 'Application.status');
  return {
    name: metadata.name || metadata.id,
    spec: applicationSpecFromProto(required(proto.spec, 'Application.spec'), 'Application.spec'),
    state: applicationStates.fromProto(status.state, 'Application.status.state'),
    creationTime: dateFromEpochMs(status.creationTime, 'Application.status.creationTime'),
  };
}

/**
 * An `Application` as a wire message, the way the server reports it.
 *
 * @example
 * ```ts
 * import { applicationToProto } from 'flame-pie-rx/flame';
 * applicationToProto(app).metadata; // => { id: app.name, name: app.name }
 * ```
 */
export function applicationToProto(app: Application): ProtoApplication {
  return {
    metadata: { id: app.name, name: app.name },
    spec: applicationSpecToProto(app.spec),
    status: { state: applicationStates.toProto(app.state), creationTime: epochMsFromDate(app.creationTime) },
  };
}

/**
 * A wire executor as an `Executor`.
 *
 * @example
 * ```ts
 * import { executorFromProto } from 'flame-pie-rx/flame';
 * executorFromProto(protoExecutor).state; // e.g. 'Bound'
 * ```
 */
export function executorFromProto(proto: ProtoExecutor): Executor {
  const metadata = required(proto.metadata, 'Executor.metadata');
  const spec = required(proto.spec, 'Executor.spec');
  const status = required(proto.status, 'Executor.status');
  return {
    id: metadata.id,
    node: spec.node,
    resreq: resreqFromProto(required(spec.resreq, 'Executor.spec.resreq'), 'Executor.spec.resreq'),
    shim: shims.fromProto(spec.shim, 'Executor.spec.shim'),
    state: executorStates.fromProto(status.state, 'Executor.status.state'),
    ...(status.sessionId === undefined ? {} : { sessionId: status.sessionId }),
    ...(spec.application ? { application: spec.application } : {}),
  };
}

/**
 * An `Executor` as a wire message.
 *
 * @example
 * ```ts
 * import { executorToProto } from 'flame-pie-rx/flame';
 * executorToProto(executor).status?.state; // e.g. 4 (ExecutorBound)
 * ```
 */
export function executorToProto(executor: Executor): ProtoExecutor {
  return {
    metadata: { id: executor.id, name: executor.id },
    spec: {
      node: executor.node,
      resreq: resreqToProto(executor.resreq),
      shim: shims.toProto(executor.shim),
      application: executor.application ?? '',
    },
    status: { state: executorStates.toProto(executor.state), sessionId: executor.sessionId },
  };
}

/**
 * A wire node as a `FlameNode`. `lastHeartbeatTime` is read as epoch seconds, as the proto
 * documents it (the server sends 0, which reads as the epoch).
 *
 * @example
 * ```ts
 * import { nodeFromProto } from 'flame-pie-rx/flame';
 * nodeFromProto(protoNode).capacity.cpu; // e.g. 8
 * ```
 */
export function nodeFromProto(proto: ProtoNode): FlameNode {
  const metadata = required(proto.metadata, 'Node.metadata');
  const spec = required(proto.spec, 'Node.spec');
  const status = required(proto.status, 'Node.status');
  const info = required(status.info, 'Node.status.info');
  const heartbeatSeconds = numberFromInt64(status.lastHeartbeatTime, 'Node.status.lastHeartbeatTime');
  return {
    name: metadata.name || metadata.id,
    hostname: spec.hostname,
    state: nodeStates.fromProto(status.state, 'Node.status.state'),
    capacity: resreqFromProto(required(status.capacity, 'Node.status.capacity'), 'Node.status.capacity'),
    allocatable: resreqFromProto(required(status.allocatable, 'Node.status.allocatable'), 'Node.status.allocatable'),
    arch: info.arch,
    os: info.os,
    addresses: status.addresses.map((a) => ({ type: a.type, address: a.address })),
    lastHeartbeatTime: dateFromEpochMs(BigInt(heartbeatSeconds) * 1000n, 'Node.status.lastHeartbeatTime'),
  };
}

/**
 * A `FlameNode` as a wire message (heartbeat time in whole epoch seconds).
 *
 * @example
 * ```ts
 * import { nodeToProto } from 'flame-pie-rx/flame';
 * nodeToProto(node).spec; // => { hostname: node.hostname }
 * ```
 */
export function nodeToProto(node: FlameNode): ProtoNode {
  return {
    metadata: { id: node.name, name: node.name },
    spec: { hostname: node.hostname },
    status: {
      state: nodeStates.toProto(node.state),
      capacity: resreqToProto(node.capacity),
      allocatable: resreqToProto(node.allocatable),
      info: { arch: node.arch, os: node.os },
      addresses: node.addresses.map((a) => ({ type: a.type, address: a.address })),
      lastHeartbeatTime: BigInt(Math.floor(node.lastHeartbeatTime.getTime() / 1000)),
    },
  };
}

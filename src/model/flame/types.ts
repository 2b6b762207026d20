import {
  DEFAULT_RESOURCE_REQUIREMENT,
  formatResourceRequirement,
  parseResourceRequirement,
  validateResourceRequirement,
} from './resreq.js';

/** A task's state. Note the spelling `Succeed`. Terminal: Succeed, Failed, Cancelled. */
export type TaskState = 'Pending' | 'Running' | 'Succeed' | 'Failed' | 'Cancelled';

/**
 * Whether a task state is terminal (Succeed, Failed or Cancelled: the task will not change
 * again).
 *
 * @example
 * ```ts
 * import { isTerminalTaskState } from 'flame-pie-rx/flame';
 * isTerminalTaskState('Cancelled'); // => true
 * isTerminalTaskState('Running'); // => false
 * ```
 */
export function isTerminalTaskState(state: TaskState): boolean {
  return state === 'Succeed' || state === 'Failed' || state === 'Cancelled';
}

/**
 * A session's state; a closed session cannot be opened again. Suspending (draining its
 * running tasks) and Suspended (no executors; pending tasks kept) exist only in Flame 0.7
 * and are not terminal: `resumeSession` makes the session Open again.
 */
export type SessionState = 'Open' | 'Closed' | 'Suspending' | 'Suspended';

/** An application's state. */
export type ApplicationState = 'Enabled' | 'Disabled';

/** How an application's instances run: a host process, a WebAssembly module, or (0.7) a CRI container. */
export type Shim = 'Host' | 'Wasm' | 'Cri';

/** An executor's lifecycle state (the wire names without their `Executor` prefix). */
export type ExecutorState =
  | 'Unknown'
  | 'Void'
  | 'Idle'
  | 'Binding'
  | 'Bound'
  | 'Unbinding'
  | 'Releasing'
  | 'Released';

/** A node's state. */
export type NodeState = 'Unknown' | 'Ready' | 'NotReady';

/** Resources requested per executor: cores, bytes of memory, GPUs. */
export interface ResourceRequirement {
  cpu: number;
  memory: number;
  gpu: number;
}

/**
 * Helpers for `ResourceRequirement`: `parse('cpu=2,mem=4g')` (spec 4.3 syntax, throws
 * `ResourceRequirementParseError`), `format(r)`, `validate(r)` and `defaultFallback`
 * (cpu 1, 1 GiB, gpu 0: what the server uses when nothing is configured).
 *
 * @example
 * ```ts
 * import { ResourceRequirement } from 'flame-pie-rx/flame';
 * const r = ResourceRequirement.parse('cpu=2,mem=1g');
 * ResourceRequirement.format(r); // => 'cpu=2,mem=1073741824,gpu=0'
 * ```
 */
export const ResourceRequirement = Object.freeze({
  parse: parseResourceRequirement,
  format: formatResourceRequirement,
  validate: validateResourceRequirement,
  defaultFallback: DEFAULT_RESOURCE_REQUIREMENT,
});

/** A session or task event (spec 3.6): a numeric code, an optional message, when. */
export interface FlameEvent {
  code: number;
  message?: string;
  creationTime: Date;
}

/** A task: id is the decimal task number, unique only within its session. */
export interface Task {
  id: string;
  sessionId: string;
  state: TaskState;
  /** Absent when the task has no input (an empty input reads as absent). */
  input?: Uint8Array;
  /** Absent until the task succeeds with output (an empty output reads as absent). */
  output?: Uint8Array;
  creationTime: Date;
  completionTime?: Date;
  /**
   * On 0.6 only GetTask fills these reliably; watch and list messages carry none. On 0.7
   * terminal watch updates carry them too.
   */
  events: FlameEvent[];
  /** Flame 0.7: the task's affinity keys, when it has any. */
  affinity?: Uint8Array[];
}

/** A session as the server reports it, with its task counters at read time. */
export interface Session {
  id: string;
  application: string;
  commonData?: Uint8Array;
  minInstances: number;
  /** Absent = unlimited. */
  maxInstances?: number;
  /** 0.6: always 1 (reserved). 0.7: the gang size, the number of executors bound together. */
  batchSize: number;
  priority: number;
  /** The resolved requirement: the server always echoes a concrete value. */
  resreq: ResourceRequirement;
  state: SessionState;
  creationTime: Date;
  completionTime?: Date;
  pending: number;
  running: number;
  succeed: number;
  failed: number;
  cancelled: number;
  events: FlameEvent[];
}

/** One environment variable for an application's instances. */
export interface Environment {
  name: string;
  value: string;
}

/** JSON Schema documents (as JSON text) for an application's payloads. */
export interface ApplicationSchema {
  input?: string;
  output?: string;
  commonData?: string;
}

/** An application's specification (spec 2.4, ApplicationSpec). */
export interface ApplicationSpec {
  shim: Shim;
  description?: string;
  labels: string[];
  image?: string;
  /** Executable started by the executor manager; `${VAR}`/`$VAR` are expanded. */
  command?: string;
  arguments: string[];
  /** Order is not preserved by the server. */
  environments: Environment[];
  /** Absolute path; empty reads as absent. */
  workingDirectory?: string;
  /** The server reads an absent value back as 1,000,000. */
  maxInstances?: number;
  /** Seconds; the server reads an absent value back as 60. */
  delayRelease?: number;
  schema?: ApplicationSchema;
  /** Package location: file://, http(s)://, grpc(s)://. */
  url?: string;
  /** "binary" or "python". */
  installer?: string;
}

/**
 * What a caller gives to register or update an application: every field optional (shim
 * defaults to Host); environments as a list or a name → value record.
 */
export interface ApplicationSpecInput {
  shim?: Shim;
  description?: string;
  labels?: readonly string[];
  image?: string;
  command?: string;
  arguments?: readonly string[];
  environments?: readonly Environment[] | Readonly<Record<string, string>>;
  workingDirectory?: string;
  maxInstances?: number;
  /** Seconds. */
  delayRelease?: number;
  schema?: ApplicationSchema;
  url?: string;
  installer?: string;
}

/** A registered application. */
export interface Application {
  name: string;
  spec: ApplicationSpec;
  state: ApplicationState;
  creationTime: Date;
}

/** An executor (one service instance slot on a node). */
export interface Executor {
  id: string;
  node: string;
  resreq: ResourceRequirement;
  shim: Shim;
  state: ExecutorState;
  /** The session it is bound to, if any. */
  sessionId?: string;
  /** Flame 0.7: the application that owns the executor. */
  application?: string;
}

/** One address of a node. */
export interface NodeAddress {
  type: string;
  address: string;
}

/** A node of the cluster. */
export interface FlameNode {
  name: string;
  hostname: string;
  state: NodeState;
  capacity: ResourceRequirement;
  allocatable: ResourceRequirement;
  arch: string;
  os: string;
  /** The server currently always sends an empty list. */
  addresses: NodeAddress[];
  /** The server currently always sends 0, i.e. the epoch. */
  lastHeartbeatTime: Date;
}

// Scalar conversions between the generated Flame messages and the model: enums (numbers ↔
// string unions), 64-bit integers (bigint ↔ number, range-checked), epoch-ms times (bigint ↔
// Date) and bytes (Buffer ↔ Uint8Array, empty = absent). Internal to the model (not in
// the barrel); import from this file with a relative path.
import {
  ApplicationState as ProtoApplicationState,
  ExecutorState as ProtoExecutorState,
  NodeState as ProtoNodeState,
  SessionState as ProtoSessionState,
  Shim as ProtoShim,
  TaskState as ProtoTaskState,
} from '../../gen/flame/v1/types.js';
import { FlameDecodeError } from './errors.js';
import type { ApplicationState, ExecutorState, NodeState, SessionState, Shim, TaskState } from './types.js';

/** A two-way mapping between a generated enum's numbers and the model's names. */
interface EnumMapping<Name extends string, Wire extends number> {
  fromProto(value: Wire, field: string): Name;
  toProto(name: Name): Wire;
}

function enumMapping<Name extends string, Wire extends number>(
  enumName: string,
  // A hole (undefined) is a number the enum leaves free (Shim 2).
  names: readonly (Name | undefined)[],
): EnumMapping<Name, Wire> {
  return {
    fromProto(value, field) {
      const name = Number.isInteger(value) && value >= 0 ? names[value] : undefined;
      if (name === undefined) {
        // ts-proto decodes numbers it does not know as UNRECOGNIZED (-1): say so rather than
        // fall back to a default the server never sent.
        throw new FlameDecodeError(field, `unknown ${enumName} value ${value === -1 ? 'UNRECOGNIZED (-1)' : value}`);
      }
      return name;
    },
    toProto(name) {
      const index = name === undefined ? -1 : names.indexOf(name);
      if (index < 0) throw new FlameDecodeError(enumName, `"${String(name)}" is not a ${enumName}`);
      return index as Wire;
    },
  };
}

/**
 * TaskState numbers (Pending = 0 … Cancelled = 4) ↔ names.
 *
 * @example
 * ```ts
 * taskStates.fromProto(2, 'Task.status.state'); // => 'Succeed'
 * taskStates.toProto('Cancelled'); // => 4
 * ```
 */
export const taskStates = enumMapping<TaskState, ProtoTaskState>('TaskState', [
  'Pending',
  'Running',
  'Succeed',
  'Failed',
  'Cancelled',
]);

/**
 * SessionState numbers (Open = 0, Closed = 1; 0.7 also Suspending = 2, Suspended = 3) ↔
 * names. A 0.7 state arriving from a 0.7 server is decoded as such (never as Open).
 *
 * @example
 * ```ts
 * sessionStates.fromProto(1, 'Session.status.state'); // => 'Closed'
 * ```
 */
export const sessionStates = enumMapping<SessionState, ProtoSessionState>('SessionState', [
  'Open',
  'Closed',
  'Suspending',
  'Suspended',
]);

/**
 * ApplicationState numbers (Enabled = 0, Disabled = 1) ↔ names.
 *
 * @example
 * ```ts
 * applicationStates.toProto('Disabled'); // => 1
 * ```
 */
export const applicationStates = enumMapping<ApplicationState, ProtoApplicationState>('ApplicationState', [
  'Enabled',
  'Disabled',
]);

/**
 * Shim numbers (Host = 0, Wasm = 1, 0.7 Cri = 3; 2 is free) ↔ names.
 *
 * @example
 * ```ts
 * shims.fromProto(1, 'ApplicationSpec.shim'); // => 'Wasm'
 * ```
 */
export const shims = enumMapping<Shim, ProtoShim>('Shim', ['Host', 'Wasm', undefined, 'Cri']);

/**
 * ExecutorState numbers (ExecutorUnknown = 0 … ExecutorReleased = 7) ↔ names without the prefix.
 *
 * @example
 * ```ts
 * executorStates.fromProto(4, 'Executor.status.state'); // => 'Bound'
 * ```
 */
export const executorStates = enumMapping<ExecutorState, ProtoExecutorState>('ExecutorState', [
  'Unknown',
  'Void',
  'Idle',
  'Binding',
  'Bound',
  'Unbinding',
  'Releasing',
  'Released',
]);

/**
 * NodeState numbers (Unknown = 0, Ready = 1, NotReady = 2) ↔ names.
 *
 * @example
 * ```ts
 * nodeStates.fromProto(2, 'Node.status.state'); // => 'NotReady'
 * ```
 */
export const nodeStates = enumMapping<NodeState, ProtoNodeState>('NodeState', ['Unknown', 'Ready', 'NotReady']);

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** The largest time a JavaScript Date can hold, in ms either side of the epoch. */
const MAX_DATE_MS = 8_640_000_000_000_000n;

/**
 * A uint64/int64 from the wire as a number; beyond ±MAX_SAFE_INTEGER (or negative when
 * `unsigned`) throws `FlameDecodeError` naming the field.
 *
 * @example
 * ```ts
 * numberFromInt64(1024n, 'ResourceRequirement.memory'); // => 1024
 * ```
 */
export function numberFromInt64(value: bigint, field: string, options: { unsigned?: boolean } = {}): number {
  if (value > MAX_SAFE || value < -MAX_SAFE || (options.unsigned && value < 0n)) {
    throw new FlameDecodeError(field, `${value} is outside the safe integer range of a JavaScript number`);
  }
  return Number(value);
}

/**
 * Epoch milliseconds from the wire as a Date; beyond the Date range throws `FlameDecodeError`.
 *
 * @example
 * ```ts
 * dateFromEpochMs(0n, 'Task.status.creationTime').toISOString(); // => '1970-01-01T00:00:00.000Z'
 * ```
 */
export function dateFromEpochMs(value: bigint, field: string): Date {
  if (!isEpochMsDate(value)) throw new FlameDecodeError(field, `${value} ms is outside the range of a Date`);
  return new Date(Number(value));
}

/**
 * Whether epoch milliseconds from the wire fit in a Date.
 *
 * @example
 * ```ts
 * isEpochMsDate(8_640_000_000_000_001n); // => false
 * ```
 */
export function isEpochMsDate(value: bigint): boolean {
  return value <= MAX_DATE_MS && value >= -MAX_DATE_MS;
}

/**
 * A Date as epoch milliseconds for the wire.
 *
 * @example
 * ```ts
 * epochMsFromDate(new Date(1500)); // => 1500n
 * ```
 */
export function epochMsFromDate(date: Date): bigint {
  return BigInt(Math.trunc(date.getTime()));
}

/**
 * Wire bytes as a plain Uint8Array view (no copy); empty reads as absent (spec 2.8).
 *
 * @example
 * ```ts
 * bytesFromProto(Buffer.alloc(0)); // => undefined
 * ```
 */
export function bytesFromProto(bytes: Uint8Array | undefined): Uint8Array | undefined {
  if (bytes === undefined || bytes.byteLength === 0) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Model bytes as the Buffer the generated code expects (no copy); empty is sent as absent.
 *
 * @example
 * ```ts
 * bytesToProto(new Uint8Array([1])); // => <Buffer 01>
 * ```
 */
export function bytesToProto(bytes: Uint8Array | undefined): Buffer | undefined {
  if (bytes === undefined || bytes.byteLength === 0) return undefined;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A required sub-message; its absence throws `FlameDecodeError` naming the field.
 *
 * @example
 * ```ts
 * required(task.metadata, 'Task.metadata'); // the metadata, or throws 'cannot decode Task.metadata: missing'
 * ```
 */
export function required<T>(value: T | undefined, field: string): T {
  if (value === undefined || value === null) throw new FlameDecodeError(field, 'missing');
  return value;
}

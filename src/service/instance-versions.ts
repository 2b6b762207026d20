// The Instance service for both executor-manager versions (flame-0.7.md 2.3, 2.11, 5.1.6):
// same paths, different reply shapes. 0.6 answers a bare Result / TaskResult, 0.7 wraps
// them with executor attributes. The serializers below write whichever shape the reply
// carries, so one server can decide the version at the first OnSessionEnter.
import { InstanceService, OnSessionEnterResponse, OnTaskInvokeResponse, type SessionContext } from '../gen/flame/v1/shim.js';
import { Result, TaskResult } from '../gen/flame/v1/types.js';

/** The executor manager version a service answers for. */
export type FlameServiceVersion = '0.6' | '0.7';

/** A reply of OnSessionEnter of either version. */
export type SessionEnterReply = Result | OnSessionEnterResponse;
/** A reply of OnTaskInvoke of either version. */
export type TaskInvokeReply = TaskResult | OnTaskInvokeResponse;

const isEnterWrapper = (value: SessionEnterReply): value is OnSessionEnterResponse => 'result' in value;
const isInvokeWrapper = (value: TaskInvokeReply): value is OnTaskInvokeResponse => 'taskResult' in value;

/**
 * The `flame.v1.Instance` definition with replies of either version.
 *
 * @example
 * ```ts
 * import { InstanceServiceBothVersions } from 'flame-pie-rx/flame';
 * InstanceServiceBothVersions.onSessionEnter.path; // => '/flame.v1.Instance/OnSessionEnter'
 * ```
 */
export const InstanceServiceBothVersions = {
  ...InstanceService,
  onSessionEnter: {
    ...InstanceService.onSessionEnter,
    responseSerialize: (value: SessionEnterReply): Buffer =>
      Buffer.from(isEnterWrapper(value) ? OnSessionEnterResponse.encode(value).finish() : Result.encode(value).finish()),
  },
  onTaskInvoke: {
    ...InstanceService.onTaskInvoke,
    responseSerialize: (value: TaskInvokeReply): Buffer =>
      Buffer.from(isInvokeWrapper(value) ? OnTaskInvokeResponse.encode(value).finish() : TaskResult.encode(value).finish()),
  },
} as const;

/**
 * The executor manager's version as seen in its first SessionContext, when not configured
 * (flame-0.7.md 5.1.6 heuristic, unverified upstream): a 0.7 executor manager always sends
 * `batch_size` ≥ 1, a 0.6 one never sends it (it decodes as 0).
 *
 * @example
 * ```ts
 * import { serviceVersionOf } from 'flame-pie-rx/flame';
 * serviceVersionOf({ batchSize: 1 } as never); // => '0.7'
 * ```
 */
export function serviceVersionOf(context: SessionContext): FlameServiceVersion {
  return context.batchSize > 0 ? '0.7' : '0.6';
}

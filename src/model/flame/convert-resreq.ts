// Resource requirement conversion: uint64 cpu/memory (bigint) <-> number, range-checked.
import type { ResourceRequirement as ProtoResourceRequirement } from '../../gen/flame/v1/types.js';
import { numberFromInt64 } from './convert-scalars.js';
import { validateResourceRequirement } from './resreq.js';
import type { ResourceRequirement } from './types.js';

/**
 * A wire resource requirement as numbers; cpu/memory beyond `Number.MAX_SAFE_INTEGER`
 * throw `FlameDecodeError`.
 *
 * @example
 * ```ts
 * import { resreqFromProto } from 'flame-pie-rx/flame';
 * resreqFromProto({ cpu: 2n, memory: 1024n, gpu: 0 }); // => { cpu: 2, memory: 1024, gpu: 0 }
 * ```
 */
export function resreqFromProto(
  proto: ProtoResourceRequirement,
  field = 'ResourceRequirement',
): ResourceRequirement {
  return {
    cpu: numberFromInt64(proto.cpu, `${field}.cpu`, { unsigned: true }),
    memory: numberFromInt64(proto.memory, `${field}.memory`, { unsigned: true }),
    gpu: proto.gpu,
  };
}

/**
 * A resource requirement for the wire (bigint cpu/memory); invalid values throw
 * `ResourceRequirementError`.
 *
 * @example
 * ```ts
 * import { resreqToProto } from 'flame-pie-rx/flame';
 * resreqToProto({ cpu: 1, memory: 1073741824, gpu: 0 }); // => { cpu: 1n, memory: 1073741824n, gpu: 0 }
 * ```
 */
export function resreqToProto(resreq: ResourceRequirement): ProtoResourceRequirement {
  validateResourceRequirement(resreq);
  return { cpu: BigInt(resreq.cpu), memory: BigInt(resreq.memory), gpu: resreq.gpu };
}

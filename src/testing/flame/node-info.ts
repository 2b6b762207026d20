// The emulator's single fake node and the executors it reports (flame.md 3.4.5).
import os from 'node:os';
import { ExecutorState, NodeState, Shim, type Executor, type Node } from '../../gen/flame/v1/types.js';
import type { ExecutorRecord } from './scheduler.js';

const RUST_ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'x86', arm: 'arm' };

/**
 * The node, described like the real executor manager does: name = host name, capacity =
 * allocatable = this machine's CPUs and memory, arch/os in Rust's spelling, no addresses,
 * last_heartbeat_time 0.
 *
 * @example
 * ```ts
 * import { emulatorNode } from './node-info.js';
 * emulatorNode('node-1').metadata?.name; // => 'node-1'
 * ```
 */
export function emulatorNode(name: string): Node {
  const capacity = { cpu: BigInt(os.cpus().length || 1), memory: BigInt(os.totalmem()), gpu: 0 };
  return {
    metadata: { id: name, name },
    spec: { hostname: name },
    status: {
      state: NodeState.Ready,
      capacity,
      allocatable: { ...capacity },
      info: { arch: RUST_ARCH[process.arch] ?? process.arch, os: process.platform === 'darwin' ? 'macos' : process.platform },
      addresses: [],
      lastHeartbeatTime: 0n,
    },
  };
}

/**
 * An executor on the wire: ExecutorBound to its session, with the session's resreq. An
 * executor waiting for work in its session is still Bound (ExecutorIdle would mean bound to no
 * session); the emulator creates an executor per binding and forgets it on release, so
 * ExecutorIdle never appears.
 *
 * @example
 * ```ts
 * import { executorToProto } from './node-info.js';
 * import type { SessionRecord } from './records.js';
 * const session = { id: 's1', resreq: { cpu: 1n, memory: 1n, gpu: 0 } } as SessionRecord;
 * executorToProto({ id: 'e1', session }, 'node-1').status?.sessionId; // => 's1'
 * ```
 */
export function executorToProto(executor: ExecutorRecord, nodeName: string): Executor {
  return {
    metadata: { id: executor.id, name: executor.id },
    spec: { node: nodeName, resreq: { ...executor.session.resreq }, shim: Shim.Host, application: executor.application ?? '' },
    status: { state: ExecutorState.ExecutorBound, sessionId: executor.session.id },
  };
}

import { Observable, map } from 'rxjs';
import { executorFromProto, nodeFromProto } from '../../model/flame/convert.js';
import { FlameDecodeError } from '../../model/flame/errors.js';
import type { Executor, FlameNode } from '../../model/flame/types.js';
import { unaryCall } from '../../transport/grpc/unary.js';
import type { FlameClientCallOptions, FlameClientContext } from './context.js';
import { compareText } from './order.js';
import { FLAME_METHOD_TABLES, withVersion } from './protocol.js';

/**
 * ListExecutor: every executor the session manager knows, sorted by id.
 *
 * @example
 * ```ts
 * import { listExecutors } from 'flame-pie-rx/flame';
 * listExecutors(context).subscribe((executors) => console.log(executors.map((e) => e.state)));
 * ```
 */
export function listExecutors(context: FlameClientContext, call: FlameClientCallOptions = {}): Observable<Executor[]> {
  return withVersion(
    context.channel,
    (version) => unaryCall(context.channel, FLAME_METHOD_TABLES[version].listExecutors, {}, call),
    call,
  ).pipe(
    map((list) => list.executors.map(executorFromProto).sort((a, b) => compareText(a.id, b.id))),
  );
}

/**
 * ListNodes: every registered node, sorted by name.
 *
 * @example
 * ```ts
 * import { listNodes } from 'flame-pie-rx/flame';
 * listNodes(context).subscribe((nodes) => console.log(nodes.map((n) => `${n.name}: ${n.capacity.cpu} cpu`)));
 * ```
 */
export function listNodes(context: FlameClientContext, call: FlameClientCallOptions = {}): Observable<FlameNode[]> {
  return unaryCall(context.channel, 'listNodes', {}, call).pipe(
    map((list) => list.nodes.map(nodeFromProto).sort((a, b) => compareText(a.name, b.name))),
  );
}

/**
 * GetNode; an unknown name errors with `FlameNotFoundError`.
 *
 * @example
 * ```ts
 * import { getNode } from 'flame-pie-rx/flame';
 * getNode(context, 'node-1').subscribe((node) => console.log(node.state));
 * ```
 */
export function getNode(context: FlameClientContext, name: string, call: FlameClientCallOptions = {}): Observable<FlameNode> {
  return unaryCall(context.channel, 'getNode', { name }, call).pipe(
    map((response) => {
      if (response.node === undefined) throw new FlameDecodeError('GetNodeResponse.node', 'missing');
      return nodeFromProto(response.node);
    }),
  );
}

// Evaluation of workflow expression trees (protocol reference 2.7). Each `process` node runs
// one child process; cancellation terminates running children with `cancelled`.
import { ClientError } from '../../model/errors.js';
import type { EmulatedProcess } from './process.js';
import { PIE_TEXT } from './strings.js';
import { isTruthy, processNodeInput, type Json, type WorkflowNode } from './workflow-tree.js';

/**
 * A workflow step failed; `message` is the failure text (a child's error, a launch error…).
 *
 * @example
 * ```ts
 * new WorkflowStepError('Loop exceeded 1000 iterations').message;
 * ```
 */
export class WorkflowStepError extends ClientError {}

/**
 * Maximum rounds of an `iterate` node.
 *
 * @example
 * ```ts
 * ITERATE_LIMIT; // => 1000
 * ```
 */
export const ITERATE_LIMIT = 1000;

/**
 * A cancellation scope: running children are terminated with `cancelled` when it (or a
 * parent) is cancelled.
 *
 * @example
 * ```ts
 * const scope = new WorkflowScope();
 * scope.cancel(); // terminates every child started under it
 * ```
 */
export class WorkflowScope {
  cancelled = false;
  private readonly children = new Set<EmulatedProcess>();
  private readonly subScopes = new Set<WorkflowScope>();

  /** A child scope cancelled together with this one. */
  sub(): WorkflowScope {
    const scope = new WorkflowScope();
    if (this.cancelled) scope.cancelled = true;
    this.subScopes.add(scope);
    return scope;
  }

  /** Tracks a running child until it finishes. */
  track(process: EmulatedProcess): void {
    this.children.add(process);
    void process.outcome.then(() => this.children.delete(process));
  }

  /** Terminates every running child (with error `cancelled`) and cancels sub-scopes. */
  cancel(): void {
    if (this.cancelled && this.children.size === 0) return;
    this.cancelled = true;
    for (const process of [...this.children]) process.terminate(PIE_TEXT.cancelledError);
    this.children.clear();
    for (const scope of this.subScopes) scope.cancel();
  }
}

/** Starts a child process for a `process` node, or throws `WorkflowStepError` (launch errors). */
export type SpawnChild = (program: string, input: string) => EmulatedProcess;

async function runProcess(node: Extract<WorkflowNode, { type: 'process' }>, input: Json, scope: WorkflowScope, spawn: SpawnChild): Promise<Json> {
  if (scope.cancelled) throw new WorkflowStepError(PIE_TEXT.cancelledError);
  const process = spawn(node.program_name, processNodeInput(input, node.config));
  scope.track(process);
  const outcome = await process.outcome;
  if (!outcome.ok) throw new WorkflowStepError(outcome.value);
  try {
    return JSON.parse(outcome.value) as Json;
  } catch {
    return outcome.value;
  }
}

/** Runs `count` evaluations concurrently and keeps the first `k` to finish, cancelling the rest. */
async function firstK(count: number, k: number, scope: WorkflowScope, run: (index: number, scope: WorkflowScope) => Promise<Json>): Promise<Json[]> {
  if (k === 0 || count === 0) return [];
  const scopes = Array.from({ length: count }, () => scope.sub());
  const wanted = Math.min(k, count);
  return new Promise<Json[]>((resolve, reject) => {
    const done: Json[] = [];
    let settled = false;
    scopes.forEach((sub, index) => {
      run(index, sub).then(
        (value) => {
          if (settled) return;
          done.push(value);
          if (done.length === wanted) {
            settled = true;
            scopes.forEach((s) => s.cancel());
            resolve(done);
          }
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          scopes.forEach((s) => s.cancel());
          reject(error instanceof Error ? error : new WorkflowStepError(String(error)));
        },
      );
    });
  });
}

async function runPipe(stages: WorkflowNode[], input: Json, scope: WorkflowScope, spawn: SpawnChild): Promise<Json> {
  let value = input;
  for (let i = 0; i < stages.length; i++) {
    const stage = stages[i]!;
    const next = stages[i + 1];
    if (next?.type === 'take' && (stage.type === 'fork' || stage.type === 'map')) {
      if (stage.type === 'fork') {
        const current = value;
        value = await firstK(stage.branches.length, next.k, scope, (index, sub) => evaluate(stage.branches[index]!, current, sub, spawn));
      } else {
        const items = asArray(await evaluate(stage.over, value, scope, spawn));
        value = await firstK(items.length, next.k, scope, (index, sub) => evaluate(stage.function, items[index]!, sub, spawn));
      }
      i++;
      continue;
    }
    value = await evaluate(stage, value, scope, spawn);
  }
  return value;
}

function asArray(value: Json): Json[] {
  return Array.isArray(value) ? value : [value];
}

function foldInput(accumulator: Json, item: Json): Json {
  const merged: { [key: string]: Json } = {};
  const mergeIn = (value: Json, key: string): void => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) Object.assign(merged, value);
    else merged[key] = value;
  };
  mergeIn(accumulator, 'acc');
  mergeIn(item, 'item');
  return merged;
}

/**
 * Evaluates a node on an input value.
 *
 * @example
 * ```ts
 * await evaluate({ type: 'literal', value: 3 }, null, new WorkflowScope(), spawn); // => 3
 * ```
 */
export async function evaluate(node: WorkflowNode, input: Json, scope: WorkflowScope, spawn: SpawnChild): Promise<Json> {
  if (scope.cancelled) throw new WorkflowStepError(PIE_TEXT.cancelledError);
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'process':
      return runProcess(node, input, scope, spawn);
    case 'pipe':
      return runPipe(node.stages, input, scope, spawn);
    case 'map': {
      const items = asArray(await evaluate(node.over, input, scope, spawn));
      return Promise.all(items.map((item) => evaluate(node.function, item, scope, spawn)));
    }
    case 'fold': {
      const items = asArray(await evaluate(node.over, input, scope, spawn));
      let accumulator = await evaluate(node.init, input, scope, spawn);
      for (const item of items) accumulator = await evaluate(node.function, foldInput(accumulator, item), scope, spawn);
      return accumulator;
    }
    case 'fork':
      return Promise.all(node.branches.map((branch) => evaluate(branch, input, scope, spawn)));
    case 'cond':
      return isTruthy(await evaluate(node.predicate, input, scope, spawn))
        ? evaluate(node.then, input, scope, spawn)
        : evaluate(node.otherwise, input, scope, spawn);
    case 'iterate': {
      let value = input;
      for (let round = 0; round < ITERATE_LIMIT; round++) {
        value = await evaluate(node.body, value, scope, spawn);
        if (isTruthy(await evaluate(node.until, value, scope, spawn))) return value;
      }
      throw new WorkflowStepError(PIE_TEXT.loopLimit);
    }
    case 'take':
      return Array.isArray(input) ? input.slice(0, node.k) : input;
  }
}

// Running workflows (protocol reference 2.7): owner, single attached connection, the
// unbounded list of forwarded child events kept while unattached, removal when done.
import { randomUUID } from 'node:crypto';
import type { ConnectionActor } from './connection-actor.js';
import type { DetachMode, EmulatedProcess } from './process.js';
import type { ProcessEventFrame } from './server-frames.js';
import { evaluate, WorkflowScope } from './workflow-eval.js';
import type { WorkflowNode } from './workflow-tree.js';

/**
 * One running workflow.
 *
 * @example
 * ```ts
 * workflow.forward(frame); // to the attached connection, or kept for the next attach
 * ```
 */
export class EmulatedWorkflow {
  readonly id = randomUUID();
  readonly scope = new WorkflowScope();
  attached: ConnectionActor | undefined;
  private readonly pending: ProcessEventFrame[] = [];

  constructor(
    readonly owner: string,
    private readonly detachMode: DetachMode,
  ) {}

  /** The connection forwarded events go to now (see `EmulatedProcess.deliveryTarget`). */
  deliveryTarget(): ConnectionActor | undefined {
    if (this.attached?.closed && this.detachMode === 'designed') this.detach();
    return this.attached;
  }

  /** Binds the workflow to `actor` and returns the kept events to replay. */
  attach(actor: ConnectionActor): ProcessEventFrame[] {
    this.attached = actor;
    actor.attachedWorkflows.add(this.id);
    return this.pending.splice(0, this.pending.length);
  }

  /** Unbinds the workflow from its connection. */
  detach(): void {
    this.attached?.attachedWorkflows.delete(this.id);
    this.attached = undefined;
  }

  /** Forwards one child event (kept, unbounded, while nobody is attached). */
  forward(frame: ProcessEventFrame): void {
    const target = this.deliveryTarget();
    if (target) target.enqueueFrame(frame);
    else this.pending.push(frame);
  }
}

/** Starts a child process (owned by `owner`, captured, unattached), or throws a launch error. */
export type WorkflowChildSpawner = (owner: string, program: string, input: string) => EmulatedProcess;

/**
 * Every running workflow of the emulated engine.
 *
 * @example
 * ```ts
 * const workflow = table.start('alice', tree, actor);
 * ```
 */
export class WorkflowTable {
  private readonly workflows = new Map<string, EmulatedWorkflow>();

  constructor(
    private readonly detachMode: DetachMode,
    private readonly spawnChild: WorkflowChildSpawner,
  ) {}

  /** The running workflow with this canonical id. */
  get(id: string): EmulatedWorkflow | undefined {
    return this.workflows.get(id);
  }

  /**
   * Registers a workflow attached to `actor` and evaluates it on a later tick; it disappears
   * when evaluation ends (its value is never sent). A failure cancels its running children.
   */
  start(owner: string, tree: WorkflowNode, actor: ConnectionActor): EmulatedWorkflow {
    const workflow = new EmulatedWorkflow(owner, this.detachMode);
    workflow.attach(actor);
    this.workflows.set(workflow.id, workflow);
    const spawn = (program: string, input: string): EmulatedProcess => {
      const child = this.spawnChild(owner, program, input);
      child.observers.push((frame) => workflow.forward(frame));
      return child;
    };
    setImmediate(() => {
      evaluate(tree, null, workflow.scope, spawn)
        .catch(() => workflow.scope.cancel())
        .finally(() => this.finish(workflow));
    });
    return workflow;
  }

  private finish(workflow: EmulatedWorkflow): void {
    workflow.detach();
    this.workflows.delete(workflow.id);
  }

  /** Detaches every workflow attached to a closed connection (designed mode). */
  detachConnection(actor: ConnectionActor): void {
    for (const id of [...actor.attachedWorkflows]) this.workflows.get(id)?.detach();
    actor.attachedWorkflows.clear();
  }

  /** Cancels every workflow (emulator shutdown). */
  cancelAll(): void {
    for (const workflow of this.workflows.values()) workflow.scope.cancel();
    this.workflows.clear();
  }
}

// Workflow requests (protocol reference 2.7): submit, cancel, attach, detach.
import type { ClientMessage } from './client-messages.js';
import type { ConnectionActor } from './connection-actor.js';
import type { Engine } from './engine.js';
import { parseUuid } from './processes.js';
import { invalidWorkflowJson, PIE_TEXT } from './strings.js';
import { parseWorkflow, WorkflowParseError, type WorkflowNode } from './workflow-tree.js';

type WorkflowMessage = Extract<ClientMessage, { type: 'submit_workflow' | 'cancel_workflow' | 'attach_workflow' | 'detach_workflow' }>;

async function submit(engine: Engine, actor: ConnectionActor, corrId: number, json: string): Promise<void> {
  let tree: WorkflowNode;
  try {
    tree = parseWorkflow(json);
  } catch (error) {
    if (!(error instanceof WorkflowParseError)) throw error;
    return actor.respond(corrId, false, invalidWorkflowJson(error.message));
  }
  if (tree.type === 'pipe' && tree.stages.length === 0) return actor.respond(corrId, false, PIE_TEXT.workflowNoSteps);
  const workflow = engine.workflows.start(actor.username!, tree, actor);
  return actor.respond(corrId, true, workflow.id);
}

async function cancel(engine: Engine, actor: ConnectionActor, corrId: number, workflowId: string): Promise<void> {
  const id = parseUuid(workflowId);
  if (!id) return actor.respond(corrId, false, PIE_TEXT.invalidWorkflowId);
  const workflow = engine.workflows.get(id);
  if (!workflow) return actor.respond(corrId, false, PIE_TEXT.serviceNotFound);
  await actor.respond(corrId, true, PIE_TEXT.workflowCancelled);
  workflow.scope.cancel();
}

async function attach(engine: Engine, actor: ConnectionActor, corrId: number, workflowId: string): Promise<void> {
  const id = parseUuid(workflowId);
  if (!id) return actor.respond(corrId, false, PIE_TEXT.invalidWorkflowId);
  const workflow = engine.workflows.get(id);
  if (workflow && workflow.owner !== actor.username) return actor.respond(corrId, false, PIE_TEXT.permissionDenied);
  if (!workflow) return actor.respond(corrId, false, PIE_TEXT.workflowNotFound);
  if (workflow.deliveryTarget()) return actor.respond(corrId, false, PIE_TEXT.workflowAlreadyAttached);
  const replay = workflow.attach(actor);
  await actor.respond(corrId, true, PIE_TEXT.workflowAttached);
  for (const frame of replay) await actor.send(frame);
}

async function detach(engine: Engine, actor: ConnectionActor, corrId: number, workflowId: string): Promise<void> {
  const id = parseUuid(workflowId);
  if (!id) return actor.respond(corrId, false, PIE_TEXT.invalidWorkflowId);
  engine.workflows.get(id)?.detach();
  return actor.respond(corrId, true, PIE_TEXT.workflowDetached);
}

/**
 * Handles `submit_workflow` (the submitter is attached at once), `cancel_workflow` (any
 * connection, no ownership check), `attach_workflow` (id, owner, existence, not attached)
 * and `detach_workflow` (any parsable id, no ownership check).
 *
 * @example
 * ```ts
 * await handleWorkflowMessage(engine, actor, { type: 'detach_workflow', corr_id: 1, workflow_id: id });
 * ```
 */
export async function handleWorkflowMessage(engine: Engine, actor: ConnectionActor, msg: WorkflowMessage): Promise<void> {
  switch (msg.type) {
    case 'submit_workflow':
      return submit(engine, actor, msg.corr_id, msg.json);
    case 'cancel_workflow':
      return cancel(engine, actor, msg.corr_id, msg.workflow_id);
    case 'attach_workflow':
      return attach(engine, actor, msg.corr_id, msg.workflow_id);
    case 'detach_workflow':
      return detach(engine, actor, msg.corr_id, msg.workflow_id);
  }
}

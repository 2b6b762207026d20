// Workflow requests (protocol reference 2.7). Not implemented yet: messages are dropped.
import type { ClientMessage } from './client-messages.js';
import type { ConnectionActor } from './connection-actor.js';
import type { Engine } from './engine.js';

/**
 * Handles `submit_workflow`, `cancel_workflow`, `attach_workflow`, `detach_workflow`.
 *
 * @example
 * ```ts
 * await handleWorkflowMessage(engine, actor, msg);
 * ```
 */
export async function handleWorkflowMessage(_engine: Engine, _actor: ConnectionActor, _msg: ClientMessage): Promise<void> {}

// Placeholder replaced by the workflow implementation.
import type { ConnectionActor } from './connection-actor.js';
export class WorkflowTable {
  detachConnection?(actor: ConnectionActor): void;
}

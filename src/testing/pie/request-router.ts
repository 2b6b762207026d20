// Routes each decoded client message into its connection's sequential queue, gating
// everything but the auth messages until the connection is authenticated (protocol
// reference 2.3, 3.1, 3.6: the check happens when the message's turn comes).
import type { ClientMessage } from './client-messages.js';
import type { ConnectionActor } from './connection-actor.js';
import type { Engine } from './engine.js';
import { handleAuthByToken, handleAuthIdentify, handleAuthProve } from './handlers-auth.js';
import { handleAddProgram, handleCheckProgram } from './handlers-programs.js';
import {
  handleAttachProcess,
  handleLaunchDaemon,
  handleLaunchProcess,
  handleLaunchProcesses,
  handleListProcesses,
  handleQuery,
  handleRunProcesses,
  handleSignalProcess,
  handleTerminateProcess,
  handleTransferFile,
} from './handlers-processes.js';
import { handleWorkflowMessage } from './handlers-workflows.js';
import { handleMcpResponse, handleRegisterMcpServer } from './mcp.js';
import { PIE_TEXT } from './strings.js';

async function handle(engine: Engine, actor: ConnectionActor, msg: ClientMessage): Promise<void> {
  switch (msg.type) {
    case 'auth_identify':
      return handleAuthIdentify(engine, actor, msg.corr_id, msg.username);
    case 'auth_prove':
      return handleAuthProve(engine, actor, msg.corr_id, msg.signature);
    case 'auth_by_token':
      return handleAuthByToken(engine, actor, msg.corr_id, msg.token);
  }
  if (actor.username === undefined) return;
  switch (msg.type) {
    case 'ping':
      return actor.respond(msg.corr_id, true, PIE_TEXT.pong);
    case 'query':
      return handleQuery(engine, actor, msg);
    case 'check_program':
      return handleCheckProgram(engine, actor, msg);
    case 'add_program':
      return handleAddProgram(engine, actor, msg);
    case 'launch_process':
      return handleLaunchProcess(engine, actor, msg);
    case 'launch_processes':
      return handleLaunchProcesses(engine, actor, msg);
    case 'run_processes':
      return handleRunProcesses(engine, actor, msg);
    case 'launch_daemon':
      return handleLaunchDaemon(engine, actor, msg);
    case 'attach_process':
      return handleAttachProcess(engine, actor, msg);
    case 'terminate_process':
      return handleTerminateProcess(engine, actor, msg);
    case 'list_processes':
      return handleListProcesses(engine, actor, msg);
    case 'signal_process':
      return handleSignalProcess(engine, actor, msg);
    case 'transfer_file':
      return handleTransferFile(engine, actor, msg);
    case 'register_mcp_server':
      return handleRegisterMcpServer(actor, msg);
    case 'mcp_response':
      return handleMcpResponse(actor, msg);
    case 'submit_workflow':
    case 'cancel_workflow':
    case 'attach_workflow':
    case 'detach_workflow':
      return handleWorkflowMessage(engine, actor, msg);
  }
}

/**
 * Queues one decoded message on its connection.
 *
 * @example
 * ```ts
 * routeClientMessage(engine, actor, { type: 'ping', corr_id: 1 });
 * ```
 */
export function routeClientMessage(engine: Engine, actor: ConnectionActor, msg: ClientMessage): void {
  actor.enqueue(() => handle(engine, actor, msg));
}

// Routes decoded client messages of a gateway generation: no authentication gate, each
// request answered in its connection's queue, then its turn ended with the text frame
// `{"type":"turn_done"}` as the gateway ends it.
import type { ClientMessage } from '../client-messages.js';
import type { ConnectionActor } from '../connection-actor.js';
import type { Engine } from '../engine.js';
import { handleCheckProgram } from '../handlers-programs.js';
import { handleSignalProcess, handleTransferFile } from '../handlers-processes.js';
import { PIE_TEXT } from '../strings.js';
import {
  gatewayAddProgram,
  gatewayAttach,
  gatewayLaunch,
  gatewayList,
  gatewayQuery,
  gatewayTerminate,
  type GatewaySettings,
  type Turn,
} from './gateway-handlers.js';
import { GATEWAY_TEXT } from './gateway-texts.js';

async function dispatch(engine: Engine, settings: GatewaySettings, actor: ConnectionActor, msg: ClientMessage): Promise<Turn> {
  switch (msg.type) {
    case 'auth_identify':
      return actor.respond(msg.corr_id, true, GATEWAY_TEXT.alreadyAuthenticated).then(() => 'done');
    case 'auth_prove':
      return actor.respond(msg.corr_id, false, GATEWAY_TEXT.alreadyAuthenticated).then(() => 'done');
    case 'ping':
      return actor.respond(msg.corr_id, true, PIE_TEXT.pong).then(() => 'done');
    case 'query':
      return gatewayQuery(engine, actor, msg);
    case 'check_program':
      return handleCheckProgram(engine, actor, msg).then(() => 'done');
    case 'add_program':
      return gatewayAddProgram(engine, settings, actor, msg);
    case 'launch_process':
      return gatewayLaunch(engine, settings, actor, msg);
    case 'attach_process':
      return gatewayAttach(engine, actor, msg);
    case 'terminate_process':
      return gatewayTerminate(engine, actor, msg);
    case 'list_processes':
      return gatewayList(engine, actor, msg);
    case 'signal_process':
      handleSignalProcess(engine, actor, msg);
      return 'done';
    case 'transfer_file':
      handleTransferFile(engine, actor, msg);
      return 'done';
    default:
      // The gateway decoder only yields the kinds above.
      return 'silent';
  }
}

/**
 * Queues one decoded message of a gateway generation on its connection.
 *
 * @example
 * ```ts
 * routeGatewayMessage(engine, settings, actor, { type: 'ping', corr_id: 1 });
 * ```
 */
export function routeGatewayMessage(engine: Engine, settings: GatewaySettings, actor: ConnectionActor, msg: ClientMessage): void {
  actor.enqueue(async () => {
    const turn = await dispatch(engine, settings, actor, msg);
    if (turn === 'done') await actor.sendText(GATEWAY_TEXT.turnDone);
    else if (turn !== 'silent') void turn.after.then(() => actor.enqueue(() => actor.sendText(GATEWAY_TEXT.turnDone)));
  });
}

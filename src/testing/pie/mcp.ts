// MCP relay (protocol reference 2.6): registration per connection, `mcp_request` to the
// process's attached connection with a per-connection counter, `mcp_response` resolution.
import type { ClientMessage } from './client-messages.js';
import type { ConnectionActor } from './connection-actor.js';
import { InferletHostError, InferletMcpError } from './errors.js';
import type { McpRelay } from './inferlet-context.js';
import { mcpRequestFrame } from './server-frames.js';
import { mcpServerNotRegistered, noClientSession, PIE_TEXT } from './strings.js';

type Msg<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;

/**
 * Relays an inferlet's MCP call through its process's attached connection. Without an
 * attached connection it fails with `No client session for process <id>`; a name the
 * connection did not register fails with MCP error -1. There is no timeout.
 *
 * @example
 * ```ts
 * const result = await relayMcpCall(process, 'files', 'tools/list', '{}');
 * ```
 */
export const relayMcpCall: McpRelay = (process, server, method, params) => {
  const actor = process.deliveryTarget();
  if (!actor) return Promise.reject(new InferletHostError(noClientSession(process.id)));
  if (!actor.mcpServers.some((registered) => registered.name === server)) {
    return Promise.reject(new InferletMcpError(-1, mcpServerNotRegistered(server)));
  }
  return new Promise<string>((resolve, reject) => {
    const corrId = actor.nextMcpCorrId();
    actor.pendingMcp.set(corrId, { processId: process.id, resolve, reject });
    actor.enqueueFrame(mcpRequestFrame(corrId, process.id, server, method, params));
  });
};

/**
 * `register_mcp_server`: stored without validation (duplicates appended).
 *
 * @example
 * ```ts
 * await handleRegisterMcpServer(actor, msg);
 * ```
 */
export async function handleRegisterMcpServer(actor: ConnectionActor, msg: Msg<'register_mcp_server'>): Promise<void> {
  actor.mcpServers.push({
    name: msg.name,
    transport: msg.transport,
    ...(msg.command !== undefined ? { command: msg.command } : {}),
    ...(msg.args !== undefined ? { args: msg.args } : {}),
    ...(msg.url !== undefined ? { url: msg.url } : {}),
  });
  return actor.respond(msg.corr_id, true, PIE_TEXT.mcpServerRegistered);
}

/**
 * Parses an `ok=false` MCP result: `{"code", "message", "data"?}`, else code -32000 with the
 * raw text as message.
 *
 * @example
 * ```ts
 * parseMcpError('{"code":-32601,"message":"no such tool"}').code; // => -32601
 * ```
 */
export function parseMcpError(text: string): InferletMcpError {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const { code, message, data } = value as { code?: unknown; message?: unknown; data?: unknown };
      if (typeof code === 'number' && Number.isInteger(code) && typeof message === 'string') {
        return new InferletMcpError(code, message, data);
      }
    }
  } catch {
    // Not JSON: fall through to the generic error.
  }
  return new InferletMcpError(-32000, text);
}

/**
 * `mcp_response` (never answered): resolves the pending relay with that id; unknown ids are
 * ignored.
 *
 * @example
 * ```ts
 * handleMcpResponse(actor, msg);
 * ```
 */
export function handleMcpResponse(actor: ConnectionActor, msg: Msg<'mcp_response'>): void {
  const pending = actor.pendingMcp.get(msg.corr_id);
  if (!pending) return;
  actor.pendingMcp.delete(msg.corr_id);
  if (msg.ok) pending.resolve(msg.result);
  else pending.reject(parseMcpError(msg.result));
}

/**
 * Fails every relay still waiting on a closed connection (designed detach mode only; the
 * upstream engine leaves them waiting forever).
 *
 * @example
 * ```ts
 * failPendingMcp(actor);
 * ```
 */
export function failPendingMcp(actor: ConnectionActor): void {
  for (const [corrId, pending] of actor.pendingMcp) {
    actor.pendingMcp.delete(corrId);
    pending.reject(new InferletHostError(noClientSession(pending.processId)));
  }
}

// The hook between the MCP bridge (browser-safe) and the Node-only code that speaks to a
// local stdio MCP server through `@modelcontextprotocol/sdk` (./node/sdk-link.ts). The Node
// entry installs the connector on import, so a browser bundle never reaches the SDK,
// `node:child_process` or `cross-spawn`.
import { PieError } from '../../../model/pie/errors.js';
import { needsNode } from '../../../model/pie/platform.js';
import type { McpServerCommand } from './stdio-mcp-server.js';

/** A started and initialized MCP server, as the bridge uses it. @internal */
export interface McpLink {
  /** The protocol version the server answered in `initialize`. */
  readonly protocolVersion: string | undefined;
  /** The child's process id while it runs. */
  readonly pid: number | undefined;
  /** Any JSON-RPC method: resolves with its `result`, rejects with the SDK's error. */
  request(method: string, params: unknown): Promise<unknown>;
  /** A JSON-RPC notification; never throws. */
  notify(method: string, params: unknown): void;
  /** Kills the child now (SIGTERM) and closes the SDK client. */
  close(): void;
}

/** What the link reports: the one reason the server stopped (exit, signal, broken stdin). @internal */
export interface McpLinkEvents {
  dead(reason: string): void;
}

/** Spawns `command`, performs the MCP handshake and resolves once it is done. @internal */
export type McpConnector = (
  command: McpServerCommand,
  clientInfo: { name: string; version: string },
  events: McpLinkEvents,
) => Promise<McpLink>;

let installed: McpConnector | undefined;

/** Installs the SDK-backed connector (done by the Node entry on import). @internal */
export function installMcpConnector(connector: McpConnector): void {
  installed = connector;
}

/** The installed connector; a `PieError` where none is (a browser). @internal */
export function mcpConnector(): McpConnector {
  if (!installed) throw new PieError(needsNode('starting a local MCP server'));
  return installed;
}

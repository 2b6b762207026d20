import { PieError } from '../../../model/pie/errors.js';
import { mcpConnector, type McpLink } from './mcp-link.js';

/** A JSON-RPC 2.0 error object, as an MCP server returns it and as `mcp_response` relays it. */
export interface McpErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** How to start a local stdio MCP server. */
export interface McpServerCommand {
  readonly command: string;
  readonly args?: readonly string[];
  /** Extra environment variables for the child process (it inherits the rest). */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

/**
 * JSON-RPC error code for a dead, unknown or failing local server (spec 2.6).
 *
 * @example
 * ```ts
 * JSON.stringify({ code: MCP_SERVER_ERROR, message: "MCP server 'x' not registered" });
 * ```
 */
export const MCP_SERVER_ERROR = -32000;

/** The server's own error object out of an SDK error (whose message the SDK prefixed). */
function errorObject(error: unknown): McpErrorObject {
  const e = error as { code?: unknown; message?: unknown; data?: unknown } | undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (e && typeof e.code === 'number' && Number.isInteger(e.code)) {
    const own = message.replace(`MCP error ${e.code}: `, '');
    return e.data === undefined ? { code: e.code, message: own } : { code: e.code, message: own, data: e.data };
  }
  return { code: MCP_SERVER_ERROR, message };
}

/**
 * A local MCP server spoken to over its stdin/stdout through `@modelcontextprotocol/sdk`
 * (Node only: the Node entry installs it; the SDK is an optional peer dependency). `start`
 * spawns it and performs the `initialize` handshake, in which the SDK negotiates the
 * protocol version. Requests run concurrently, any method with any params; a failure
 * rejects with the server's `{code, message, data?}`, and once the process is gone (exit,
 * signal, broken stdin) every pending and later request fails with code -32000 and the reason.
 *
 * @example
 * ```ts
 * const server = await StdioMcpServer.start({ command: 'node', args: ['tools.mjs'] });
 * const tools = await server.request('tools/list', {});
 * server.close();
 * ```
 */
export class StdioMcpServer {
  private link: McpLink | undefined;
  private deadReason: string | undefined;
  private readonly pending = new Set<(error: McpErrorObject) => void>();

  private constructor() {}

  /** Spawns the server and completes the MCP handshake; a failure gives `PieError`. */
  static async start(command: McpServerCommand, clientInfo = { name: 'flame-pie-rx', version: '0.1.0' }): Promise<StdioMcpServer> {
    const connect = mcpConnector();
    const server = new StdioMcpServer();
    try {
      server.link = await connect(command, clientInfo, { dead: (reason) => server.die(reason) });
    } catch (error) {
      if (error instanceof PieError) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new PieError(`MCP server '${command.command}' failed to initialize: ${detail}`, { cause: error });
    }
    return server;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.deadReason === undefined;
  }

  /** The protocol version agreed in the handshake (the server's answer). */
  get protocolVersion(): string | undefined {
    return this.link?.protocolVersion;
  }

  /** The child's process id while it runs. */
  get pid(): number | undefined {
    return this.link?.pid;
  }

  /** Sends a JSON-RPC request; resolves with `result`, rejects with the error object. */
  request(method: string, params: unknown): Promise<unknown> {
    const link = this.link;
    if (this.deadReason !== undefined || !link) {
      return Promise.reject<unknown>({ code: MCP_SERVER_ERROR, message: this.deadReason ?? 'MCP server is not running' });
    }
    return new Promise<unknown>((resolve, reject) => {
      this.pending.add(reject);
      link.request(method, params).then(resolve, (error: unknown) => reject(errorObject(error))).finally(() => this.pending.delete(reject));
    });
  }

  /** Sends a JSON-RPC notification (no reply). */
  notify(method: string, params: unknown): void {
    if (this.deadReason === undefined) this.link?.notify(method, params);
  }

  /** Stops the server process. */
  close(): void {
    this.die('MCP server was closed');
    this.link?.close();
  }

  private die(reason: string): void {
    if (this.deadReason !== undefined) return;
    this.deadReason = reason;
    for (const reject of this.pending) reject({ code: MCP_SERVER_ERROR, message: reason });
    this.pending.clear();
  }
}

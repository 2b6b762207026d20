import { Observable, catchError, defer, from, map, switchMap, throwError } from 'rxjs';
import { PieError } from '../../../model/pie/errors.js';
import type { PieConnectionLike } from '../connection/connection-like.js';
import type { PieMcpRequestFrame } from '../../../transport/ws/messages.js';
import { okResult } from '../connection/responses.js';
import { MCP_SERVER_ERROR, type McpErrorObject, type McpServerCommand, StdioMcpServer } from './stdio-mcp-server.js';

interface Registered {
  readonly command: McpServerCommand;
  readonly server: StdioMcpServer;
}

/**
 * The JSON error text of a failed relay: the server's own `{code, message, data?}` when
 * it gave one, else code -32000 with the reason.
 *
 * @example
 * ```ts
 * mcpErrorText({ code: -32601, message: 'Method not found' }); // => '{"code":-32601,"message":"Method not found"}'
 * mcpErrorText(new Error('boom')); // => '{"code":-32000,"message":"boom"}'
 * ```
 */
export function mcpErrorText(error: unknown): string {
  const e = error as Partial<McpErrorObject> | undefined;
  if (e && typeof e.code === 'number' && typeof e.message === 'string') {
    return JSON.stringify(e.data === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, data: e.data });
  }
  const message = error instanceof Error ? error.message : String(error);
  return JSON.stringify({ code: MCP_SERVER_ERROR, message });
}

/**
 * The client side of the MCP relay (spec 2.6): starts local stdio MCP servers (through
 * `@modelcontextprotocol/sdk`, see `StdioMcpServer`), registers them with the engine
 * (after their handshake), answers each `mcp_request` concurrently
 * with an `mcp_response`, and registers them again on every new connection session.
 *
 * @example
 * ```ts
 * const bridge = new McpBridge(connection);
 * bridge.register('files', { command: 'node', args: ['files-mcp.mjs'] }).subscribe();
 * connection.pushes$.subscribe((f) => f.type === 'mcp_request' && bridge.handle(f));
 * ```
 */
export class McpBridge {
  private readonly servers = new Map<string, Registered>();
  private readonly starting = new Set<string>();

  constructor(private readonly connection: PieConnectionLike) {}

  /** Names of the servers registered through this bridge. */
  get names(): string[] {
    return [...this.servers.keys()];
  }

  /**
   * Starts `command` locally, performs the MCP handshake, then sends `register_mcp_server`.
   * A name already used on this client fails with `MCP server '<name>' already registered`.
   */
  register(name: string, command: McpServerCommand): Observable<void> {
    return defer(() => {
      if (typeof name !== 'string' || name === '') throw new PieError('MCP server name must be a non-empty string');
      if (this.servers.has(name) || this.starting.has(name)) throw new PieError(`MCP server '${name}' already registered`);
      this.starting.add(name);
      return from(
        StdioMcpServer.start(command).finally(() => this.starting.delete(name)),
      ).pipe(
        switchMap((server) => {
          this.servers.set(name, { command, server });
          return this.announce(name, command).pipe(
            map(() => undefined),
            catchError((error: unknown) => {
              this.servers.delete(name);
              server.close();
              return throwError(() => error);
            }),
          );
        }),
      );
    });
  }

  /** Registers every local server again (a new connection knows none of them). */
  reannounceAll(): void {
    for (const [name, { command }] of this.servers) this.announce(name, command).subscribe({ error: () => undefined });
  }

  /** Relays one `mcp_request` to its local server and answers it; never throws. */
  handle(frame: PieMcpRequestFrame): void {
    void this.relay(frame).then((answer) =>
      this.connection.send({ type: 'mcp_response', corr_id: frame.corr_id, ...answer }).subscribe({ error: () => undefined }),
    );
  }

  /** Stops every local server. */
  closeAll(): void {
    for (const { server } of this.servers.values()) server.close();
    this.servers.clear();
  }

  private announce(name: string, command: McpServerCommand): Observable<string> {
    return this.connection
      .request({
        type: 'register_mcp_server',
        name,
        transport: 'stdio',
        command: command.command,
        args: [...(command.args ?? [])],
      })
      .pipe(okResult('register_mcp_server'));
  }

  private async relay(frame: PieMcpRequestFrame): Promise<{ ok: boolean; result: string }> {
    const registered = this.servers.get(frame.server_name);
    if (!registered || !registered.server.alive) {
      const message = registered
        ? `MCP server '${frame.server_name}' is not running`
        : `MCP server '${frame.server_name}' not registered`;
      return { ok: false, result: JSON.stringify({ code: MCP_SERVER_ERROR, message }) };
    }
    let params: unknown;
    try {
      params = frame.params === '' ? {} : JSON.parse(frame.params);
    } catch {
      return { ok: false, result: JSON.stringify({ code: MCP_SERVER_ERROR, message: 'params are not valid JSON' }) };
    }
    try {
      const result = await registered.server.request(frame.method, params);
      const text = JSON.stringify(result ?? null);
      return { ok: true, result: text };
    } catch (error) {
      return { ok: false, result: mcpErrorText(error) };
    }
  }
}

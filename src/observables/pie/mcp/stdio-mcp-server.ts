import { PieError } from '../../../model/pie/errors.js';
import { needsNode, pieNodeServices, type PieChildProcess } from '../../../model/pie/platform.js';

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
  /** Extra environment variables for the child process. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

/**
 * The MCP protocol version of the `initialize` handshake every Pie client uses (spec 2.6).
 *
 * @example
 * ```ts
 * MCP_PROTOCOL_VERSION; // => '2024-11-05'
 * ```
 */
export const MCP_PROTOCOL_VERSION = '2024-11-05';
/**
 * JSON-RPC error code for a dead, unknown or failing local server (spec 2.6).
 *
 * @example
 * ```ts
 * JSON.stringify({ code: MCP_SERVER_ERROR, message: "MCP server 'x' not registered" });
 * ```
 */
export const MCP_SERVER_ERROR = -32000;

type ChildLike = PieChildProcess;

/**
 * A local MCP server spoken to over its stdin/stdout: newline-delimited JSON-RPC 2.0
 * (Node only; the Node entry installs the process launcher). `start` spawns it and
 * performs the `initialize` handshake (protocol `2024-11-05`) followed by
 * `notifications/initialized`. Requests run concurrently, matched by id; when the process
 * dies every pending and later request fails with code -32000.
 *
 * @example
 * ```ts
 * const server = await StdioMcpServer.start({ command: 'node', args: ['tools.mjs'] });
 * const tools = await server.request('tools/list', {});
 * server.close();
 * ```
 */
export class StdioMcpServer {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: McpErrorObject): void }>();
  private buffered = '';
  private deadReason: string | undefined;

  private constructor(private readonly child: ChildLike) {}

  /** Spawns the server and completes the MCP handshake; a failure gives `PieError`. */
  static async start(command: McpServerCommand, clientInfo = { name: 'flame-pie-rx', version: '0.1.0' }): Promise<StdioMcpServer> {
    const services = pieNodeServices();
    if (!services) throw new PieError(needsNode('starting a local MCP server'));
    const child = services.spawn({
      command: command.command,
      args: command.args ?? [],
      ...(command.cwd ? { cwd: command.cwd } : {}),
      ...(command.env ? { env: command.env } : {}),
    });
    const server = new StdioMcpServer(child);
    server.listen();
    try {
      await server.request('initialize', {
        protocolVersion: MCP_PROTOCOL_VERSION,
        capabilities: {},
        clientInfo,
      });
      server.notify('notifications/initialized', {});
    } catch (error) {
      server.close();
      const detail = typeof error === 'object' && error && 'message' in error ? String(error.message) : String(error);
      throw new PieError(`MCP server '${command.command}' failed to initialize: ${detail}`);
    }
    return server;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.deadReason === undefined;
  }

  /** Sends a JSON-RPC request; resolves with `result`, rejects with the error object. */
  request(method: string, params: unknown): Promise<unknown> {
    if (this.deadReason !== undefined) {
      return Promise.reject<unknown>({ code: MCP_SERVER_ERROR, message: this.deadReason });
    }
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  /** Sends a JSON-RPC notification (no reply). */
  notify(method: string, params: unknown): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** Stops the server process. */
  close(): void {
    this.die('MCP server was closed');
    this.child.stdin?.end();
    this.child.kill();
  }

  private write(message: unknown): void {
    if (this.deadReason !== undefined) return;
    try {
      this.child.stdin?.write(`${JSON.stringify(message)}\n`);
    } catch {
      this.die('MCP server is not running');
    }
  }

  private listen(): void {
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk) => {
      this.buffered += chunk;
      let newline = this.buffered.indexOf('\n');
      while (newline >= 0) {
        const line = this.buffered.slice(0, newline).trim();
        this.buffered = this.buffered.slice(newline + 1);
        if (line) this.onLine(line);
        newline = this.buffered.indexOf('\n');
      }
    });
    this.child.on('exit', (code, signal) => this.die(`MCP server exited (${signal ?? `code ${String(code)}`})`));
    this.child.on('error', (error) => this.die(`MCP server failed: ${error.message}`));
    // A server that exits while a request is being written gives EPIPE on its stdin: without
    // a listener that error would crash the process.
    // The exit that follows names the reason; a server that only closed its stdin is dead too.
    this.child.stdin?.on('error', (error: Error & { code?: string }) => {
      setTimeout(() => this.die(`MCP server stopped reading its input (${error.code ?? error.message})`), 100);
    });
  }

  private onLine(line: string): void {
    let message: { id?: unknown; result?: unknown; error?: McpErrorObject };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      return; // not JSON-RPC (a log line); MCP servers should not write those to stdout
    }
    if (typeof message.id !== 'number') return;
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.error) waiter.reject(message.error);
    else waiter.resolve(message.result);
  }

  private die(reason: string): void {
    if (this.deadReason !== undefined) return;
    this.deadReason = reason;
    for (const waiter of this.pending.values()) waiter.reject({ code: MCP_SERVER_ERROR, message: reason });
    this.pending.clear();
  }
}

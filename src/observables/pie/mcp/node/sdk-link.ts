// Node-only: a local stdio MCP server spoken to through `@modelcontextprotocol/sdk` (its
// `Client` and `StdioClientTransport`, which negotiate the protocol version). The SDK is an
// optional peer dependency, loaded on the first `registerMcpServer`: measured in a fresh
// project it adds 29 MB and 97 packages to an install (59 → 88 MB, 62 → 159 packages) and
// about 185 ms of CPU to the first import (as much again as all of `flame-pie-rx/pie`),
// for a feature only the 0.4 engine has (docs/pie.md, "MCP servers"). Its types are
// declared here structurally: the CommonJS build resolves modules the Node 10 way (no
// `exports`), and the shipped declarations must not name a package users may lack.
import { PieError } from '../../../../model/pie/errors.js';
import type { McpConnector, McpLink, McpLinkEvents } from '../mcp-link.js';
import type { McpServerCommand } from '../stdio-mcp-server.js';

/** The npm package the MCP bridge needs. */
export const MCP_SDK_PACKAGE = '@modelcontextprotocol/sdk';

/** The relay has no timeout (spec 2.6: the inferlet decides how long it waits). */
const NO_TIMEOUT_MS = 2_147_483_647;

interface ChildLike {
  stdin?: { setMaxListeners(n: number): void } | null;
  once(event: 'exit', cb: (code: number | null, signal: string | null) => void): void;
  kill(signal?: string): boolean;
  exitCode: number | null;
}

interface SdkTransport {
  readonly pid: number | null;
  start(): Promise<void>;
  send(message: unknown): Promise<void>;
  close(): Promise<void>;
  setProtocolVersion?(version: string): void;
}

interface SdkClient {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  connect(transport: SdkTransport, options?: { timeout?: number }): Promise<void>;
  request(request: { method: string; params?: unknown }, schema: unknown, options?: { timeout?: number }): Promise<unknown>;
  notification(notification: { method: string; params?: unknown }): Promise<void>;
  close(): Promise<void>;
}

/** The parts of the SDK used here. @internal */
export interface Sdk {
  Client: new (info: { name: string; version: string }, options: { capabilities: object }) => SdkClient;
  StdioClientTransport: new (params: {
    command: string;
    args: string[];
    env: Record<string, string>;
    cwd?: string;
    stderr: 'inherit';
  }) => SdkTransport;
  ResultSchema: unknown;
}

const importModule = (specifier: string): Promise<Record<string, unknown>> => import(specifier) as Promise<Record<string, unknown>>;
let loaded: Promise<Sdk> | undefined;

/**
 * Loads the SDK (once, with the default `load`); its absence is a `PieError` that names the
 * package to install.
 */
export function loadMcpSdk(load = importModule): Promise<Sdk> {
  if (load !== importModule) return attempt(load);
  loaded ??= attempt(load).catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

async function attempt(load: typeof importModule): Promise<Sdk> {
  try {
    const [client, stdio, types] = await Promise.all([
      load(`${MCP_SDK_PACKAGE}/client/index.js`),
      load(`${MCP_SDK_PACKAGE}/client/stdio.js`),
      load(`${MCP_SDK_PACKAGE}/types.js`),
    ]);
    return { Client: client['Client'], StdioClientTransport: stdio['StdioClientTransport'], ResultSchema: types['ResultSchema'] } as Sdk;
  } catch (error) {
    const code = (error as { code?: string } | undefined)?.code;
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    throw new PieError(
      missing
        ? `Local MCP servers need the optional peer dependency ${MCP_SDK_PACKAGE}: npm install ${MCP_SDK_PACKAGE}`
        : `${MCP_SDK_PACKAGE} failed to load: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/** The child of a started transport (the SDK keeps it private; exit code and kill need it). */
function childOf(transport: SdkTransport): ChildLike | undefined {
  return (transport as { _process?: ChildLike })._process;
}

function environment(extra: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return { ...env, ...(extra ?? {}) };
}

/**
 * Spawns the server with the SDK's stdio transport (the child inherits the environment and
 * stderr, as before) and initializes it. Reports one reason when it stops: its exit code or
 * signal, or a broken stdin (EPIPE: it stopped reading) shortly before the exit would.
 */
export const connectWithSdk: McpConnector = async (command: McpServerCommand, clientInfo, events: McpLinkEvents): Promise<McpLink> => {
  const sdk = await loadMcpSdk();
  const transport = new sdk.StdioClientTransport({
    command: command.command,
    args: [...(command.args ?? [])],
    env: environment(command.env),
    ...(command.cwd ? { cwd: command.cwd } : {}),
    stderr: 'inherit',
  });
  let protocolVersion: string | undefined;
  transport.setProtocolVersion = (version) => void (protocolVersion = version);
  let exit: string | undefined;
  let child: ChildLike | undefined;
  const start = transport.start.bind(transport);
  transport.start = async () => {
    await start();
    child = childOf(transport);
    // Each write the pipe holds back waits for 'drain': concurrent requests are unbounded.
    child?.stdin?.setMaxListeners(0);
    child?.once('exit', (code, signal) => void (exit = `MCP server exited (${signal ?? `code ${String(code)}`})`));
  };
  const client = new sdk.Client(clientInfo, { capabilities: {} });
  client.onclose = () => events.dead(exit ?? 'MCP server exited');
  client.onerror = (error: Error & { code?: string; syscall?: string }) => {
    if (error.syscall !== 'write') return; // spawn failures reject connect(); bad lines are skipped
    // The exit that usually follows names the reason better; a child that only closed its
    // stdin is dead too, and is stopped.
    setTimeout(() => {
      events.dead(`MCP server stopped reading its input (${error.code ?? error.message})`);
      link.close();
    }, 100).unref();
  };
  const link: McpLink = {
    get protocolVersion() {
      return protocolVersion;
    },
    get pid() {
      return transport.pid ?? undefined;
    },
    request: (method, params) =>
      client.request({ method, ...(params === undefined ? {} : { params }) }, sdk.ResultSchema, { timeout: NO_TIMEOUT_MS }),
    notify: (method, params) => void client.notification({ method, params }).catch(() => undefined),
    close: () => {
      if (child && child.exitCode === null) child.kill();
      void client.close().catch(() => undefined);
    },
  };
  try {
    await client.connect(transport, { timeout: 30_000 });
  } catch (error) {
    link.close();
    throw error;
  }
  return link;
};

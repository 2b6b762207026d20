import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LATEST_PROTOCOL_VERSION, ResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { PieError } from '../../../src/model/pie/errors.js';
import { MCP_SERVER_ERROR, StdioMcpServer } from '../../../src/observables/pie/mcp/stdio-mcp-server.js';
import { loadMcpSdk, MCP_SDK_PACKAGE, type Sdk } from '../../../src/observables/pie/mcp/node/sdk-link.js';

const calcServer = fileURLToPath(new URL('./fixtures/calc-mcp-server.mjs', import.meta.url));
const oldServer = fileURLToPath(new URL('./fixtures/old-mcp-server.mjs', import.meta.url));
const started: StdioMcpServer[] = [];
afterEach(() => {
  for (const server of started.splice(0)) server.close();
});
const start = async (args: string[], env?: Record<string, string>): Promise<StdioMcpServer> => {
  const server = await StdioMcpServer.start({ command: process.execPath, args, ...(env ? { env } : {}) });
  started.push(server);
  return server;
};
const gone = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

// The bridge declares the SDK's shape itself (see sdk-link.ts); this fails to typecheck if
// the installed SDK no longer fits it.
const sdkShape: Sdk = { Client, StdioClientTransport, ResultSchema };

describe('StdioMcpServer', () => {
  it('a server that stopped reading its stdin (EPIPE) is dead: no uncaught error, requests fail with -32000', async () => {
    const server = await start([calcServer], { CLOSE_STDIN_AFTER_INIT: '1' });
    // The child closes its stdin after the handshake; writes fail once it has (asynchronously).
    const deadline = Date.now() + 10_000;
    while (server.alive && Date.now() < deadline) {
      server.notify('notifications/progress', {});
      await sleep(20);
    }
    expect(server.alive).toBe(false);
    await expect(server.request('tools/list', {})).rejects.toEqual({
      code: MCP_SERVER_ERROR,
      message: 'MCP server stopped reading its input (EPIPE)',
    });
  });

  it('answers any method while it runs, and relays the server’s own error objects', async () => {
    const server = await start([calcServer]);
    expect(server.protocolVersion).toBe(LATEST_PROTOCOL_VERSION); // the SDK server accepts the client's latest
    await expect(server.request('tools/call', { name: 'add', arguments: { a: 2, b: 3 } })).resolves.toEqual({
      content: [{ type: 'text', text: '5' }],
    });
    await expect(server.request('resources/read', { uri: 'calc://note' })).resolves.toEqual({
      contents: [{ uri: 'calc://note', text: 'a note' }],
    });
    await expect(server.request('resources/read', { uri: 'calc://nope' })).rejects.toEqual({
      code: -32602,
      message: 'MCP error -32602: Resource calc://nope not found',
    });
    await expect(server.request('calc/unknown', {})).rejects.toEqual({ code: -32601, message: 'Method not found' });
  });

  it('a server that speaks an older protocol version works at the version it answered', async () => {
    const server = await start([oldServer]);
    expect(server.protocolVersion).toBe('2024-11-05');
    await expect(server.request('tools/list', {})).resolves.toEqual({ tools: [{ name: 'echo', inputSchema: { type: 'object' } }] });
    await expect(server.request('custom/thing', { x: [1, 2] })).resolves.toEqual({ method: 'custom/thing', params: { x: [1, 2] } });
  });

  it('a server whose protocol version the SDK does not know fails to start with a PieError', async () => {
    const failure = await StdioMcpServer.start({ command: process.execPath, args: [oldServer], env: { PROTOCOL_VERSION: '2023-01-01' } }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PieError);
    expect((failure as Error).message).toBe(
      `MCP server '${process.execPath}' failed to initialize: Server's protocol version is not supported: 2023-01-01`,
    );
  });

  it('a command that does not exist fails to start with a PieError naming the spawn error', async () => {
    const failure = await StdioMcpServer.start({ command: '/nonexistent/mcp-server' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PieError);
    expect((failure as Error).message).toMatch(/^MCP server '\/nonexistent\/mcp-server' failed to initialize: spawn \/nonexistent\/mcp-server ENOENT$/);
  });

  it('a child that dies mid-request fails that request and the others pending with its exit, no hang', async () => {
    const server = await start([calcServer]);
    const slow = server.request('tools/call', { name: 'wait', arguments: { ms: 60_000 } });
    const dies = server.request('tools/call', { name: 'die', arguments: {} });
    const exited = { code: MCP_SERVER_ERROR, message: 'MCP server exited (code 3)' };
    await expect(dies).rejects.toEqual(exited);
    await expect(slow).rejects.toEqual(exited);
    expect(server.alive).toBe(false);
    await expect(server.request('tools/list', {})).rejects.toEqual(exited);
  });

  it('close kills the child (also one that no longer reads its stdin) and fails what is pending', async () => {
    const calc = await start([calcServer], { CLOSE_STDIN_AFTER_INIT: '1' });
    const pending = calc.request('tools/call', { name: 'wait', arguments: { ms: 60_000 } });
    const childPid = calc.pid;
    calc.close();
    await expect(pending).rejects.toEqual({ code: MCP_SERVER_ERROR, message: 'MCP server was closed' });
    expect(childPid).toBeGreaterThan(0);
    const deadline = Date.now() + 5_000;
    while (!gone(childPid!) && Date.now() < deadline) await sleep(20);
    expect(gone(childPid!)).toBe(true);
  });

  it('without the SDK installed, starting fails with a PieError that names the package', async () => {
    const absent = (specifier: string) => import(specifier.replace(MCP_SDK_PACKAGE, '@modelcontextprotocol/not-installed'));
    await expect(loadMcpSdk()).resolves.toEqual(sdkShape);
    const failure = await loadMcpSdk(absent).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PieError);
    expect((failure as Error).message).toBe(
      'Local MCP servers need the optional peer dependency @modelcontextprotocol/sdk: npm install @modelcontextprotocol/sdk',
    );
  });
});

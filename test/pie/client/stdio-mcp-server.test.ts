import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { MCP_SERVER_ERROR, StdioMcpServer } from '../../../src/observables/pie/mcp/stdio-mcp-server.js';

const calcServer = fileURLToPath(new URL('./fixtures/calc-mcp-server.mjs', import.meta.url));
const started: StdioMcpServer[] = [];
afterEach(() => {
  for (const server of started.splice(0)) server.close();
});

describe('StdioMcpServer', () => {
  it('a server that stopped reading its stdin (EPIPE) is dead: no uncaught error, requests fail with -32000', async () => {
    const server = await StdioMcpServer.start({ command: process.execPath, args: [calcServer], env: { CLOSE_STDIN_AFTER_INIT: '1' } });
    started.push(server);
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

  it('answers requests while it runs', async () => {
    const server = await StdioMcpServer.start({ command: process.execPath, args: [calcServer] });
    started.push(server);
    await expect(server.request('tools/call', { name: 'add', arguments: { a: 2, b: 3 } })).resolves.toEqual({
      content: [{ type: 'text', text: '5' }],
    });
  });
});

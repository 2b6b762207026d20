// A local MCP server that exits while requests are being written: the writes fail with
// EPIPE on its stdin, which must fail those requests, not crash the process.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MCP_SERVER_ERROR, StdioMcpServer } from '../../../src/observables/pie/mcp/stdio-mcp-server.js';

describe('StdioMcpServer when the server dies', () => {
  it('fails pending and later requests with -32000 after its stdin breaks (EPIPE), no crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fpr-mcp-'));
    const script = join(dir, 'dies.mjs');
    // Answers the handshake, then closes stdin and exits on the first request.
    writeFileSync(
      script,
      `import { createInterface } from 'node:readline';
createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.method === 'initialize') process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: '2024-11-05', capabilities: {}, serverInfo: { name: 'dies', version: '1' } } }) + '\\n');
  else if (m.id !== undefined) { process.stdin.destroy(); process.exit(0); }
});
`,
    );
    const server = await StdioMcpServer.start({ command: process.execPath, args: [script] });
    const big = 'x'.repeat(256 * 1024); // fills the pipe, so writes are still pending when it dies
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => server.request('tools/call', { big })));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: MCP_SERVER_ERROR });
    expect(server.alive).toBe(false);
    await expect(server.request('tools/list', {})).rejects.toMatchObject({ code: MCP_SERVER_ERROR });
    server.close();
  });
});

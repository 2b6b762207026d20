// A process that starts a local MCP server through the built package, uses it and closes
// it exits by itself: nothing of the SDK's transport, the child or a timer is left open.
// Also one whose server died mid-request. ESM and CommonJS builds alike. The server class
// is internal: the ESM variant loads it from its own module file with the two Node installs
// `pie-node.js` makes, since the shipped ESM entries are bundles (scripts/bundle-esm.mjs)
// whose copy of the class no file path reaches.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from '../../package/built.js';

const run = promisify(execFile);
const calc = join(root, 'test/pie/client/fixtures/calc-mcp-server.mjs');
const body = `
const s = await StdioMcpServer.start({ command: process.execPath, args: [${JSON.stringify(calc)}] });
const sum = await s.request('tools/call', { name: 'add', arguments: { a: 1, b: 2 } });
s.close();
const d = await StdioMcpServer.start({ command: process.execPath, args: [${JSON.stringify(calc)}] });
const died = await d.request('tools/call', { name: 'die', arguments: {} }).catch((e) => e);
d.close();
console.log(JSON.stringify({ version: s.protocolVersion, sum, died }));
`;
const expected = {
  version: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
  sum: { content: [{ type: 'text', text: '3' }] },
  died: { code: -32000, message: 'MCP server exited (code 3)' },
};

beforeAll(() => ensureBuilt(), 120_000);

describe('the MCP bridge leaves no handle open', () => {
  it('ESM: the process exits on its own after close', async () => {
    const script = `await import('./dist/esm/model/pie/node/install.js');
await import('./dist/esm/observables/pie/mcp/node/install.js');
const { StdioMcpServer } = await import('./dist/esm/observables/pie/mcp/stdio-mcp-server.js');${body}`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root, timeout: 15_000 });
    expect(JSON.parse(stdout)).toEqual(expected);
  }, 20_000);

  it('CommonJS: the process exits on its own after close', async () => {
    const script = `require('./dist/cjs/pie-node.js');
const { StdioMcpServer } = require('./dist/cjs/observables/pie/mcp/stdio-mcp-server.js');
(async () => {${body}})();`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: root, timeout: 15_000 });
    expect(JSON.parse(stdout)).toEqual(expected);
  }, 20_000);
});

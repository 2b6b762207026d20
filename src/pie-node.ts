// Entry point `flame-pie-rx/pie/node` (and `flame-pie-rx/pie` under Node): the browser
// entry plus the Node implementations of key files, local files and the MCP stdio bridge
// (on `@modelcontextprotocol/sdk`, an optional peer dependency loaded on first use),
// installed on import.
import './model/pie/node/install.js';
import './observables/pie/mcp/node/install.js';

export * from './pie.js';

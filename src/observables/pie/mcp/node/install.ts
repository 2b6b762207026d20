// Node-only: installs the MCP stdio connector built on `@modelcontextprotocol/sdk`. Imported
// for its effect by the Node entry (listed in package.json sideEffects); the SDK itself is
// loaded only when a local MCP server is first started.
import { installMcpConnector } from '../mcp-link.js';
import { connectWithSdk } from './sdk-link.js';

installMcpConnector(connectWithSdk);

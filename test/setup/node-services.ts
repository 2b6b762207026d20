// Tests import the library's modules directly rather than through an entry, so they install
// the Node services (key files, local files, MCP stdio) the way the Node entry does.
import '../../src/model/pie/node/install.js';
import '../../src/observables/pie/mcp/node/install.js';

// Entry point `flame-pie-rx/pie/node` (and `flame-pie-rx/pie` under Node): the browser
// entry plus the Node implementations of key files, local files and the MCP stdio bridge,
// installed on import.
import './model/pie/node/install.js';

export * from './pie.js';

// The Node-only services the Pie client uses when it runs on Node: key files and local files
// (local MCP servers are started by the SDK's stdio transport, see mcp/node/). Browser-safe on purpose: this file holds only the hook. The Node entry
// (`flame-pie-rx/pie` under Node, `flame-pie-rx/pie/node`) installs the implementations
// from ./node/, so a browser bundle of `flame-pie-rx/pie` never reaches `node:*` or sshpk.
import type { LoadPrivateKeyOptions, PieSigner } from './keys.js';

/** The Node-only operations, installed by the Node entry. */
export interface PieNodeServices {
  loadPrivateKey(options: LoadPrivateKeyOptions): Promise<PieSigner>;
  readFile(path: string): Promise<Uint8Array>;
}

let installed: PieNodeServices | undefined;

/** Installs the Node implementations (done once by the Node entry on import). @internal */
export function installPieNodeServices(services: PieNodeServices): void {
  installed = services;
}

/** The Node services, or `undefined` where none are installed (a browser). @internal */
export function pieNodeServices(): PieNodeServices | undefined {
  return installed;
}

/** The sentence every Node-only operation gives in a browser. @internal */
export function needsNode(what: string): string {
  return `${what} needs Node.js (import from 'flame-pie-rx/pie/node'); in a browser pass the bytes, or a signer from signerFromFunction`;
}

// Node-only: installs the Node implementations of the Pie client's file and key
// operations. Imported for its effect by the Node entries (listed in package.json sideEffects).
import { readFile } from 'node:fs/promises';
import { installPieNodeServices } from '../platform.js';
import { loadPrivateKeyOnNode } from './load-private-key.js';

installPieNodeServices({
  loadPrivateKey: loadPrivateKeyOnNode,
  async readFile(path) {
    const buffer = await readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  },
});

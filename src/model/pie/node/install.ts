// Node-only: installs the Node implementations of the Pie client's file, key and process
// operations. Imported for its effect by the Node entries (listed in package.json sideEffects).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { installPieNodeServices, type PieChildProcess } from '../platform.js';
import { loadPrivateKeyOnNode } from './load-private-key.js';

installPieNodeServices({
  loadPrivateKey: loadPrivateKeyOnNode,
  async readFile(path) {
    const buffer = await readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  },
  spawn({ command, args, cwd, env }) {
    return spawn(command, [...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
      ...(cwd ? { cwd } : {}),
      env: { ...process.env, ...(env ?? {}) },
    }) as unknown as PieChildProcess;
  },
});

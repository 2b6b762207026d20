// Prelude `pie`: a PieEmulator with the guide's inferlets, `url` and a connected `client`,
// a key `pem` with its `passphrase`, a program (`wasm`, `manifest`) and the names the guide uses.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PieClient } from 'flame-pie-rx/pie';
import { PieEmulator, buildComponent } from 'flame-pie-rx/testing';
export * from './common.js';
export { PieClient, endAtTerminalEvent } from 'flame-pie-rx/pie';

export const passphrase = 'docs passphrase';
export const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;
export const emu = await PieEmulator.start({ tokenFailureDelayMs: 0 });
const greet = async (ctx: { stdout(t: string): void; input: string }) => {
  ctx.stdout('Hel');
  ctx.stdout('lo');
  return JSON.stringify({ text: 'Hello', input: ctx.input });
};
emu.registerInferlet('text-completion@0.1.0', greet);
emu.registerInferlet('chat@1.0.0', greet);
emu.registerInferlet('files@1.0.0', async (ctx) => {
  ctx.send('ready');
  await ctx.nextSignal();
  const file = await ctx.receiveFile();
  ctx.sendFile(file);
  return 'ok';
});
export const url = emu.url;
process.env.PIE_URL = url;
// A key at ~/.ssh/id_ed25519 of a fresh HOME (the emulator runs with authentication disabled).
const home = mkdtempSync(join(tmpdir(), 'fpr-docs-home-'));
mkdirSync(join(home, '.ssh'));
writeFileSync(join(home, '.ssh/id_ed25519'), generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
process.env.HOME = home;
// The guide's local MCP server `calc-server.mjs` (a newline-delimited JSON-RPC stdio server).
writeFileSync(
  'calc-server.mjs',
  `import { createInterface } from 'node:readline';
createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.id === undefined) return;
  const result = m.method === 'initialize' ? { protocolVersion: '2024-11-05', capabilities: { tools: {} }, serverInfo: { name: 'calc', version: '1' } } : {};
  process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: m.id, result }) + '\\n');
});
`,
);
export const client = await PieClient.connect(url, { username: 'docs' });
// A minimal WebAssembly component (the emulator checks what it stores, as the engine compiles it).
export const wasm = buildComponent();
export const manifest = '[package]\nname = "hello"\nversion = "0.1.0"\n';
export const bytes = new TextEncoder().encode('a file');
export const prompt = 'Hi';
export const input = { prompt: 'Hi' };

// Starts a real engine of a test's own (from PIE_ENGINE_DIR, with the shared serve.py), for
// tests that kill or restart an engine: the tier's shared engine must stay up for the others.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_DIR } from './engine-env.js';

/** The shared scripts: PIE_SHARED, else `../shared` next to the repository. */
function servePy(): string {
  const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  const shared = process.env['PIE_SHARED'] ?? join(repo, '..', 'shared');
  return join(shared, 'pie-engine', 'serve.py');
}

/** A running engine of one test. */
export interface OwnEngine {
  /** Base URL (`ws://127.0.0.1:PORT`). */
  readonly url: string;
  readonly port: number;
  /** SIGKILL: the engine dies at once, sockets are cut without a close frame. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/** Whether an own engine can be started (PIE_ENGINE_DIR and serve.py are there). */
export function canStartOwnEngine(): boolean {
  return Boolean(ENGINE_DIR) && existsSync(join(ENGINE_DIR, 'venv', 'bin', 'python')) && existsSync(servePy());
}

/** Boots an engine on `port` (0: a free one) and resolves once it accepts connections. */
export async function startOwnEngine(port = 0, timeoutMs = 60_000): Promise<OwnEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'pie-own-engine-'));
  const ready = join(dir, 'url');
  const child = spawn(join(ENGINE_DIR, 'venv', 'bin', 'python'), [servePy(), join(ENGINE_DIR, 'model'), '--port', String(port), '--ready-file', ready], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (part: Buffer) => (stderr = (stderr + part.toString()).slice(-4000)));
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(ready) || readFileSync(ready, 'utf8').trim() === '') {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`own engine did not start: ${stderr.split('\n').slice(-5).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = readFileSync(ready, 'utf8').trim();
  const done = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited(child);
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, port: Number(new URL(url).port), kill: () => done('SIGKILL'), stop: () => done('SIGTERM') };
}

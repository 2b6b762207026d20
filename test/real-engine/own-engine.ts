// Starts a private real Pie engine for the client's real-engine tests that must kill and
// restart one: `PIE_ENGINE_DIR` names the engine installation (the directory `setup.sh DIR`
// filled: `DIR/venv`, `DIR/model`); `PIE_ENGINE_SERVE` may name serve.py (default
// /work/shared/pie-engine/serve.py). Without PIE_ENGINE_DIR those tests do not run.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The engine installation directory, when the restart tests can run. */
export function engineDir(): string | undefined {
  const dir = process.env['PIE_ENGINE_DIR']?.trim();
  return dir && existsSync(join(dir, 'venv', 'bin', 'python')) ? dir : undefined;
}

/** One engine process of our own. */
export interface OwnEngine {
  /** `ws://127.0.0.1:PORT` as serve.py printed it. */
  readonly url: string;
  readonly port: number;
  /** Ends the engine abruptly (SIGKILL) and waits for the process to exit. */
  kill(): Promise<void>;
}

/** Boots an engine (on `port`, or a free one) and resolves once it printed its URL. */
export async function startEngine(dir: string, port = 0): Promise<OwnEngine> {
  const serve = process.env['PIE_ENGINE_SERVE'] ?? '/work/shared/pie-engine/serve.py';
  const child: ChildProcess = spawn(join(dir, 'venv', 'bin', 'python'), [serve, join(dir, 'model'), '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the engine printed no PIE_URL within 30 s: ${out.slice(-500)}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /PIE_URL (ws:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the engine exited (${String(code)}) before printing PIE_URL: ${out.slice(-500)}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

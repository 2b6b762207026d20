// Starts a bench server in its own node process, so that its CPU never counts in the
// client's process.cpuUsage(); it prints one `READY <json>` line and exits when its stdin closes.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onCores, pinning } from './pinning.js';

export interface ChildServer<T> {
  readonly info: T;
  /** The server's own CPU so far, µs (user + system), as it reports it. */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}

/** Runs `bench/<script>.js` (built next to this file) with a JSON config as its argument. */
export async function startChild<T>(script: string, config: unknown): Promise<ChildServer<T>> {
  const path = fileURLToPath(new URL(`./${script}.js`, import.meta.url));
  const [command, args] = onCores(pinning().serverCpus, process.execPath, [path, JSON.stringify(config)]);
  const child: ChildProcess = spawn(command, args, {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = lineReader(child);
  const ready = await lines.next();
  if (!ready.startsWith('READY ')) throw new Error(`bench server ${script} did not start: ${ready}`);
  return {
    info: JSON.parse(ready.slice(6)) as T,
    cpuMicros: async () => {
      child.stdin!.write('cpu\n');
      return Number((await lines.next()).replace(/^CPU /, ''));
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

function lineReader(child: ChildProcess): { next(): Promise<string> } {
  let buffer = '';
  const waiting: ((line: string) => void)[] = [];
  const ready: string[] = [];
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      const take = waiting.shift();
      if (take) take(line);
      else ready.push(line);
    }
  });
  child.once('exit', (code) => {
    for (const take of waiting.splice(0)) take(`EXIT ${String(code)}`);
  });
  return {
    next: () => (ready.length > 0 ? Promise.resolve(ready.shift()!) : new Promise((resolve) => waiting.push(resolve))),
  };
}

/** The child's side: prints READY, answers `cpu` with its CPU µs, runs `close` when stdin ends. */
export function serveChild(info: unknown, close: () => Promise<void>): void {
  process.stdout.write(`READY ${JSON.stringify(info)}\n`);
  let buffer = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const command = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      if (command === 'cpu') {
        const { user, system } = process.cpuUsage();
        process.stdout.write(`CPU ${user + system}\n`);
      }
    }
  });
  process.stdin.on('end', () => void close().then(() => process.exit(0)));
}

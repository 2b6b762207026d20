// Ctrl-C on the built CLI: SIGINT sent to the running tool, and what reached each emulator.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlameEmulator, PieEmulator } from '../../src/testing.js';
import { ensureBuilt, root } from '../package/built.js';

const CLI = join(root, 'dist/esm/cli/main.js');
let flame: FlameEmulator;
let pie: PieEmulator;
let dir = '';

interface Running {
  /** Resolves once stderr has matched `pattern`, with the match. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  interrupt(): void;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function start(args: string[]): Running {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watchers: Array<() => void> = [];
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
    for (const w of watchers.splice(0)) w();
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    }),
  );
  const waitFor = (pattern: RegExp): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const match = stderr.match(pattern);
        if (match) return resolve(match);
        if (child.exitCode !== null) return reject(new Error(`exited before ${String(pattern)}: ${stderr}`));
        watchers.push(check);
      };
      check();
    });
  return { waitFor, interrupt: () => child.kill('SIGINT'), done };
}

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'fpr-cli-int-'));
  flame = await FlameEmulator.start();
  flame.handle('slow', () => 'late', { delayMs: 60_000 });
  pie = await PieEmulator.start();
  pie.registerInferlet('wait@1.0.0', async (ctx) => `got ${await ctx.nextSignal()}`);
}, 120_000);

afterAll(async () => {
  await flame?.close();
  await pie?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Ctrl-C in the CLI', () => {
  it('pie launch: the process is terminated at the engine, exit 130', async () => {
    const run = start(['pie', '--url', pie.url, 'launch', 'wait@1.0.0']);
    const [, id] = await run.waitFor(/process ([0-9a-f-]{36})\n/);
    run.interrupt();
    const ended = await run.done;
    expect(ended.code).toBe(130);
    expect(ended.stderr).toContain(`process ${id} terminated`);
    expect(ended.stderr).toMatch(/error: interrupted\n$/);
    expect(pie.received.some((m) => m.type === 'terminate_process' && m.process_id === id)).toBe(true);
  });

  it('pie attach: the process is left running, exit 130', async () => {
    const launched = start(['pie', '--url', pie.url, '--json', 'launch', 'wait@1.0.0', '--detach']);
    const { stdout } = await launched.done;
    const { process: id } = JSON.parse(stdout) as { process: string };
    const attached = start(['pie', '--url', pie.url, 'attach', id]);
    const attachedYet = () => pie.received.some((m) => m.type === 'attach_process' && m.process_id === id);
    for (let i = 0; i < 200 && !attachedYet(); i++) await new Promise((r) => setTimeout(r, 25));
    expect(attachedYet()).toBe(true);
    attached.interrupt();
    const ended = await attached.done;
    expect(ended.code).toBe(130);
    expect(ended.stderr).toContain(`process ${id} left running`);
    expect(pie.received.some((m) => m.type === 'terminate_process' && m.process_id === id)).toBe(false);
  });

  it('flame run: the watch is cancelled at the server and the task named, exit 130', async () => {
    const at = ['flame', '--endpoint', flame.endpoint];
    expect((await start([...at, 'create-session', 'slow', '--id', 'int-s1']).done).code).toBe(0);
    const before = flame.cancelledCalls.filter((c) => c.method === 'watchTask').length;
    const run = start([...at, 'run', 'int-s1', 'x']);
    await run.waitFor(/task 1: (Pending|Running)\n/);
    for (let i = 0; i < 100 && flame.openStreams === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(flame.openStreams).toBe(1); // the watch is open at the server
    run.interrupt();
    const ended = await run.done;
    expect(ended.code).toBe(130);
    expect(ended.stderr).toContain('task 1 of session int-s1 was left running');
    for (let i = 0; i < 100 && flame.cancelledCalls.filter((c) => c.method === 'watchTask').length === before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(flame.cancelledCalls.filter((c) => c.method === 'watchTask').length).toBe(before + 1);
  });

  it('flame watch: Ctrl-C is its normal end, exit 0', async () => {
    const at = ['flame', '--endpoint', flame.endpoint];
    expect((await start([...at, 'create-session', 'slow', '--id', 'int-s2']).done).code).toBe(0);
    const watch = start([...at, 'watch', 'int-s2', '--interval', '50']);
    for (let i = 0; i < 200 && !flame.calls.some((c) => c.method === 'getSession'); i++) await new Promise((r) => setTimeout(r, 25));
    watch.interrupt();
    const ended = await watch.done;
    expect(ended).toMatchObject({ code: 0 });
    expect(ended.stdout).toMatch(/int-s2 Open: pending 0/);
  });
});

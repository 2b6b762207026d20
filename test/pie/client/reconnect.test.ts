import { afterEach, describe, expect, it } from 'vitest';
import { filter, firstValueFrom, lastValueFrom, take, tap, toArray } from 'rxjs';
import { fileURLToPath } from 'node:url';
import { delay, harness } from './helpers.js';
import { backoffPolicy } from '../../../src/transport/backoff.js';
import { PieProcessLostError } from '../../../src/model/pie/errors.js';
import type { PieClient } from '../../../src/observables/pie/pie-client.js';
import type { PieProcess } from '../../../src/observables/pie/processes/process-handle.js';
import type { PieEmulator } from '../../../src/testing/pie/index.js';

const h = harness();
const calcServer = fileURLToPath(new URL('./fixtures/calc-mcp-server.mjs', import.meta.url));
afterEach(() => h.cleanup());

/**
 * A test-controlled barrier the in-process inferlets wait on, so a connection is dropped
 * while they are quiet. (Frames an engine already wrote into a socket that then dies are
 * lost on the wire by nature; what the client must guarantee is that everything the engine
 * delivers or buffers arrives exactly once, in order.)
 */
class Gate {
  private opened!: () => void;
  readonly passed = new Promise<void>((resolve) => {
    this.opened = resolve;
  });
  open(): void {
    this.opened();
  }
}

/** An inferlet that writes `0;`, `1;` … `<count-1>;` as stdout events, each followed by a
 * stderr event with the same text every time (legitimate repeats), waits at `gate` after
 * `gateAt` writes, then waits for a signal before returning. */
function registerCounter(emu: PieEmulator, gate?: Gate, gateAt = 0): void {
  emu.registerInferlet('counter@1.0.0', async (ctx) => {
    const { count } = JSON.parse(ctx.input) as { count: number };
    for (let i = 0; i < count; i++) {
      if (gate && i === gateAt) await gate.passed;
      ctx.stdout(`${i};`);
      ctx.stderr('same text every time');
      if (i % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const word = await ctx.nextSignal();
    return JSON.stringify({ count, word });
  });
}

function expected(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(`stdout:${i};`, 'stderr:same text every time');
  return out;
}

/** Follows a process: records every event as `kind:text` (into `seen`, if given), signals
 * `finish` once all writes arrived, resolves with the record when the stream completes. */
function follow(process: PieProcess, count: number, seen: string[] = []): Promise<string[]> {
  return new Promise((resolve, reject) => {
    process.events$.subscribe({
      next(event) {
        if (event.kind === 'stdout' || event.kind === 'stderr') {
          seen.push(`${event.kind}:${event.text}`);
          if (event.kind === 'stdout' && event.text === `${count - 1};`) process.signal('finish').subscribe();
        } else if (event.kind === 'return') {
          seen.push(`return:${event.value}`);
        }
      },
      error: reject,
      complete: () => resolve(seen),
    });
  });
}

async function waitForState(client: PieClient, kind: string): Promise<void> {
  await firstValueFrom(client.state$.pipe(filter((s) => s.kind === kind)));
}

/** Drops every connection and waits until the emulator has noticed (no connection left). */
async function dropAndWaitClosed(emu: PieEmulator, client: PieClient): Promise<void> {
  emu.dropConnections();
  await waitForState(client, 'reconnecting');
  while (emu.connectionCount > 0) await delay(1);
}

/** A backoff slow enough that the emulator sees the old connection close before the new one opens. */
const reconnectAfter50ms = backoffPolicy({ initialDelayMs: 50, maxDelayMs: 50, jitter: 0 });

describe('PieClient reconnect and reattach', () => {
  it('designed mode: a dropped connection mid-stream loses and duplicates nothing', async () => {
    const emu = await h.emulator({ detachMode: 'designed' });
    const gate = new Gate();
    registerCounter(emu, gate, 41);
    const client = await h.client(emu, undefined, { backoff: reconnectAfter50ms });
    const count = 300;
    const process = await firstValueFrom(client.launch('counter@1.0.0', { count }));
    const done = follow(process, count);
    await firstValueFrom(process.events$.pipe(filter((e) => e.kind === 'stdout' && e.text === '40;'), take(1)));
    await dropAndWaitClosed(emu, client);
    gate.open(); // the inferlet writes on while nobody is attached: the engine buffers
    await waitForState(client, 'ready');
    const events = await done;
    expect(events).toEqual([...expected(count), `return:{"count":${count},"word":"finish"}`]);
    const attaches = emu.received.filter((m) => m.type === 'attach_process');
    expect(attaches).toHaveLength(1);
    expect(emu.received.filter((m) => m.type === 'auth_identify')).toHaveLength(2);
  });

  it('upstream mode: the stream fails with PieProcessLostError explaining the engine limitation', async () => {
    const emu = await h.emulator({ detachMode: 'upstream' });
    registerCounter(emu);
    const client = await h.client(emu);
    const process = await firstValueFrom(client.launch('counter@1.0.0', { count: 100_000 }));
    const done = follow(process, 100_000);
    await firstValueFrom(process.events$.pipe(filter((e) => e.kind === 'stdout' && e.text === '10;'), take(1)));
    emu.dropConnections();
    const error = await done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PieProcessLostError);
    const lost = error as PieProcessLostError;
    expect(lost.processId).toBe(process.id);
    expect(lost.serverMessage).toBe('Process not found');
    expect(lost.reason).toMatch(/do not detach processes on disconnect/);
    await firstValueFrom(client.terminateProcess(process.id));
  });

  it('50 live process streams survive several drops and each completes with all its events', async () => {
    const emu = await h.emulator({ detachMode: 'designed' });
    const gates = [new Gate(), new Gate(), new Gate()];
    const count = 120;
    emu.registerInferlet('counter@1.0.0', async (ctx) => {
      for (let i = 0; i < count; i++) {
        if (i % 30 === 0 && i > 0) await gates[i / 30 - 1]!.passed;
        ctx.stdout(`${i};`);
        ctx.stderr('same text every time');
        if (i % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return JSON.stringify({ count, word: await ctx.nextSignal() });
    });
    const client = await h.client(emu, undefined, { backoff: reconnectAfter50ms });
    const processes = await firstValueFrom(
      client.launchProcesses('counter@1.0.0', Array.from({ length: 50 }, () => ({ count }))),
    );
    const records = processes.map((): string[] => []);
    const results = Promise.all(processes.map((p, i) => follow(p, count, records[i])));
    const phase = async (n: number) => {
      while (!records.every((seen) => seen.includes(`stdout:${n};`))) await delay(2);
    };
    for (const [index, gate] of gates.entries()) {
      await phase(index * 30 + 29);
      await dropAndWaitClosed(emu, client);
      gate.open();
      await waitForState(client, 'ready');
    }
    const all = await results;
    for (const events of all) expect(events).toEqual([...expected(count), `return:{"count":${count},"word":"finish"}`]);
    expect(emu.received.filter((m) => m.type === 'attach_process')).toHaveLength(150);
  });

  it('a process launched after a reconnect is not reattached, and one that finished meanwhile is not either', async () => {
    const emu = await h.emulator({ detachMode: 'designed' });
    emu.registerInferlet('quick@1.0.0', () => 'ok');
    registerCounter(emu);
    const client = await h.client(emu);
    expect(await lastValueFrom(client.launchProcess('quick@1.0.0').pipe(toArray()))).toHaveLength(1);
    emu.dropConnections();
    await waitForState(client, 'reconnecting');
    await waitForState(client, 'ready');
    const process = await firstValueFrom(client.launch('counter@1.0.0', { count: 3 }));
    const events = await follow(process, 3);
    expect(events.at(-1)).toBe('return:{"count":3,"word":"finish"}');
    expect(emu.received.filter((m) => m.type === 'attach_process')).toHaveLength(0);
  });

  it('local MCP servers are registered again on the new connection', async () => {
    const emu = await h.emulator({ detachMode: 'designed' });
    emu.registerInferlet('adder@1.0.0', async (ctx) => ctx.mcp('calc', 'tools/call', { name: 'add', arguments: { a: 20, b: 22 } }));
    const client = await h.client(emu, undefined, { backoff: reconnectAfter50ms });
    await lastValueFrom(client.registerMcpServer('calc', { command: globalThis.process.execPath, args: [calcServer] }), {
      defaultValue: undefined,
    });
    await dropAndWaitClosed(emu, client);
    await waitForState(client, 'ready');
    const result = await lastValueFrom(client.launchProcess('adder@1.0.0'));
    expect(JSON.parse((result as { value: string }).value)).toEqual({ content: [{ type: 'text', text: '42' }] });
    expect(emu.received.filter((m) => m.type === 'register_mcp_server')).toHaveLength(2);
  });

  it('a listened-to workflow is reattached and its buffered children events are replayed', async () => {
    const emu = await h.emulator({ detachMode: 'designed' });
    const gate = new Gate();
    const finish = new Gate(); // a workflow that has finished is gone (attach: Workflow not found)
    emu.registerInferlet('child@1.0.0', async (ctx) => {
      ctx.stdout('before');
      await gate.passed;
      ctx.stdout('after');
      await finish.passed;
      return 'done';
    });
    const client = await h.client(emu, undefined, { backoff: reconnectAfter50ms });
    const workflow = await firstValueFrom(client.submitWorkflow({ type: 'process', program_name: 'child@1.0.0' }));
    const seen: string[] = [];
    const finished = lastValueFrom(
      workflow.events$.pipe(
        tap((e) => seen.push(e.kind === 'return' ? `return ${e.value}` : `${e.kind} ${'text' in e ? e.text : ''}`)),
        filter((e) => e.kind === 'return'),
        take(1),
      ),
    );
    while (!seen.includes('stdout before')) await delay(2);
    await dropAndWaitClosed(emu, client);
    gate.open();
    while (!seen.includes('stdout after')) await delay(2);
    finish.open();
    await finished;
    expect(seen).toEqual(['stdout before', 'stdout after', 'return done']);
    expect(emu.received.filter((m) => m.type === 'attach_workflow')).toHaveLength(1);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { filter, firstValueFrom, lastValueFrom, scan, switchMap, take, takeWhile, tap, toArray } from 'rxjs';
import { harness } from './helpers.js';
import { PieError, PieRequestError } from '../../../src/model/pie/errors.js';
import type { ProcessEvent } from '../../../src/model/pie/events.js';

const h = harness();
afterEach(() => h.cleanup());

const calcServer = fileURLToPath(new URL('./fixtures/calc-mcp-server.mjs', import.meta.url));

describe('PieClient MCP bridge', () => {
  it('relays tool calls to a local stdio MCP server, concurrently, with its errors', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('agent@1.0.0', async (ctx) => {
      const list = JSON.parse(await ctx.mcp('calc', 'tools/list', {})) as { tools: { name: string }[] };
      const [slow, sum] = await Promise.all([
        ctx.mcp('calc', 'tools/call', { name: 'wait', arguments: { ms: 150 } }),
        ctx.mcp('calc', 'tools/call', { name: 'add', arguments: { a: 2, b: 3 } }),
      ]);
      // A tool's own failure is a result (isError); a JSON-RPC error comes back as the server's error object.
      const toolError = JSON.parse(await ctx.mcp('calc', 'tools/call', { name: 'nope', arguments: {} }));
      const failure = await ctx.mcp('calc', 'resources/read', { uri: 'calc://nope' }).catch((e: Error & { code?: number }) => `${e.code}: ${e.message}`);
      return JSON.stringify({ tools: list.tools.map((t) => t.name), slow: JSON.parse(slow), sum: JSON.parse(sum), toolError, failure });
    });
    const client = await h.client(emu);
    await lastValueFrom(client.registerMcpServer('calc', { command: process.execPath, args: [calcServer] }), { defaultValue: undefined });
    const registration = emu.received.find((m) => m.type === 'register_mcp_server');
    expect(registration).toMatchObject({ name: 'calc', transport: 'stdio', command: process.execPath, args: [calcServer] });
    const result = await lastValueFrom(client.launchProcess('agent@1.0.0'));
    expect(JSON.parse((result as { value: string }).value)).toEqual({
      tools: ['add', 'wait', 'die'],
      slow: { content: [{ type: 'text', text: 'waited 150' }] },
      sum: { content: [{ type: 'text', text: '5' }] },
      toolError: { content: [{ type: 'text', text: 'MCP error -32602: Tool nope not found' }], isError: true },
      failure: '-32602: MCP error -32602: Resource calc://nope not found',
    });
    const responses = emu.received.filter((m) => m.type === 'mcp_response').map((m) => (m as { corr_id: number }).corr_id);
    expect(responses.indexOf(3)).toBeLessThan(responses.indexOf(2)); // the quick call overtook the slow one
  });

  it('a local name collision is refused; a dead server answers -32000', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('dead@1.0.0', async (ctx) =>
      ctx.mcp('gone', 'tools/list', {}).catch((e: Error & { code?: number }) => `${e.code}: ${e.message}`),
    );
    const client = await h.client(emu);
    await lastValueFrom(client.registerMcpServer('calc', { command: process.execPath, args: [calcServer] }), { defaultValue: undefined });
    const collision = await lastValueFrom(
      client.registerMcpServer('calc', { command: process.execPath, args: [calcServer] }),
      { defaultValue: undefined },
    ).catch((e: unknown) => e);
    expect(collision).toBeInstanceOf(PieError);
    expect((collision as Error).message).toBe("MCP server 'calc' already registered");
    await lastValueFrom(
      client.registerMcpServer('gone', { command: process.execPath, args: [calcServer], env: { EXIT_AFTER_INIT: '1' } }),
      { defaultValue: undefined },
    );
    const result = await lastValueFrom(client.launchProcess('dead@1.0.0'));
    // Which of the three the server is seen as first is a race: its exit, or a write to its closed stdin.
    expect((result as { value: string }).value).toMatch(
      /^-32000: MCP server (exited \(code 0\)|'gone' is not running|stopped reading its input \(EPIPE\))$/,
    );
  });

  it('a server that dies mid-request answers that relay -32000 with its exit, and the inferlet does not hang', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('crash@1.0.0', async (ctx) => {
      const fail = (e: Error & { code?: number }) => `${e.code}: ${e.message}`;
      const [pending, dying] = await Promise.all([
        ctx.mcp('calc', 'tools/call', { name: 'wait', arguments: { ms: 60_000 } }).catch(fail),
        ctx.mcp('calc', 'tools/call', { name: 'die', arguments: {} }).catch(fail),
      ]);
      const later = await ctx.mcp('calc', 'tools/list', {}).catch(fail);
      return JSON.stringify({ pending, dying, later });
    });
    const client = await h.client(emu);
    await lastValueFrom(client.registerMcpServer('calc', { command: process.execPath, args: [calcServer] }), { defaultValue: undefined });
    const result = await lastValueFrom(client.launchProcess('crash@1.0.0'));
    expect(JSON.parse((result as { value: string }).value)).toEqual({
      pending: '-32000: MCP server exited (code 3)',
      dying: '-32000: MCP server exited (code 3)',
      later: "-32000: MCP server 'calc' is not running",
    });
  });
});

describe('PieClient workflows', () => {
  it('streams the events of a workflow\u2019s children keyed by child id', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('sq@1.0.0', (ctx) => {
      const { n } = JSON.parse(ctx.input) as { n: number };
      ctx.stdout(`squaring ${n}`);
      return String(n * n);
    });
    const client = await h.client(emu);
    const tree = {
      type: 'fork',
      branches: [
        { type: 'process', program_name: 'sq@1.0.0', config: { n: 2 } },
        { type: 'process', program_name: 'sq@1.0.0', config: { n: 3 } },
      ],
    };
    const byChild = await lastValueFrom(
      client.submitWorkflow(tree).pipe(
        switchMap((workflow) => workflow.events$),
        scan((acc, e: ProcessEvent) => {
          (acc[e.processId] ??= []).push(e.kind === 'return' ? `return ${e.value}` : `${e.kind} ${'text' in e ? e.text : ''}`);
          return acc;
        }, {} as Record<string, string[]>),
        takeWhile((acc) => Object.values(acc).filter((list) => list.some((x) => x.startsWith('return'))).length < 2, true),
      ),
    );
    expect(Object.values(byChild).sort()).toEqual([
      ['stdout squaring 2', 'return 4'],
      ['stdout squaring 3', 'return 9'],
    ]);
    expect(emu.received.find((m) => m.type === 'submit_workflow')).toMatchObject({ json: JSON.stringify(tree) });
  });

  it('detach, attach replays buffered events, cancel ends the children; bad JSON is a PieRequestError', async () => {
    const emu = await h.emulator();
    let release!: () => void;
    const detached = new Promise<void>((resolve) => {
      release = resolve;
    });
    emu.registerInferlet('slow@1.0.0', async (ctx) => {
      ctx.stdout('started');
      await detached;
      ctx.stdout('while detached');
      await ctx.nextSignal();
      return 'unreachable';
    });
    const client = await h.client(emu);
    const workflow = await firstValueFrom(client.submitWorkflow(JSON.stringify({ type: 'process', program_name: 'slow@1.0.0' })));
    const untilDetach = lastValueFrom(workflow.events$.pipe(toArray()));
    await firstValueFrom(workflow.events$.pipe(filter((e) => e.kind === 'stdout')));
    await firstValueFrom(workflow.detach());
    const before = await untilDetach;
    expect(before.map((e) => e.kind === 'stdout' && e.text)).toEqual(['started']);
    release();
    const other = await h.client(emu);
    const attached = await firstValueFrom(other.attachWorkflow(workflow.id));
    const [replayed, cancelled] = await lastValueFrom(
      attached.events$.pipe(
        tap((e) => e.kind === 'stdout' && attached.cancel().subscribe()),
        take(2),
        toArray(),
      ),
    );
    expect(replayed).toMatchObject({ kind: 'stdout', text: 'while detached', processId: before[0]!.processId });
    expect(cancelled).toMatchObject({ kind: 'error', message: 'cancelled', processId: before[0]!.processId });
    const bad = await firstValueFrom(client.submitWorkflow('{not json')).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(PieRequestError);
    expect((bad as PieRequestError).serverMessage).toMatch(/^Invalid workflow JSON: /);
  });
});

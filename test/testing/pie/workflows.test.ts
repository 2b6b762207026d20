import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PieEmulator } from '../../../src/testing/pie/index.js';
import { RawClient, sleep } from './raw-client.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('PieEmulator workflows', () => {
  let emu: PieEmulator;
  const clients: RawClient[] = [];
  const inputs: string[] = [];
  const connect = async (username = 'alice'): Promise<RawClient> => {
    const client = await RawClient.connect(emu.url);
    clients.push(client);
    await client.identify(username);
    return client;
  };
  const submit = (client: RawClient, tree: unknown) => client.request({ type: 'submit_workflow', json: JSON.stringify(tree) });

  beforeEach(async () => {
    inputs.length = 0;
    emu = await PieEmulator.start();
    emu.registerInferlet('inc@1.0.0', (ctx) => {
      inputs.push(ctx.input);
      ctx.stdout(`inc ${ctx.input}`);
      const value = JSON.parse(ctx.input) as { n?: number; _input?: number };
      return JSON.stringify({ n: (value.n ?? value._input ?? 0) + 1 });
    });
    emu.registerInferlet('text@1.0.0', (ctx) => `plain:${ctx.input}`);
    emu.registerInferlet('block@1.0.0', async (ctx) => {
      ctx.send('blocked');
      return ctx.nextSignal();
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await emu.close();
  });

  it('runs a pipe of two processes and forwards child events under child ids', async () => {
    const client = await connect();
    const reply = await submit(client, {
      type: 'pipe',
      stages: [
        { type: 'literal', value: { n: 1 } },
        { type: 'process', program_name: 'inc@1.0.0' },
        { type: 'process', program_name: 'inc@1.0.0', config: { extra: true } },
      ],
    });
    expect(reply.ok).toBe(true);
    expect(reply.result).toMatch(UUID);
    const returns = () => client.frames.filter((f) => f.type === 'process_event' && f['event'] === 'return');
    await client.waitFor(() => returns().length === 2);
    expect(returns().map((f) => f['value'])).toEqual(['{"n":2}', '{"n":3}']);
    expect(inputs).toEqual(['{"n":1}', '{"n":2,"extra":true}']);
    const childIds = new Set(client.frames.filter((f) => f.type === 'process_event').map((f) => f['process_id']));
    expect(childIds.size).toBe(2);
    await sleep(20);
    expect(await client.request({ type: 'attach_workflow', workflow_id: reply.result })).toMatchObject({ ok: false, result: 'Workflow not found' });
    expect(await client.request({ type: 'cancel_workflow', workflow_id: reply.result })).toMatchObject({ ok: false, result: 'Service not found' });
  });

  it('runs a fork of branches on the same input, and input rules for non-objects and config', async () => {
    const client = await connect();
    await submit(client, {
      type: 'pipe',
      stages: [
        { type: 'literal', value: 5 },
        { type: 'fork', branches: [{ type: 'process', program_name: 'inc@1.0.0' }, { type: 'process', program_name: 'text@1.0.0', config: 'arg' }] },
      ],
    });
    const returns = () => client.frames.filter((f) => f.type === 'process_event' && f['event'] === 'return');
    await client.waitFor(() => returns().length === 2);
    expect(returns().map((f) => f['value']).sort()).toEqual(['plain:{"_input":5,"_args":["arg"]}', '{"n":6}']);
  });

  it('evaluates cond, map, iterate, fold and take', async () => {
    const client = await connect();
    await submit(client, {
      type: 'pipe',
      stages: [
        { type: 'literal', value: [1, 2, 3] },
        { type: 'take', k: 2 },
        { type: 'map', function: { type: 'process', program_name: 'inc@1.0.0' }, over: { type: 'pipe', stages: [] } },
        {
          type: 'cond',
          predicate: { type: 'literal', value: '0' },
          then: { type: 'process', program_name: 'text@1.0.0', config: 'then' },
          otherwise: { type: 'iterate', body: { type: 'process', program_name: 'inc@1.0.0' }, until: { type: 'literal', value: [1] } },
        },
      ],
    });
    const returns = () => client.frames.filter((f) => f.type === 'process_event' && f['event'] === 'return');
    await client.waitFor(() => returns().length === 3);
    expect(inputs.slice(0, 2).sort()).toEqual(['{"_input":1}', '{"_input":2}']);
    expect(inputs[2]).toBe('{"_input":[{"n":2},{"n":3}]}');
    expect(returns().some((f) => String(f['value']).startsWith('plain:'))).toBe(false);
  });

  it('fails an iterate after 1000 rounds without running anything else', async () => {
    const client = await connect();
    const reply = await submit(client, {
      type: 'pipe',
      stages: [
        { type: 'iterate', body: { type: 'literal', value: 0 }, until: { type: 'literal', value: false } },
        { type: 'process', program_name: 'inc@1.0.0' },
      ],
    });
    await sleep(100);
    expect(inputs).toEqual([]);
    expect(await client.request({ type: 'attach_workflow', workflow_id: reply.result })).toMatchObject({ ok: false, result: 'Workflow not found' });
  });

  it('keeps the first k of a fork followed by take and cancels the rest', async () => {
    const client = await connect();
    await submit(client, {
      type: 'pipe',
      stages: [
        { type: 'fork', branches: [{ type: 'process', program_name: 'block@1.0.0' }, { type: 'process', program_name: 'text@1.0.0' }] },
        { type: 'take', k: 1 },
        { type: 'process', program_name: 'inc@1.0.0' },
      ],
    });
    await client.waitFor((f) => f['event'] === 'error' && f['value'] === 'cancelled');
    await client.waitFor((f) => f['event'] === 'return' && String(f['value']).startsWith('{"n"'));
    expect(inputs).toEqual(['{"_input":["plain:{}"]}']);
  });

  it('cancel terminates running children with cancelled, from any connection', async () => {
    const client = await connect();
    const other = await connect('bob');
    const { result: id } = await submit(client, { type: 'fork', branches: [{ type: 'process', program_name: 'block@1.0.0' }, { type: 'process', program_name: 'block@1.0.0' }] });
    await client.waitFor(() => client.frames.filter((f) => f['event'] === 'message').length === 2);
    expect(await other.request({ type: 'cancel_workflow', workflow_id: id })).toMatchObject({ ok: true, result: 'Workflow cancelled' });
    await client.waitFor(() => client.frames.filter((f) => f['event'] === 'error').length === 2);
    expect(client.frames.filter((f) => f['event'] === 'error').map((f) => f['value'])).toEqual(['cancelled', 'cancelled']);
    expect(await other.request({ type: 'cancel_workflow', workflow_id: 'bad' })).toMatchObject({ ok: false, result: 'Invalid workflow ID' });
  });

  it('attach/detach tables and replay of events kept while detached', async () => {
    const client = await connect();
    const bob = await connect('bob');
    const { result: id } = await submit(client, {
      type: 'pipe',
      stages: [{ type: 'process', program_name: 'block@1.0.0' }, { type: 'process', program_name: 'block@1.0.0' }],
    });
    await client.waitFor((f) => f['event'] === 'message');
    expect(await client.request({ type: 'attach_workflow', workflow_id: id })).toMatchObject({ ok: false, result: 'already attached' });
    expect(await bob.request({ type: 'attach_workflow', workflow_id: id })).toMatchObject({ ok: false, result: 'Permission denied' });
    expect(await client.request({ type: 'attach_workflow', workflow_id: 'x' })).toMatchObject({ ok: false, result: 'Invalid workflow ID' });
    expect(await client.request({ type: 'detach_workflow', workflow_id: 'x' })).toMatchObject({ ok: false, result: 'Invalid workflow ID' });
    expect(await bob.request({ type: 'detach_workflow', workflow_id: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ ok: true, result: 'Workflow detached' });
    expect(await bob.request({ type: 'detach_workflow', workflow_id: id })).toMatchObject({ ok: true, result: 'Workflow detached' });
    const firstChild = client.frames.find((f) => f['event'] === 'message')!['process_id'] as string;
    const before = client.frames.length;
    const [listed] = JSON.parse((await client.request({ type: 'list_processes' })).result) as { id: string }[];
    expect(listed!.id).toBe(firstChild);

    const second = await connect();
    expect(await second.request({ type: 'attach_process', process_id: firstChild })).toMatchObject({ ok: true, result: 'Process attached' });
    second.send({ type: 'signal_process', process_id: firstChild, message: 'go' });
    await second.terminal(firstChild);
    let secondChild: string | undefined;
    for (let attempt = 0; attempt < 100 && !secondChild; attempt++) {
      const list = JSON.parse((await second.request({ type: 'list_processes' })).result) as { id: string }[];
      secondChild = list.find((p) => p.id !== firstChild)?.id;
    }
    expect(secondChild).toBeDefined();
    await sleep(20);
    expect(client.frames.slice(before).filter((f) => f.type === 'process_event')).toEqual([]);

    const attachReply = await second.request({ type: 'attach_workflow', workflow_id: id });
    expect(attachReply).toMatchObject({ ok: true, result: 'Workflow attached' });
    await second.waitFor((f) => f['process_id'] === secondChild && f['event'] === 'message');
    const replyIndex = second.frames.findIndex((f) => f['corr_id'] === attachReply.corr_id);
    const replayed = second.frames.slice(replyIndex + 1).map((f) => [f['process_id'], f['event'], f['value']]);
    expect(replayed).toEqual([
      [firstChild, 'return', 'go'],
      [secondChild, 'message', 'blocked'],
    ]);
    expect(await second.request({ type: 'terminate_process', process_id: secondChild })).toMatchObject({ ok: true });
    await second.waitFor((f) => f['process_id'] === secondChild && f['event'] === 'error');
  });

  it('rejects invalid documents and empty pipes', async () => {
    const client = await connect();
    const bad = await client.request({ type: 'submit_workflow', json: '{' });
    expect(bad.ok).toBe(false);
    expect(bad.result).toMatch(/^Invalid workflow JSON: /);
    expect(await submit(client, { type: 'pipe' })).toMatchObject({ ok: false, result: 'Invalid workflow JSON: missing field `stages`' });
    expect((await submit(client, { type: 'loop' })).result).toMatch(/^Invalid workflow JSON: unknown variant `loop`/);
    expect(await submit(client, { type: 'pipe', stages: [] })).toMatchObject({ ok: false, result: 'Workflow has no executable steps' });
  });
});

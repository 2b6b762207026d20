import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InferletHostError, InferletMcpError, PieEmulator } from '../../../src/testing/pie/index.js';
import { RawClient, type Frame } from './raw-client.js';

describe('PieEmulator MCP relay', () => {
  let emu: PieEmulator;
  let client: RawClient;

  beforeEach(async () => {
    emu = await PieEmulator.start();
    emu.registerInferlet('tools@1.0.0', async (ctx) => {
      const { server, method, params } = JSON.parse(ctx.input) as { server: string; method: string; params: unknown };
      const first = await ctx.mcp(server, method, params as object);
      const second = await ctx.mcp(server, 'tools/call', '{"name":"x","arguments":{}}');
      return JSON.stringify([first, second]);
    });
    emu.registerInferlet('catch@1.0.0', async (ctx) => {
      try {
        return await ctx.mcp('files', 'tools/list', {});
      } catch (error) {
        if (error instanceof InferletMcpError) return JSON.stringify({ code: error.code, message: error.message, data: error.data ?? null });
        if (error instanceof InferletHostError) return `host: ${error.message}`;
        throw error;
      }
    });
    client = await RawClient.connect(emu.url);
    await client.identify();
  });
  afterEach(async () => {
    await client.close();
    await emu.close();
  });

  const answer = (request: Frame, ok: boolean, result: string): void =>
    client.send({ type: 'mcp_response', corr_id: request['corr_id'], ok, result });

  it('relays requests with a per-connection counter from 1 and resolves with the results', async () => {
    expect(await client.request({ type: 'register_mcp_server', name: 'files', transport: 'stdio', command: 'x', args: ['a'], url: null })).toMatchObject({
      ok: true,
      result: 'MCP server registered',
    });
    const input = JSON.stringify({ server: 'files', method: 'tools/list', params: {} });
    const { result: id } = await client.request({ type: 'launch_process', inferlet: 'tools@1.0.0', input, capture_outputs: true });
    const first = await client.waitFor((f) => f.type === 'mcp_request');
    expect(first).toEqual({ type: 'mcp_request', corr_id: 1, process_id: id, server_name: 'files', method: 'tools/list', params: '{}' });
    const raw = client.rawFrames.find((r) => r.includes(Buffer.from('mcp_request')))!;
    expect(raw.subarray(0, 19).toString('hex')).toBe(Buffer.concat([Buffer.from('86a474797065ab', 'hex'), Buffer.from('mcp_request'), Buffer.from('a7', 'hex')]).toString('hex'));
    client.send({ type: 'mcp_response', corr_id: 77, ok: true, result: 'ignored' });
    answer(first, true, '{"tools":[]}');
    const second = await client.waitFor((f) => f.type === 'mcp_request' && f['corr_id'] === 2);
    expect(second['params']).toBe('{"name":"x","arguments":{}}');
    answer(second, true, '{"content":[]}');
    expect((await client.terminal(id))['value']).toBe(JSON.stringify(['{"tools":[]}', '{"content":[]}']));
  });

  it('turns ok=false into an MCP error (parsed object, or -32000 with the raw text)', async () => {
    await client.request({ type: 'register_mcp_server', name: 'files', transport: 'stdio' });
    const { result: a } = await client.request({ type: 'launch_process', inferlet: 'catch@1.0.0', input: '', capture_outputs: true });
    answer(await client.waitFor((f) => f.type === 'mcp_request'), false, '{"code":-32601,"message":"no such method","data":{"x":1}}');
    expect(JSON.parse((await client.terminal(a))['value'] as string)).toEqual({ code: -32601, message: 'no such method', data: { x: 1 } });
    const { result: b } = await client.request({ type: 'launch_process', inferlet: 'catch@1.0.0', input: '', capture_outputs: true });
    answer(await client.waitFor((f) => f.type === 'mcp_request' && f['process_id'] === b), false, 'plain failure');
    expect(JSON.parse((await client.terminal(b))['value'] as string)).toEqual({ code: -32000, message: 'plain failure', data: null });
  });

  it('fails for unregistered servers and for processes without an attached connection', async () => {
    const { result: id } = await client.request({ type: 'launch_process', inferlet: 'catch@1.0.0', input: '', capture_outputs: true });
    expect(JSON.parse((await client.terminal(id))['value'] as string)).toEqual({ code: -1, message: "MCP server 'files' not registered", data: null });
    await client.request({ type: 'register_mcp_server', name: 'files', transport: 'stdio' });
    const [pid] = JSON.parse((await client.request({ type: 'launch_processes', inferlet: 'catch@1.0.0', inputs: [''], capture_outputs: false })).result) as string[];
    const done = await client.request({ type: 'run_processes', inferlet: 'catch@1.0.0', inputs: [''] });
    expect(JSON.parse(done.result)[0]).toMatch(/^host: No client session for process [0-9a-f-]{36}$/);
    expect(pid).toBeDefined();
  });
});

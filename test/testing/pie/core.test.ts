import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PieEmulator } from '../../../src/testing/pie/index.js';
import { RawClient, sleep } from './raw-client.js';

describe('PieEmulator core', () => {
  let emu: PieEmulator;
  const clients: RawClient[] = [];
  const connect = async (): Promise<RawClient> => {
    const client = await RawClient.connect(emu.url);
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    emu = await PieEmulator.start({ tokenFailureDelayMs: 0 });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await emu.close();
  });

  it('answers ping with the byte-exact Pong frame', async () => {
    const client = await connect();
    await client.identify();
    const before = client.rawFrames.length;
    client.send(Buffer.from('82a474797065a470696e67a7636f72725f696401', 'hex'));
    await client.waitFor((f) => f.type === 'response' && f['result'] === 'Pong');
    expect(client.rawFrames[before]!.toString('hex')).toBe(
      '84a474797065a8726573706f6e7365a7636f72725f696401a26f6bc3a6726573756c74a4506f6e67',
    );
    expect(emu.received.at(-1)).toEqual({ type: 'ping', corr_id: 1 });
    expect(emu.received.at(-1)!.connectionId).toBe(1);
  });

  it('accepts any path and counts connections', async () => {
    const client = await RawClient.connect(`${emu.url}/some/path?x=1`);
    clients.push(client);
    await client.identify();
    expect((await client.request({ type: 'ping' })).result).toBe('Pong');
    expect(emu.connectionCount).toBe(1);
  });

  it('drops everything before authentication, then answers', async () => {
    const client = await connect();
    client.send({ type: 'ping', corr_id: 7 });
    client.send({ type: 'list_processes', corr_id: 8 });
    expect(await client.expectNothing(() => true)).toBe(true);
    expect(emu.received.map((m) => m.type)).toEqual(['ping', 'list_processes']);
    const reply = await client.request({ type: 'auth_identify', username: 'bob' });
    expect(reply).toMatchObject({ ok: true, result: 'Authenticated (Engine disabled authentication)' });
    expect((await client.request({ type: 'ping' })).result).toBe('Pong');
  });

  it('accepts a request queued right behind a successful one-step authentication', async () => {
    const client = await connect();
    client.send({ type: 'auth_identify', corr_id: 1, username: 'x' });
    client.send({ type: 'ping', corr_id: 2 });
    const pong = await client.waitFor((f) => f['corr_id'] === 2);
    expect(pong['result']).toBe('Pong');
  });

  it('ignores text frames and corrupt frames and still answers ping', async () => {
    const client = await connect();
    await client.identify();
    client.socket.send('{"type":"ping","corr_id":1}');
    client.send(Uint8Array.of(0xc1, 0x00));
    client.send({ type: 'no_such_kind', corr_id: 3 });
    client.send({ type: 'ping', corr_id: 4.5 });
    client.send({ type: 'ping', corr_id: -1 });
    client.send({ type: 'ping', corr_id: 2 ** 32 });
    client.send({ type: 'ping' });
    expect(await client.expectNothing(() => true)).toBe(true);
    expect((await client.request({ type: 'ping' })).result).toBe('Pong');
  });

  it('launches a captured process: response first, then events in order, then removal', async () => {
    emu.registerInferlet('echo@1.0.0', async (ctx) => {
      ctx.stdout('out1');
      ctx.stdout('');
      ctx.stderr('err1');
      ctx.send('msg1');
      return `echo:${ctx.input}`;
    });
    const client = await connect();
    await client.identify();
    const reply = await client.request({ type: 'launch_process', inferlet: 'echo@1.0.0', input: '{"a":1}', capture_outputs: true });
    expect(reply.ok).toBe(true);
    expect(reply.result).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const id = reply.result;
    await client.terminal(id);
    const responseIndex = client.frames.findIndex((f) => f.type === 'response' && f['result'] === id);
    const firstEvent = client.frames.findIndex((f) => f.type === 'process_event');
    expect(responseIndex).toBeLessThan(firstEvent);
    expect(client.events(id)).toEqual([
      { event: 'stdout', value: 'out1' },
      { event: 'stderr', value: 'err1' },
      { event: 'message', value: 'msg1' },
      { event: 'return', value: 'echo:{"a":1}' },
    ]);
    const stdoutFrame = client.rawFrames.find((raw) => raw.includes(Buffer.from('out1')))!;
    const expected = Buffer.concat([
      Buffer.from('84a474797065ad', 'hex'),
      Buffer.from('process_event'),
      Buffer.from('aa', 'hex'),
      Buffer.from('process_id'),
      Buffer.from('d924', 'hex'),
      Buffer.from(id),
      Buffer.from('a56576656e74a6', 'hex'),
      Buffer.from('stdout'),
      Buffer.from('a576616c7565a4', 'hex'),
      Buffer.from('out1'),
    ]);
    expect(stdoutFrame.toString('hex')).toBe(expected.toString('hex'));
    expect((await client.request({ type: 'list_processes' })).result).toBe('[]');
    expect(await client.request({ type: 'attach_process', process_id: id })).toMatchObject({ ok: false, result: 'Process not found' });
  });

  it('reports a thrown error as an error event', async () => {
    emu.registerInferlet('fail@1.0.0', () => {
      throw new Error('boom');
    });
    const client = await connect();
    await client.identify();
    const { result: id } = await client.request({ type: 'launch_process', inferlet: 'fail@1.0.0', input: '', capture_outputs: true });
    expect((await client.terminal(id))['value']).toBe('boom');
  });

  it('terminates a process with Signal, answering before the event', async () => {
    emu.registerInferlet('wait@1.0.0', async (ctx) => ctx.nextSignal());
    const client = await connect();
    await client.identify();
    const { result: id } = await client.request({ type: 'launch_process', inferlet: 'wait@1.0.0', input: '', capture_outputs: true });
    const listed = JSON.parse((await client.request({ type: 'list_processes' })).result) as unknown[];
    expect(listed).toEqual([{ id, username: 'alice', program: 'wait@1.0.0', input: '', elapsed_secs: 0 }]);
    expect(Object.keys(listed[0] as object)).toEqual(['id', 'username', 'program', 'input', 'elapsed_secs']);
    const reply = await client.request({ type: 'terminate_process', process_id: id.toUpperCase() });
    expect(reply).toMatchObject({ ok: true, result: 'Process terminated' });
    expect((await client.terminal(id))['value']).toBe('Signal');
    const respIdx = client.frames.findIndex((f) => f.type === 'response' && f['corr_id'] === reply.corr_id);
    const evIdx = client.frames.findIndex((f) => f.type === 'process_event' && f['event'] === 'error');
    expect(respIdx).toBeLessThan(evIdx);
  });

  it('signals go to a FIFO the inferlet reads later', async () => {
    emu.registerInferlet('sig@1.0.0', async (ctx) => {
      ctx.send('ready');
      await sleep(50);
      const a = await ctx.nextSignal();
      const b = await ctx.nextSignal();
      return `${a},${b}`;
    });
    const client = await connect();
    await client.identify();
    const { result: id } = await client.request({ type: 'launch_process', inferlet: 'sig@1.0.0', input: '', capture_outputs: true });
    await client.waitFor((f) => f['event'] === 'message');
    client.send({ type: 'signal_process', process_id: id, message: 'one' });
    client.send({ type: 'signal_process', process_id: id, message: 'two' });
    expect((await client.terminal(id))['value']).toBe('one,two');
  });

  it('reattaches after a dropped connection in designed mode and replays buffered events', async () => {
    emu.registerInferlet('slow@1.0.0', async (ctx) => {
      ctx.stdout('before');
      await ctx.nextSignal().catch(() => undefined);
      return 'never';
    });
    let release: () => void = () => undefined;
    let finish: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const end = new Promise<void>((r) => (finish = r));
    emu.registerInferlet('later@1.0.0', async (ctx) => {
      await gate;
      ctx.stdout('while-detached');
      ctx.send('dropped-message');
      await end;
      return 'done';
    });
    const a = await connect();
    await a.identify();
    const { result: id } = await a.request({ type: 'launch_process', inferlet: 'later@1.0.0', input: '', capture_outputs: true });
    emu.dropConnections();
    await sleep(50);
    expect(a.closed).toBe(true);
    expect(emu.connectionCount).toBe(0);
    release();
    await sleep(10);
    const b = await connect();
    await b.identify();
    const reply = await b.request({ type: 'attach_process', process_id: id });
    expect(reply).toMatchObject({ ok: true, result: 'Process attached' });
    await b.waitFor((f) => f['event'] === 'stdout');
    finish();
    await b.terminal(id);
    expect(b.events(id)).toEqual([
      { event: 'stdout', value: 'while-detached' },
      { event: 'return', value: 'done' },
    ]);
    const replyIndex = b.frames.findIndex((f) => f.type === 'response' && f['result'] === 'Process attached');
    expect(b.frames.findIndex((f) => f.type === 'process_event')).toBe(replyIndex + 1);
  });

  it('in upstream mode the dead connection keeps the process: attach → Process not found', async () => {
    await emu.close();
    emu = await PieEmulator.start({ detachMode: 'upstream' });
    emu.registerInferlet('wait@1.0.0', async (ctx) => ctx.nextSignal());
    const a = await connect();
    await a.identify();
    const { result: id } = await a.request({ type: 'launch_process', inferlet: 'wait@1.0.0', input: '', capture_outputs: true });
    await a.close();
    await sleep(30);
    const b = await connect();
    await b.identify();
    expect(await b.request({ type: 'attach_process', process_id: id })).toMatchObject({ ok: false, result: 'Process not found' });
    expect(await b.request({ type: 'terminate_process', process_id: id })).toMatchObject({ ok: true, result: 'Process terminated' });
    expect(await b.expectNothing((f) => f.type === 'process_event')).toBe(true);
  });

  it('close() ends client sockets', async () => {
    const client = await connect();
    await emu.close();
    await sleep(30);
    expect(client.socket.readyState).toBe(WebSocket.CLOSED);
  });
});

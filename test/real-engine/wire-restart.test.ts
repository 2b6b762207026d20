// Real faults on a real engine of this test's own: killed abruptly while a process runs, then
// booted again on the same port. What a client sees on the wire: the socket cut (1006), a
// refused reconnect while it is down, then a fresh engine where the old process is unknown.
import { afterAll, describe, expect, it } from 'vitest';
import { canStartOwnEngine, startOwnEngine, type OwnEngine } from './own-engine.js';
import { GatewayDriver, resultOf } from './raw-driver.js';

describe('real engine killed and restarted (own engine from PIE_ENGINE_DIR)', () => {
  const engines: OwnEngine[] = [];
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.stop()));
  });

  it('cuts the socket with 1006; after a restart the old process is not found', async () => {
    if (!canStartOwnEngine()) throw new Error('set PIE_ENGINE_DIR to the engine install (setup.sh DIR) and PIE_SHARED if ../shared is elsewhere');
    const first = await startOwnEngine();
    engines.push(first);
    const d = await GatewayDriver.connect(first.url);
    const { result: id } = resultOf(
      await d.request({ type: 'launch_process', inferlet: 'compat-openai', input: '{"prompt":"x","max_tokens":64}', capture_outputs: true }),
    );
    const closed = new Promise<number>((resolve) => d.socket.once('close', (code) => resolve(code)));
    await first.kill();
    expect(await closed).toBe(1006);
    await expect(GatewayDriver.connect(first.url)).rejects.toThrow(/ECONNREFUSED/);

    const second = await startOwnEngine(first.port);
    engines.push(second);
    expect(second.url).toBe(first.url);
    const again = await GatewayDriver.connect(second.url);
    expect(resultOf(await again.request({ type: 'attach_process', process_id: id }))).toEqual({ ok: false, result: 'Process not found' });
    expect(resultOf(await again.request({ type: 'list_processes' }))).toEqual({ ok: true, result: '[]' });
    await again.close();
  }, 60_000);
});

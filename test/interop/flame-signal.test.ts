import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlameClient } from '../../src/flame.js';
import { firstValue } from '../../src/interop/promise.js';
import { FlameEmulator } from '../../src/testing.js';

let emu: FlameEmulator;
let client: FlameClient;
beforeAll(async () => {
  emu = await FlameEmulator.start();
  client = FlameClient.connect({ endpoint: emu.endpoint, env: {} });
});
afterAll(async () => {
  client.close();
  await emu.close();
});

const cancelledAtServer = async (method: string): Promise<boolean> => {
  for (let i = 0; i < 100; i++) {
    if (emu.cancelledCalls.some((c) => c.method.toLowerCase() === method.toLowerCase())) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
};

describe('the `signal` call option of Flame operations', () => {
  it('aborting a unary call errors it with the reason and cancels it at the server', async () => {
    emu.delayNext(1, 5_000, { method: 'GetApplication' });
    const controller = new AbortController();
    const pending = firstValue(client.getApplication('flmping', { signal: controller.signal }));
    await new Promise((r) => setTimeout(r, 200));
    controller.abort(new Error('no longer needed'));
    await expect(pending).rejects.toThrow('no longer needed');
    expect(await cancelledAtServer('GetApplication')).toBe(true);
  });

  it('an already aborted signal never starts the call; without a signal nothing changes', async () => {
    await expect(firstValue(client.listApplications({ signal: AbortSignal.abort(new Error('early')) }))).rejects.toThrow('early');
    expect((await firstValue(client.listApplications())).length).toBeGreaterThan(0);
  });
});

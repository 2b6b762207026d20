import { describe, expect, it } from 'vitest';
import { FlameUnreachableError, connectFlame } from '../../src/interop/flame-ready.js';
import { FlameEmulator } from '../../src/testing.js';

describe('connectFlame', () => {
  it('resolves once the first connection is ready', async () => {
    const emulator = await FlameEmulator.start();
    try {
      const client = await connectFlame({ endpoint: emulator.endpoint, readyTimeoutMs: 5_000 });
      client.close();
    } finally {
      await emulator.close();
    }
  });

  it('fails after the deadline with the socket error and address', async () => {
    const started = Date.now();
    const error = await connectFlame({ endpoint: 'http://127.0.0.1:1', readyTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlameUnreachableError);
    expect((error as Error).message).toBe('cannot reach Flame at http://127.0.0.1:1 within 300 ms: connect ECONNREFUSED 127.0.0.1:1');
    expect(((error as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('an abort stops waiting with its reason', async () => {
    const controller = new AbortController();
    const pending = connectFlame({ endpoint: 'http://127.0.0.1:1', readyTimeoutMs: 10_000, signal: controller.signal });
    controller.abort(new Error('user stop'));
    await expect(pending).rejects.toThrow('user stop');
  });
});

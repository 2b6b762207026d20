// Runs the FaultProxy examples of docs/flame.md and docs/pie.md.
import { describe, expect, it } from 'vitest';
import { main as flameExample } from '../../docs/examples/flame-fault-proxy.js';
import { main as pieExample } from '../../docs/examples/pie-fault-proxy.js';

describe('docs/examples/*-fault-proxy.ts', () => {
  it('flame-fault-proxy: every output once, in order, one task per input', async () => {
    const r = await flameExample();
    expect(r.outputs).toEqual(Array.from({ length: 50 }, (_, n) => `ITEM ${n}`));
    expect(r.tasksOnServer).toBe(50);
    expect(r.kills).toBeGreaterThan(0);
  }, 20_000);

  it('pie-fault-proxy: a half-open link is noticed and replaced', async () => {
    const r = await pieExample();
    expect(r.reconnectedAfterMs).toBeLessThan(2000);
    expect(r.pong).toBeGreaterThanOrEqual(0);
  }, 20_000);
});

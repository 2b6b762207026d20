// Exactly-once pipelines and mass cancellation, at CI sizes (npm run chaos: full sizes).
import { describe, expect, it } from 'vitest';
import { flameMassCancellation, flamePipelineUnderKills } from './scenarios-flame.js';

describe('Flame under real faults', () => {
  it('runAll over 300 tasks with 15 connection resets: every output once, in order, and 300 tasks on the server', async () => {
    const r = await flamePipelineUnderKills({ tasks: 300, kills: 15, timeoutMs: 25_000 });
    expect(r.kills).toBeGreaterThanOrEqual(5);
    expect({ lost: r.lost, duplicated: r.duplicated, reordered: r.reordered, hung: r.hung }).toEqual({ lost: 0, duplicated: 0, reordered: 0, hung: 0 });
    expect(r.extra?.serverTasks).toBe(300);
    expect(r.leaked).toBe(0);
  }, 40_000);

  it('800 of 1,500 watches unsubscribed at once: the other 700 deliver their terminal state exactly once', async () => {
    const r = await flameMassCancellation({ watches: 1500, cancelled: 800, timeoutMs: 20_000 });
    expect({ lost: r.lost, duplicated: r.duplicated, hung: r.hung }).toEqual({ lost: 0, duplicated: 0, hung: 0 });
    expect(r.extra?.errors).toBe(0);
    expect(r.leaked).toBe(0);
  }, 40_000);
});

// Pie under real faults at CI sizes: process streams across resets, half-open links under
// a poller, and close() releasing everything within 100 ms (npm run chaos: full sizes).
import { describe, expect, it } from 'vitest';
import { pieConnectCloseCycles, pieHalfOpenLinks, pieProcessesUnderKills } from './scenarios-pie.js';

describe('Pie under real faults', () => {
  it('5 processes × 2,000 events through 10 resets: nothing twice, nothing out of order, every stream ends', async () => {
    const r = await pieProcessesUnderKills({ processes: 5, eventsEach: 2000, kills: 10, timeoutMs: 15_000 });
    expect(r.kills).toBeGreaterThanOrEqual(3);
    expect({ duplicated: r.duplicated, reordered: r.reordered, hung: r.hung }).toEqual({ duplicated: 0, reordered: 0, hung: 0 });
    expect(r.extra?.failedStreams).toBe(0);
    // Loss is bounded by what was in flight in the killed sockets (no acks in 0.4).
    expect(r.lost).toBeLessThan(5 * 2000 * 0.5);
    expect(r.leaked).toBe(0);
  }, 30_000);

  it('half-open links are declared dead despite a poller, terminated at once, and reconnected', async () => {
    const r = await pieHalfOpenLinks({ links: 3, pollMs: 50, heartbeatMs: 100 });
    expect(r.hung).toBe(0);
    expect(r.extra?.worstDetectAndReconnectMs).toBeLessThan(1500);
    expect(r.extra?.lingeringSockets).toBe(0);
    expect(r.leaked).toBe(0);
  }, 20_000);

  it('close() releases every socket and timer within 100 ms: healthy, half-open, and with a paused iterator', async () => {
    const r = await pieConnectCloseCycles({ cycles: 9 });
    expect(r.leaked).toBe(0);
    expect(r.extra?.worstReleaseMs).toBeLessThanOrEqual(150);
  }, 20_000);
});

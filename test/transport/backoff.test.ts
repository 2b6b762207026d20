import { describe, expect, it } from 'vitest';
import { backoffDelay, backoffPolicy, defaultBackoffPolicy } from '../../src/transport/backoff.js';

const exact = (overrides = {}) => backoffPolicy({ initialDelayMs: 100, multiplier: 2, jitter: 0, ...overrides });

describe('backoffDelay', () => {
  it('grows exponentially from the initial delay', () => {
    const policy = exact();
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n))).toEqual([100, 200, 400, 800, 1600]);
  });

  it('uses the multiplier', () => {
    const policy = exact({ multiplier: 3 });
    expect([1, 2, 3].map((n) => backoffDelay(policy, n))).toEqual([100, 300, 900]);
  });

  it('caps every delay at maxDelayMs', () => {
    const policy = exact({ maxDelayMs: 500 });
    expect([1, 2, 3, 4, 5, 50].map((n) => backoffDelay(policy, n))).toEqual([100, 200, 400, 500, 500, 500]);
  });

  it('keeps jittered delays within [d * (1 - jitter), d], driven by the injected random', () => {
    const policy = exact({ jitter: 0.5 });
    expect(backoffDelay(policy, 3, () => 0)).toBe(400);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(300);
    expect(backoffDelay(policy, 3, () => 0.999_999)).toBe(200);
    for (let i = 0; i < 200; i += 1) {
      const delay = backoffDelay(policy, 3)!;
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(400);
    }
  });

  it('applies jitter after the cap', () => {
    const policy = exact({ jitter: 0.2, maxDelayMs: 1000 });
    expect(backoffDelay(policy, 10, () => 0.5)).toBe(900);
  });

  it('gives up after maxAttempts and for attempt numbers below 1', () => {
    const policy = exact({ maxAttempts: 3 });
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n))).toEqual([undefined, 100, 200, 400, undefined, undefined]);
    expect(backoffDelay(exact({ maxAttempts: 0 }), 1)).toBeUndefined();
  });

  it('retries forever with the default unlimited attempts', () => {
    expect(backoffDelay(exact({ maxDelayMs: 10_000 }), 10_000)).toBe(10_000);
    expect(defaultBackoffPolicy.maxAttempts).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('backoffPolicy', () => {
  it('fills the defaults and freezes the result', () => {
    const policy = backoffPolicy({ initialDelayMs: 50 });
    expect(policy).toEqual({ ...defaultBackoffPolicy, initialDelayMs: 50 });
    expect(Object.isFrozen(policy)).toBe(true);
  });

  it.each([
    ['negative initial delay', { initialDelayMs: -1 }],
    ['negative max delay', { maxDelayMs: -5 }],
    ['multiplier below 1', { multiplier: 0.5 }],
    ['NaN initial delay', { initialDelayMs: Number.NaN }],
    ['jitter above 1', { jitter: 1.5 }],
    ['negative jitter', { jitter: -0.1 }],
    ['negative maxAttempts', { maxAttempts: -1 }],
  ])('rejects a %s', (_name, overrides) => {
    expect(() => backoffPolicy(overrides)).toThrow(RangeError);
  });

  it('accepts the edges: zero delays, multiplier 1, jitter 0 and 1, zero attempts', () => {
    const policy = backoffPolicy({ initialDelayMs: 0, maxDelayMs: 0, multiplier: 1, jitter: 1, maxAttempts: 0 });
    expect(policy.jitter).toBe(1);
    expect(backoffPolicy({ jitter: 0 }).jitter).toBe(0);
  });
});

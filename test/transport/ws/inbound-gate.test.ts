import { describe, expect, it } from 'vitest';
import { InboundGate } from '../../../src/transport/ws/index.js';

describe('InboundGate', () => {
  it('delivers directly when open and holds frames in order while paused', () => {
    const seen: number[] = [];
    const gate = new InboundGate<number>((n) => seen.push(n));
    gate.push(1);
    gate.pause();
    gate.push(2);
    gate.push(3);
    expect(seen).toEqual([1]);
    expect(gate.heldCount).toBe(2);
    gate.resume();
    gate.push(4);
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('stops flushing when a consumer pauses again, without reordering later frames', () => {
    const seen: number[] = [];
    const gate: InboundGate<number> = new InboundGate<number>((n) => {
      seen.push(n);
      if (n === 2) gate.pause();
    });
    gate.pause();
    [1, 2, 3].forEach((n) => gate.push(n));
    gate.resume();
    expect(seen).toEqual([1, 2]);
    gate.push(4);
    gate.resume();
    expect(seen).toEqual([1, 2, 3, 4]);
  });
});

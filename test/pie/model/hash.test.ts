import { describe, expect, it } from 'vitest';
import { hashBlob } from '../../../src/model/pie/hash.js';

describe('hashBlob', () => {
  it('matches the blake3 test vectors of spec 9.3', () => {
    expect(hashBlob(new Uint8Array(0))).toBe('af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262');
    expect(hashBlob(new TextEncoder().encode('abc'))).toBe(
      '6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85',
    );
  });

  it('hashes a view by its own bytes only', () => {
    const backing = new TextEncoder().encode('xxabcxx');
    expect(hashBlob(backing.subarray(2, 5))).toBe('6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85');
  });

  it('gives 64 lowercase hex characters for a blob larger than one blake3 chunk', () => {
    const hash = hashBlob(new Uint8Array(5000).fill(7));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toBe(hashBlob(new Uint8Array(5000).fill(8)));
  });
});

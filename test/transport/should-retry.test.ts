import { describe, expect, it } from 'vitest';
import { ClientError } from '../../src/model/errors.js';
import { FlameNotFoundError, FlameUnavailableError } from '../../src/model/flame/errors.js';
import { retryAlways, retryNever, retryTransient } from '../../src/transport/should-retry.js';

describe('should-retry predicates', () => {
  it('retryAlways accepts anything, retryNever nothing', () => {
    for (const error of [new Error('x'), 'text', undefined, null, { retryable: false }]) {
      expect(retryAlways(error, 1)).toBe(true);
      expect(retryNever(error, 1)).toBe(false);
    }
  });

  it('retryTransient accepts only errors marked retryable: true', () => {
    expect(retryTransient(Object.assign(new Error('down'), { retryable: true }), 1)).toBe(true);
    expect(retryTransient(new ClientError('lost', { retryable: true }), 7)).toBe(true);
    expect(retryTransient(new ClientError('bad input'), 1)).toBe(false);
    expect(retryTransient(new Error('plain'), 1)).toBe(false);
    expect(retryTransient({ retryable: 'yes' }, 1)).toBe(false);
    expect(retryTransient(null, 1)).toBe(false);
    expect(retryTransient(undefined, 1)).toBe(false);
    expect(retryTransient('retryable', 1)).toBe(false);
  });

  it('retryTransient follows the Flame status errors: UNAVAILABLE yes, NOT_FOUND no', () => {
    expect(retryTransient(new FlameUnavailableError({ code: 14, details: 'down' }), 1)).toBe(true);
    expect(retryTransient(new FlameNotFoundError({ code: 5, details: 'ssn-1' }), 1)).toBe(false);
  });
});

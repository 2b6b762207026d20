import { describe, expect, it } from 'vitest';
import { PieError } from '../../../src/model/pie/errors.js';
import { CorrelationIds, MAX_CORR_ID, RequestTable } from '../../../src/transport/ws/index.js';
import type { PieResponse } from '../../../src/transport/ws/index.js';

const response = (corr_id: number, result = 'Pong'): PieResponse => ({ type: 'response', corr_id, ok: true, result });

describe('CorrelationIds', () => {
  it('counts up from 1', () => {
    const ids = new CorrelationIds();
    expect([1, 2, 3].map(() => ids.next(() => false))).toEqual([1, 2, 3]);
  });

  it('wraps only after 2^32-1, back to 1, skipping pending ids', () => {
    const ids = new CorrelationIds(MAX_CORR_ID - 1);
    const pending = new Set([1]);
    expect(ids.next((id) => pending.has(id))).toBe(MAX_CORR_ID - 1);
    expect(ids.next((id) => pending.has(id))).toBe(MAX_CORR_ID);
    expect(ids.next((id) => pending.has(id))).toBe(2);
  });

  it('rejects an impossible start with a typed error', () => {
    expect(() => new CorrelationIds(0)).toThrow(PieError);
    expect(() => new CorrelationIds(2 ** 32)).toThrow(PieError);
  });
});

describe('RequestTable', () => {
  it('settles a request once; a second response for the same id is dropped', () => {
    const table = new RequestTable();
    const results: string[] = [];
    const id = table.register({ request: 'ping', onResponse: (r) => results.push(r.result), onError: () => results.push('error') });
    expect(table.settle(response(id, 'first'))).toBe(true);
    expect(table.settle(response(id, 'second'))).toBe(false);
    expect(results).toEqual(['first']);
  });

  it('drops responses for ids it never issued or forgot', () => {
    const table = new RequestTable();
    const results: string[] = [];
    const id = table.register({ request: 'ping', onResponse: (r) => results.push(r.result), onError: () => undefined });
    table.forget(id);
    expect(table.settle(response(id))).toBe(false);
    expect(table.settle(response(999))).toBe(false);
    expect(results).toEqual([]);
    expect(table.size).toBe(0);
  });

  it('never reuses an id: a stray reply to a forgotten id cannot resolve a later request', () => {
    const table = new RequestTable();
    const first = table.register({ request: 'add_program', onResponse: () => undefined, onError: () => undefined });
    table.forget(first);
    const seen: number[] = [];
    const second = table.register({ request: 'ping', onResponse: (r) => seen.push(r.corr_id), onError: () => undefined });
    expect(second).not.toBe(first);
    table.settle(response(first, 'First chunk index must be 0'));
    expect(seen).toEqual([]);
  });

  it('fails every pending request and tells heartbeat pings apart', () => {
    const table = new RequestTable();
    const errors: string[] = [];
    table.register({ request: 'ping', heartbeat: true, onResponse: () => undefined, onError: (e) => errors.push(`hb:${e.message}`) });
    expect(table.hasNonHeartbeatPending()).toBe(false);
    table.register({ request: 'run_processes', onResponse: () => undefined, onError: (e) => errors.push(`rp:${e.message}`) });
    expect(table.hasNonHeartbeatPending()).toBe(true);
    table.failAll(new Error('gone'));
    expect(errors).toEqual(['hb:gone', 'rp:gone']);
    expect(table.size).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { PieProtocolError } from '../../../src/model/pie/errors.js';
import { parseModelStatus, parseProcessList, parseStringArray } from '../../../src/model/pie/results.js';

describe('parseProcessList', () => {
  it('parses the exact list_processes shape (spec 2.4.11)', () => {
    const json =
      '[{"id":"67e55044-10b1-426f-9247-bb680e5fe0c8","username":"alice","program":"chat@1.0.0","input":"{\\"q\\":1}","elapsed_secs":12},' +
      '{"id":"9f0c0000-0000-4000-8000-000000000000","username":"alice","program":"x@0.0.1","input":"","elapsed_secs":0}]';
    expect(parseProcessList(json)).toEqual([
      { id: '67e55044-10b1-426f-9247-bb680e5fe0c8', username: 'alice', program: 'chat@1.0.0', input: '{"q":1}', elapsedSecs: 12 },
      { id: '9f0c0000-0000-4000-8000-000000000000', username: 'alice', program: 'x@0.0.1', input: '', elapsedSecs: 0 },
    ]);
    expect(parseProcessList('[]')).toEqual([]);
  });

  it('is tolerant (pie-gateway.md 4.5): id strings, objects with only an id, keys of the wrong type left out', () => {
    expect(parseProcessList('["a","b"]')).toEqual([{ id: 'a' }, { id: 'b' }]);
    // what pie-server 0.5.2 answered, username included
    expect(parseProcessList('[{"id":"a","username":"internal","program":"compat-openai@0.1.0","input":"{}","elapsed_secs":0}]')).toEqual([
      { id: 'a', username: 'internal', program: 'compat-openai@0.1.0', input: '{}', elapsedSecs: 0 },
    ]);
    expect(parseProcessList('[{"id":"a","program":"p@1.0.0","elapsed_secs":1}]')).toEqual([{ id: 'a', program: 'p@1.0.0', elapsedSecs: 1 }]);
    expect(parseProcessList('[{"id":"a","elapsed_secs":1.5,"input":3}]')).toEqual([{ id: 'a' }]);
    expect(parseProcessList('[{"id":"a","elapsed_secs":-1}]')).toEqual([{ id: 'a' }]);
  });

  it.each([
    ['not JSON', 'nope'],
    ['an object', '{}'],
    ['an entry without an id', '[{"username":"u","program":"p@1.0.0"}]'],
    ['an empty id', '[""]'],
    ['a number entry', '[3]'],
    ['a non-string id', '[{"id":3}]'],
    ['null', 'null'],
  ])('rejects %s with PieProtocolError', (_label, json) => {
    expect(() => parseProcessList(json)).toThrow(PieProtocolError);
  });
});

describe('parseModelStatus', () => {
  it('splits keys on the first dot and lifts the four consumer metrics (spec 2.4.2)', () => {
    const json = JSON.stringify({
      'default.kv_pages_used': 3,
      'default.kv_pages_total': 64,
      'default.total_batches': 10,
      'default.total_tokens_processed': 1234,
      'default.batch_size_hist': [1, 0, 2, 0, 0, 0, 0, 0],
      'default.avg_batch_latency_us': 812,
      'default.fire.execute.total_us': 0,
      'default.system_spec_draft_tokens_proposed_per_pos': [],
      'small.kv_pages_used': 1,
      'small.kv_pages_total': 8,
    });
    const status = parseModelStatus(json);
    expect(Object.keys(status.models).sort()).toEqual(['default', 'small']);
    const model = status.models['default']!;
    expect(model.kvPagesUsed).toBe(3);
    expect(model.kvPagesTotal).toBe(64);
    expect(model.totalTokensProcessed).toBe(1234);
    expect(model.avgBatchLatencyUs).toBe(812);
    expect(model.metrics['fire.execute.total_us']).toBe(0);
    expect(model.metrics['batch_size_hist']).toEqual([1, 0, 2, 0, 0, 0, 0, 0]);
    expect(model.metrics['system_spec_draft_tokens_proposed_per_pos']).toEqual([]);
    const small = status.models['small']!;
    expect(small.totalTokensProcessed).toBeUndefined();
    expect(small.metrics).toEqual({ kv_pages_used: 1, kv_pages_total: 8 });
    expect(status.raw['default.total_batches']).toBe(10);
  });

  it('reads an engine without models as empty', () => {
    expect(parseModelStatus('{}')).toEqual({ raw: {}, models: {} });
  });

  it('keeps odd keys and values in raw only, and treats __proto__ as a plain name', () => {
    const status = parseModelStatus('{"nodot":1,"m.text":"x","m.nested":{"a":1},".x":2,"m.":3,"__proto__.kv_pages_used":5}');
    expect(Object.keys(status.models)).toEqual(['__proto__']);
    expect(status.models['__proto__']!.kvPagesUsed).toBe(5);
    expect(Object.getPrototypeOf(status.models)).toBeNull();
    expect(status.raw['m.text']).toBe('x');
  });

  it.each([['not JSON', '{'], ['an array', '[]'], ['a number', '1'], ['null', 'null']])('rejects %s', (_label, json) => {
    expect(() => parseModelStatus(json)).toThrow(PieProtocolError);
  });
});

describe('parseStringArray', () => {
  it('parses launch_processes ids and run_processes returns', () => {
    expect(parseStringArray('["1b4e","9f0c"]')).toEqual(['1b4e', '9f0c']);
    expect(parseStringArray('[]')).toEqual([]);
    expect(parseStringArray('["{\\"answer\\":42}"]')).toEqual(['{"answer":42}']);
  });

  it.each([['not JSON', 'x'], ['an object', '{}'], ['mixed items', '["a",1]'], ['an empty string', '']])(
    'rejects %s',
    (_label, json) => {
      expect(() => parseStringArray(json)).toThrow(PieProtocolError);
    },
  );

  it('quotes at most a short preview of a bad result', () => {
    let message = '';
    try {
      parseStringArray(`{"x":"${'y'.repeat(500)}"}`);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.length).toBeLessThan(200);
  });
});

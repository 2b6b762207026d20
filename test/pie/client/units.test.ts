import { describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import { toAsyncIterable } from '../../../src/observables/pie/processes/to-async-iterable.js';
import { OrphanBuffer } from '../../../src/observables/pie/processes/orphan-buffer.js';
import { BoundedIdSet } from '../../../src/observables/pie/processes/bounded-id-set.js';
import { decodeBase64, encodeBase64 } from '../../../src/observables/pie/connection/base64.js';
import { encodeProcessInput } from '../../../src/observables/pie/processes/process-input.js';
import { workflowJson } from '../../../src/observables/pie/workflows/workflow.js';
import { mcpErrorText } from '../../../src/observables/pie/mcp/mcp-bridge.js';
import { PauseGate } from '../../../src/observables/pie/processes/pause-gate.js';
import { responseError } from '../../../src/observables/pie/connection/responses.js';
import { PieError, PieNotFoundError, PieRequestError } from '../../../src/model/pie/errors.js';

describe('toAsyncIterable', () => {
  it('calls onFull at the high-water mark and onDrain at the low one, delivering in order', async () => {
    const source = new Subject<number>();
    const calls: string[] = [];
    const iterable = toAsyncIterable(source, {
      highWaterMark: 3,
      lowWaterMark: 1,
      onFull: () => calls.push('full'),
      onDrain: () => calls.push('drain'),
    });
    const iterator = iterable[Symbol.asyncIterator]();
    for (let i = 0; i < 4; i++) source.next(i);
    expect(calls).toEqual(['full']);
    expect(iterable.queued).toBe(4);
    expect((await iterator.next()).value).toBe(0);
    expect((await iterator.next()).value).toBe(1);
    expect(calls).toEqual(['full']);
    expect((await iterator.next()).value).toBe(2);
    expect(calls).toEqual(['full', 'drain']);
    source.error(new Error('boom'));
    expect((await iterator.next()).value).toBe(3);
    await expect(iterator.next()).rejects.toThrow('boom');
    expect(iterable.maxQueued).toBe(4);
  });

  it('return() unsubscribes and resumes a paused source', async () => {
    const source = new Subject<number>();
    const calls: string[] = [];
    const iterable = toAsyncIterable(source, { highWaterMark: 1, onFull: () => calls.push('full'), onDrain: () => calls.push('drain') });
    const iterator = iterable[Symbol.asyncIterator]();
    source.next(1);
    await iterator.return?.();
    expect(calls).toEqual(['full', 'drain']);
    expect(source.observed).toBe(false);
  });
});

describe('small pieces', () => {
  it('OrphanBuffer keeps arrival order and a hard cap', () => {
    const buffer = new OrphanBuffer<string>(3);
    buffer.add('a', '1');
    buffer.add('b', '2');
    buffer.add('a', '3');
    expect(buffer.add('c', '4')).toBe(false);
    expect(buffer.take('a')).toEqual(['1', '3']);
    expect(buffer.takeAll()).toEqual(['2']);
    expect(buffer.dropped).toBe(1);
  });

  it('BoundedIdSet forgets the oldest', () => {
    const set = new BoundedIdSet(2);
    ['a', 'b', 'a', 'c'].forEach((id) => set.add(id));
    expect([set.has('a'), set.has('b'), set.has('c')]).toEqual([true, false, true]);
  });

  it('base64 is standard with padding and rejects URL-safe text', () => {
    const bytes = new Uint8Array([0xfb, 0xff, 0xfe, 0x00]);
    expect(encodeBase64(bytes)).toBe('+//+AA==');
    expect(decodeBase64('+//+AA==')).toEqual(bytes);
    expect(decodeBase64('-__-AA==')).toBeUndefined();
    expect(encodeBase64(new Uint8Array(48)).length).toBe(64);
  });

  it('process input: strings as they are, values as JSON, undefined as {}', () => {
    expect(encodeProcessInput('raw')).toBe('raw');
    expect(encodeProcessInput({ a: [1] })).toBe('{"a":[1]}');
    expect(encodeProcessInput(undefined)).toBe('{}');
    expect(() => encodeProcessInput(() => 1)).toThrow(PieError);
    expect(workflowJson({ type: 'literal', value: 1 })).toBe('{"type":"literal","value":1}');
  });

  it('MCP error texts and response errors are typed', () => {
    expect(JSON.parse(mcpErrorText({ code: -32601, message: 'nope', data: { x: 1 } }))).toEqual({ code: -32601, message: 'nope', data: { x: 1 } });
    expect(JSON.parse(mcpErrorText(new Error('dead')))).toEqual({ code: -32000, message: 'dead' });
    expect(responseError('attach_process', 'Process not found')).toBeInstanceOf(PieNotFoundError);
    expect(responseError('attach_process', 'Permission denied')).toBeInstanceOf(PieRequestError);
  });

  it('PauseGate pauses on the first hold and resumes after the last', () => {
    const calls: string[] = [];
    const gate = new PauseGate(() => calls.push('pause'), () => calls.push('resume'));
    const one = gate.hold();
    const two = gate.hold();
    one();
    one();
    expect(calls).toEqual(['pause']);
    two();
    expect(calls).toEqual(['pause', 'resume']);
  });
});

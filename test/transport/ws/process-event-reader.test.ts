// The process-event fast path is held to the general decoder: for every frame it reads, it
// must give exactly what @msgpack/msgpack gives; for every layout it does not read, it must
// step aside (undefined) so that decodeServerFrame's general path and its errors apply.
import { describe, expect, it } from 'vitest';
import { decode, encode } from '@msgpack/msgpack';
import { ProcessEventReader } from '../../../src/transport/ws/process-event-reader.js';
import { decodeServerFrame } from '../../../src/transport/ws/codec.js';
import { PieProtocolError } from '../../../src/model/pie/errors.js';

const ID = '0f8e7c1a-5b6d-4e3f-9a2b-1c0d9e8f7a6b';
const frame = (fields: Record<string, unknown>) => encode(fields);
const usual = (value: string, event = 'stdout', process_id = ID) => frame({ type: 'process_event', process_id, event, value });

/** Reads with a fresh reader and checks the answer against the general decoder's. */
function readChecked(bytes: Uint8Array, reader = new ProcessEventReader()) {
  const fast = reader.read(bytes);
  if (fast !== undefined) expect(fast).toStrictEqual(decode(bytes));
  return fast;
}

describe('ProcessEventReader', () => {
  it('reads the usual layout, every event kind and string width, as the general decoder does', () => {
    const values = ['x', 'x'.repeat(16), 'x'.repeat(31), 'x'.repeat(32), 'y'.repeat(48), 'y'.repeat(49), 'z'.repeat(200), 'z'.repeat(201), 'w'.repeat(255), 'w'.repeat(256), 'v'.repeat(70_000)];
    for (const value of values) {
      for (const event of ['stdout', 'stderr', 'message', 'return', 'error', 'progress']) {
        expect(readChecked(usual(value, event))).toEqual({ type: 'process_event', process_id: ID, event, value });
      }
    }
  });

  it('reads the keys in any order', () => {
    const bytes = frame({ value: 'hello', event: 'stdout', process_id: ID, type: 'process_event' });
    expect(readChecked(bytes)).toEqual({ type: 'process_event', process_id: ID, event: 'stdout', value: 'hello' });
  });

  it('reads long text that is not ASCII through TextDecoder, like the general decoder', () => {
    const value = 'é🙂'.repeat(60); // 360 bytes
    expect(readChecked(usual(value))?.value).toBe(value);
  });

  it('steps aside for short text that is not ASCII, empty strings and other frames', () => {
    for (const bytes of [
      usual('héllo'),
      usual('x'.repeat(60) + 'é'),
      usual(''),
      usual('x', 'stdout', ''),
      frame({ type: 'response', corr_id: 1, ok: true, result: 'x'.repeat(40) }),
      frame({ type: 'process_event', process_id: ID, event: 'stdout' }),
      frame({ type: 'process_event', process_id: ID, event: 'stdout', value: 'x', extra: 'y' }),
      frame({ type: 'process_events', process_id: ID, event: 'stdout', value: 'x'.repeat(20) }),
      frame({ type: 'process_event', process_id: ID, event: 'stdout', value: 7 }),
      frame({ type: 'process_event', process_id: 12345678901, event: 'stdout', value: 'x'.repeat(20) }),
      frame({ type: 'process_event', process_id: ID, event: 'stdout', valuf: 'x'.repeat(20) }),
    ]) {
      expect(readChecked(bytes)).toBeUndefined();
    }
  });

  it('steps aside for duplicate keys, trailing bytes, truncation and bad headers', () => {
    const good = usual('x'.repeat(20));
    const duplicated = frame({ type: 'process_event', process_id: ID, event: 'stdout', value: 'x'.repeat(20) });
    // Rename "value" to "event" (same length): now "event" appears twice and "value" never.
    const at = Buffer.from(duplicated).indexOf('value');
    const twice = Uint8Array.from(duplicated);
    twice.set(new TextEncoder().encode('event'), at);
    expect(new ProcessEventReader().read(twice)).toBeUndefined();
    expect(new ProcessEventReader().read(Uint8Array.from([...good, 0xc0]))).toBeUndefined();
    for (let cut = 1; cut < good.length; cut++) expect(new ProcessEventReader().read(good.subarray(0, cut))).toBeUndefined();
    const badHeader = Uint8Array.from(good);
    badHeader[1] = 0xc1; // never used in MessagePack
    expect(new ProcessEventReader().read(badHeader)).toBeUndefined();
    const huge = Uint8Array.from(good);
    huge[huge.length - 21] = 0xdb; // the value's fixstr header becomes a str32 of ~2 GB
    expect(new ProcessEventReader().read(huge)).toBeUndefined();
  });

  it('reuses the previous id only when the bytes are the same, even if the buffer is reused', () => {
    const reader = new ProcessEventReader();
    const other = ID.replace('0f8e', '1f8e');
    expect(readChecked(usual('a'), reader)?.process_id).toBe(ID);
    expect(readChecked(usual('b'), reader)?.process_id).toBe(ID);
    expect(readChecked(usual('c', 'stdout', other), reader)?.process_id).toBe(other);
    const bytes = usual('d');
    expect(readChecked(bytes, reader)?.process_id).toBe(ID);
    bytes.set(new TextEncoder().encode('2'), Buffer.from(bytes).indexOf(ID));
    expect(readChecked(bytes, reader)?.process_id).toBe('2' + ID.slice(1));
  });

  it('leaves decodeServerFrame its general errors for frames it does not read', () => {
    expect(() => decodeServerFrame(frame({ type: 'process_event', process_id: ID, event: 'stdout', value: 7 }))).toThrow(
      new PieProtocolError('process_event frame field "value" must be str (got integer 7)'),
    );
    expect(decodeServerFrame(usual('héllo'))).toEqual({ type: 'process_event', process_id: ID, event: 'stdout', value: 'héllo' });
    expect(decodeServerFrame(usual('hello'))).toEqual({ type: 'process_event', process_id: ID, event: 'stdout', value: 'hello' });
  });
});

import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { decodeClientFrame } from '../../../src/testing/pie/client-messages.js';
import { encodeServerFrame, fileFrame, processEventFrame, responseFrame } from '../../../src/testing/pie/server-frames.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const str = (s: string): string => Buffer.concat([Buffer.from([0xa0 | s.length]), Buffer.from(s)]).toString('hex');

describe('Pie emulator MessagePack codec', () => {
  it('decodes the reference ping and encodes the reference Pong', () => {
    expect(decodeClientFrame(hex('82a474797065a470696e67a7636f72725f696401'))).toEqual({ type: 'ping', corr_id: 1 });
    expect(Buffer.from(encodeServerFrame(responseFrame(1, true, 'Pong'))).toString('hex')).toBe(
      '84a474797065a8726573706f6e7365a7636f72725f696401a26f6bc3a6726573756c74a4506f6e67',
    );
  });

  it('accepts any unsigned integer width, trailing bytes and unknown keys; keys in any order', () => {
    const base = `${str('type')}${str('ping')}${str('corr_id')}`;
    for (const encoded of ['05', 'cc05', 'cd0005', 'ce00000005', 'cf0000000000000005', 'd005', 'd30000000000000005']) {
      expect(decodeClientFrame(hex(`82${base}${encoded}`))).toEqual({ type: 'ping', corr_id: 5 });
    }
    expect(decodeClientFrame(hex(`82${base}01 c1c1`))).toEqual({ type: 'ping', corr_id: 1 });
    expect(decodeClientFrame(encode({ corr_id: 3, extra: [1.5], type: 'ping' }))).toEqual({ type: 'ping', corr_id: 3 });
  });

  it('rejects floats, negatives, u32 overflow, integer booleans, ext bytes and nil required fields', () => {
    const ping = (corr: string): Uint8Array => hex(`82${str('type')}${str('ping')}${str('corr_id')}${corr}`);
    expect(decodeClientFrame(ping('cb4000000000000000'))).toBeUndefined();
    expect(decodeClientFrame(ping('ca40000000'))).toBeUndefined();
    expect(decodeClientFrame(ping('ff'))).toBeUndefined();
    expect(decodeClientFrame(ping('cf0000000100000000'))).toBeUndefined();
    expect(decodeClientFrame(ping('c0'))).toBeUndefined();
    expect(decodeClientFrame(encode({ type: 'launch_process', corr_id: 1, inferlet: 'a@1.0.0', input: '', capture_outputs: 1 }))).toBeUndefined();
    expect(decodeClientFrame(ping('d61201020304'))).toBeUndefined();
    expect(decodeClientFrame(hex('93010203'))).toBeUndefined();
    expect(decodeClientFrame(hex('c1'))).toBeUndefined();
    expect(decodeClientFrame(encode({ type: 'nope', corr_id: 1 }))).toBeUndefined();
  });

  it('reads bytes as bin or as an array of 0–255, and rejects ext or out-of-range arrays', () => {
    const message = (data: unknown) =>
      decodeClientFrame(encode({ type: 'transfer_file', process_id: 'p', file_hash: 'h', chunk_index: 0, total_chunks: 1, chunk_data: data }));
    expect(message(Uint8Array.of(1, 2))).toMatchObject({ chunk_data: Uint8Array.of(1, 2) });
    expect(message([1, 255])).toMatchObject({ chunk_data: Uint8Array.of(1, 255) });
    expect(message([256])).toBeUndefined();
    expect(message([-1])).toBeUndefined();
    const withExt = Buffer.concat([
      hex(`86${str('type')}ad${Buffer.from('transfer_file').toString('hex')}`),
      hex(`${str('process_id')}${str('p')}${str('file_hash')}${str('h')}`),
      hex(`${str('chunk_index')}00${str('total_chunks')}01`),
      hex(`${str('chunk_data')}c702120102`),
    ]);
    expect(decodeClientFrame(withExt)).toBeUndefined();
  });

  it('treats nil optional fields as absent', () => {
    expect(decodeClientFrame(encode({ type: 'launch_process', corr_id: 1, inferlet: 'a@1.0.0', input: '', capture_outputs: true, token_budget: null }))).toEqual({
      type: 'launch_process',
      corr_id: 1,
      inferlet: 'a@1.0.0',
      input: '',
      capture_outputs: true,
    });
  });

  it('encodes events and file chunks with type first, fields in wire order, bin for bytes', () => {
    const id = '0123456789abcdef0123456789abcdef0123';
    const event = Buffer.from(encodeServerFrame(processEventFrame(id, 'return', 'x'))).toString('hex');
    expect(event).toBe(
      `84${str('type')}ad${Buffer.from('process_event').toString('hex')}aa${Buffer.from('process_id').toString('hex')}d924${Buffer.from(id).toString('hex')}${str('event')}${str('return')}${str('value')}${str('x')}`,
    );
    const file = Buffer.from(encodeServerFrame(fileFrame(id, 'h', 1, 300, Uint8Array.of(9)))).toString('hex');
    expect(file).toBe(
      `86${str('type')}${str('file')}aa${Buffer.from('process_id').toString('hex')}d924${Buffer.from(id).toString('hex')}${str('file_hash')}${str('h')}${str('chunk_index')}01${str('total_chunks')}cd012c${str('chunk_data')}c40109`,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { CodecError, bytesCodec, jsonCodec, textCodec } from '../../../src/model/flame/index.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('bytesCodec', () => {
  it('passes bytes through', () => {
    const bytes = new Uint8Array([0, 255, 7]);
    expect(bytesCodec.encode(bytes)).toBe(bytes);
    expect(bytesCodec.decode(bytes)).toBe(bytes);
  });

  it('treats empty as absent', () => {
    expect(bytesCodec.encode(new Uint8Array(0))).toBeUndefined();
    expect(bytesCodec.decode(new Uint8Array(0))).toBeUndefined();
    expect(bytesCodec.encode(undefined)).toBeUndefined();
    expect(bytesCodec.decode(undefined)).toBeUndefined();
  });
});

describe('textCodec', () => {
  it('round trips UTF-8 text', () => {
    const text = 'héllo, 世界 🚀';
    expect(textCodec.encode(text)).toEqual(utf8(text));
    expect(textCodec.decode(textCodec.encode(text))).toBe(text);
  });

  it('sends the empty string as no payload and reads no payload as the empty string', () => {
    expect(textCodec.encode('')).toBeUndefined();
    expect(textCodec.decode(undefined)).toBe('');
    expect(textCodec.decode(new Uint8Array(0))).toBe('');
  });

  it('rejects invalid UTF-8', () => {
    expect(() => textCodec.decode(new Uint8Array([0xff, 0xfe]))).toThrow(CodecError);
    expect(() => textCodec.decode(new Uint8Array([0xc3]))).toThrow('task payload is not valid UTF-8 (1 bytes)');
  });
});

describe('jsonCodec', () => {
  it('encodes UTF-8 JSON', () => {
    expect(jsonCodec().encode({ a: 1, s: 'é' })).toEqual(utf8('{"a":1,"s":"é"}'));
    expect(jsonCodec().encode(null)).toEqual(utf8('null'));
    expect(jsonCodec().encode(0)).toEqual(utf8('0'));
  });

  it('round trips values', () => {
    const codec = jsonCodec<{ sum: number; items: string[] }>();
    const value = { sum: 3, items: ['a', 'b'] };
    expect(codec.decode(codec.encode(value))).toEqual(value);
  });

  it('maps undefined to no payload and back', () => {
    expect(jsonCodec().encode(undefined)).toBeUndefined();
    expect(jsonCodec().decode(undefined)).toBeUndefined();
    expect(jsonCodec().decode(new Uint8Array(0))).toBeUndefined();
  });

  it('rejects bytes that are not JSON, naming the problem', () => {
    expect(() => jsonCodec().decode(utf8('{"a":'))).toThrow(CodecError);
    expect(() => jsonCodec().decode(utf8('not json'))).toThrow(/^task payload is not valid JSON: /);
    expect(() => jsonCodec().decode(new Uint8Array([0xff]))).toThrow('not valid UTF-8');
  });

  it('rejects values JSON cannot represent', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => jsonCodec().encode(cyclic)).toThrow(CodecError);
    expect(() => jsonCodec().encode(10n)).toThrow(/^cannot encode task payload as JSON: /);
    expect(() => jsonCodec<() => void>().encode(() => undefined)).toThrow(
      'cannot encode task payload as JSON: a function has no JSON form',
    );
  });
});

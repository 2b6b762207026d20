import { decode, encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { PieProtocolError } from '../../../src/model/pie/errors.js';
import { PIE_CLIENT_MESSAGE_TYPES, PieClientMessage, decodeServerFrame, encodeClientMessage, encodeRequest } from '../../../src/transport/ws/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

describe('encodeClientMessage (spec 1.6 vectors)', () => {
  it('encodes ping with corr_id 1 byte for byte', () => {
    expect(hex(encodeRequest({ type: 'ping' }, 1))).toBe('82a474797065a470696e67a7636f72725f696401');
  });

  it('writes a type-only request (its cached prefix) exactly as the encoder would, at every corr_id width', () => {
    for (const corr_id of [0, 1, 127, 128, 255, 256, 65_535, 65_536, 123_456_789, 0xffff_ffff]) {
      for (const type of ['ping', 'list_processes'] as const) {
        expect(hex(encodeRequest({ type }, corr_id))).toBe(hex(encode({ type, corr_id })));
      }
    }
  });

  it('writes type first, then corr_id, then the fields', () => {
    const bytes = encodeRequest({ type: 'attach_process', process_id: 'abc' }, 300);
    // map of 3; "type" first; corr_id 300 as uint16 (cd 01 2c)
    expect(hex(bytes)).toBe(
      '83' + 'a474797065' + 'ae' + Buffer.from('attach_process').toString('hex') + 'a7636f72725f6964' + 'cd012c' + 'aa' + Buffer.from('process_id').toString('hex') + 'a3616263',
    );
  });

  it('writes a 36-character process id as str8 (d9 24)', () => {
    const id = '123e4567-e89b-12d3-a456-426614174000';
    const bytes = encodeRequest({ type: 'terminate_process', process_id: id }, 1);
    expect(hex(bytes)).toContain('d924' + Buffer.from(id).toString('hex'));
  });

  it('writes Uint8Array as bin, not ext', () => {
    const bytes = encodeClientMessage({ type: 'transfer_file', process_id: 'p', file_hash: 'h', chunk_index: 0, total_chunks: 1, chunk_data: new Uint8Array([1, 2, 3]) });
    expect(hex(bytes)).toContain('c403010203');
    expect(hex(bytes)).not.toContain('c712'); // msgpack-lite's ext 0x12 pitfall (spec 1.5)
    const decoded = decode(bytes) as Record<string, unknown>;
    expect(decoded['chunk_data']).toBeInstanceOf(Uint8Array);
  });

  it('writes integers of 2^32 and above (number or bigint) as uint64, never float', () => {
    const big = encodeClientMessage({ type: 'transfer_file', process_id: 'p', file_hash: 'h', chunk_index: 2 ** 32, total_chunks: 2n ** 40n, chunk_data: new Uint8Array() });
    expect(hex(big)).toContain('cf0000000100000000');
    expect(hex(big)).toContain('cf0000010000000000');
    expect(hex(big)).not.toContain('cb');
    const budgets = encodeClientMessage({ type: 'run_processes', inferlet: 'n@1.0.0', inputs: ['a'], token_budgets: [2 ** 33, null] });
    expect(hex(budgets)).toContain('92cf0000000200000000c0');
  });

  it('omits undefined optional fields instead of writing nil', () => {
    const bytes = encodeRequest({ type: 'check_program', name: 'n', version: '1.0.0', wasm_hash: undefined }, 2);
    const decoded = decode(bytes) as Record<string, unknown>;
    expect(Object.keys(decoded)).toEqual(['type', 'corr_id', 'name', 'version']);
    expect(hex(bytes).startsWith('84')).toBe(true);
  });

  it('keeps the echoed server corr_id of mcp_response and adds none of its own', () => {
    const bytes = encodeClientMessage({ type: 'mcp_response', corr_id: 7, ok: true, result: '{}' });
    expect(decode(bytes)).toEqual({ type: 'mcp_response', corr_id: 7, ok: true, result: '{}' });
    expect(Object.keys(decode(bytes) as object)[0]).toBe('type');
  });

  it('encodes each of the 22 kinds as a map with type first', () => {
    const samples: PieClientMessage[] = [
      { type: 'auth_identify', username: 'u' },
      { type: 'auth_prove', signature: 'c2ln' },
      { type: 'auth_by_token', token: 't' },
      { type: 'ping' },
      { type: 'query', subject: 'model_status', record: '' },
      { type: 'check_program', name: 'n', version: '1.0.0' },
      { type: 'add_program', program_hash: 'h', manifest: 'm', force_overwrite: true, chunk_index: 0, total_chunks: 1, chunk_data: new Uint8Array() },
      { type: 'launch_process', inferlet: 'n@1.0.0', input: '', capture_outputs: true, token_budget: 10 },
      { type: 'launch_processes', inferlet: 'n@1.0.0', inputs: ['a'], capture_outputs: false, token_budgets: [null] },
      { type: 'run_processes', inferlet: 'n@1.0.0', inputs: ['a', 'b'] },
      { type: 'launch_daemon', port: 9000, inferlet: 'n@1.0.0', input: '' },
      { type: 'attach_process', process_id: 'p' },
      { type: 'terminate_process', process_id: 'p' },
      { type: 'list_processes' },
      { type: 'signal_process', process_id: 'p', message: 'm' },
      { type: 'transfer_file', process_id: 'p', file_hash: 'h', chunk_index: 0, total_chunks: 1, chunk_data: new Uint8Array([9]) },
      { type: 'register_mcp_server', name: 'n', transport: 'stdio', args: ['x'] },
      { type: 'mcp_response', corr_id: 1, ok: false, result: 'no' },
      { type: 'submit_workflow', json: '{}' },
      { type: 'cancel_workflow', workflow_id: 'w' },
      { type: 'attach_workflow', workflow_id: 'w' },
      { type: 'detach_workflow', workflow_id: 'w' },
    ];
    expect(samples.map((m) => m.type)).toEqual([...PIE_CLIENT_MESSAGE_TYPES]);
    for (const message of samples) {
      const decoded = decode(encodeClientMessage(message)) as Record<string, unknown>;
      expect(Object.keys(decoded)[0]).toBe('type');
      expect(decoded['type']).toBe(message.type);
    }
    const launch = decode(encodeClientMessage(samples[8]!)) as Record<string, unknown>;
    expect(launch['token_budgets']).toEqual([null]);
  });
});

describe('decodeServerFrame', () => {
  it('decodes the spec Pong response vector', () => {
    expect(decodeServerFrame(fromHex('84a474797065a8726573706f6e7365a7636f72725f696401a26f6bc3a6726573756c74a4506f6e67'))).toEqual({
      type: 'response',
      corr_id: 1,
      ok: true,
      result: 'Pong',
    });
  });

  it('decodes the three push kinds and ignores unknown extra keys', () => {
    expect(decodeServerFrame(encode({ type: 'process_event', process_id: 'p', event: 'stdout', value: 'hi', extra: 1 }))).toEqual({
      type: 'process_event',
      process_id: 'p',
      event: 'stdout',
      value: 'hi',
    });
    const file = decodeServerFrame(encode({ type: 'file', process_id: 'p', file_hash: 'h', chunk_index: 0, total_chunks: 1, chunk_data: new Uint8Array([1]) }));
    expect(file).toEqual({ type: 'file', process_id: 'p', file_hash: 'h', chunk_index: 0, total_chunks: 1, chunk_data: new Uint8Array([1]) });
    expect(decodeServerFrame(encode({ type: 'mcp_request', corr_id: 3, process_id: 'p', server_name: 's', method: 'm', params: '{}' }))).toEqual({
      type: 'mcp_request',
      corr_id: 3,
      process_id: 'p',
      server_name: 's',
      method: 'm',
      params: '{}',
    });
  });

  const bad: [string, Uint8Array, RegExp][] = [
    ['not MessagePack', new Uint8Array([0xc1]), /not one MessagePack value/],
    ['empty', new Uint8Array(), /not one MessagePack value/],
    ['trailing bytes', fromHex('80c0'), /not one MessagePack value/],
    ['not a map', encode([1, 2]), /not a MessagePack map \(got array\)/],
    ['a string', encode('response'), /not a MessagePack map \(got string\)/],
    ['no type', encode({ corr_id: 1 }), /no string "type"/],
    ['unknown type', encode({ type: 'hello' }), /unknown server message type "hello"/],
    ['missing field', encode({ type: 'response', corr_id: 1, ok: true }), /response frame is missing "result"/],
    ['bool as integer', encode({ type: 'response', corr_id: 1, ok: 1, result: '' }), /"ok" must be bool \(got integer 1\)/],
    ['negative corr_id', encode({ type: 'response', corr_id: -1, ok: true, result: '' }), /"corr_id" must be u32/],
    ['corr_id over u32', encode({ type: 'response', corr_id: 2 ** 32, ok: true, result: '' }), /"corr_id" must be u32/],
    ['nil result', encode({ type: 'response', corr_id: 1, ok: true, result: null }), /"result" must be str \(got nil\)/],
    ['float chunk index', encode({ type: 'file', process_id: 'p', file_hash: 'h', chunk_index: 0.5, total_chunks: 1, chunk_data: new Uint8Array() }), /"chunk_index" must be uint \(got float\)/],
    ['array as bin', encode({ type: 'file', process_id: 'p', file_hash: 'h', chunk_index: 0, total_chunks: 1, chunk_data: [1] }), /"chunk_data" must be bin \(got array\)/],
  ];
  for (const [name, bytes, pattern] of bad) {
    it(`throws PieProtocolError for ${name}`, () => {
      let caught: unknown;
      try {
        decodeServerFrame(bytes);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(PieProtocolError);
      expect((caught as PieProtocolError).detail).toMatch(pattern);
    });
  }
});

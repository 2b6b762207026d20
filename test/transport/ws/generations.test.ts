// Per-generation wire tables: what each generation's decoder reads, in its declared order,
// checked against the byte vectors of pie-gateway.md 3.4; URL building per generation.
import { describe, expect, it } from 'vitest';
import { decodeServerFrame, encodeClientMessage } from '../../../src/transport/ws/codec.js';
import { clientMessageTypes, pieSocketUrl, shapeForWire } from '../../../src/transport/ws/generations.js';
import { PIE_CLIENT_MESSAGE_TYPES } from '../../../src/transport/ws/messages.js';
import { PieError, PieUnsupportedError } from '../../../src/model/pie/errors.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

describe('wire tables per generation', () => {
  it('0.4 has the 22 kinds; gateways the 12 of pie-gateway.md 3.2', () => {
    expect(clientMessageTypes('0.4').sort()).toEqual([...PIE_CLIENT_MESSAGE_TYPES].sort());
    const gateway = ['auth_identify', 'auth_prove', 'check_program', 'query', 'add_program', 'launch_process', 'attach_process', 'terminate_process', 'signal_process', 'transfer_file', 'list_processes', 'ping'].sort();
    for (const dialect of ['0.5', '0.6', 'gateway'] as const) expect(clientMessageTypes(dialect).sort()).toEqual(gateway);
  });

  it('a kind a generation lacks is PieUnsupportedError naming it and the generation', () => {
    expect(() => shapeForWire({ type: 'auth_by_token', token: 't' }, '0.5')).toThrow(PieUnsupportedError);
    expect(() => shapeForWire({ type: 'launch_processes', inferlet: 'a@1.0.0', inputs: [], capture_outputs: true }, '0.6')).toThrow(
      'launch_processes is not supported by a Pie 0.6 gateway',
    );
    expect(() => shapeForWire({ type: 'submit_workflow', json: '{}' }, 'gateway')).toThrow('submit_workflow is not supported by a Pie gateway');
  });

  it('G1 launch_process: the 3.4 vector, token_budget left out', () => {
    const launch = { type: 'launch_process', inferlet: 'echo@1.0.0', input: '{}', capture_outputs: true, token_budget: 9 } as const;
    expect(hex(encodeClientMessage(shapeForWire(launch, '0.5'), 1))).toBe(
      '85a474797065ae6c61756e63685f70726f63657373a7636f72725f696401a8696e6665726c6574aa6563686f40312e302e30a5696e707574a27b7daf636170747572655f6f757470757473c3',
    );
    // 0.4 keeps the budget
    expect(shapeForWire(launch, '0.4')).toEqual(launch);
  });

  it('G2 launch_process with props, session and files: the 3.4 vector', () => {
    const launch = {
      type: 'launch_process',
      // given out of order on purpose: the table writes the declared order
      files: { 'a.txt': new Uint8Array([0x68, 0x69]) },
      session: 'conv-1',
      props: '{"max-tokens":64}',
      capture_outputs: false,
      input: '{}',
      inferlet: 'echo@1.0.0',
    } as const;
    expect(hex(encodeClientMessage(shapeForWire(launch, '0.6'), 2))).toBe(
      '88a474797065ae6c61756e63685f70726f63657373a7636f72725f696402a8696e6665726c6574aa6563686f40312e302e30a5696e707574a27b7daf636170747572655f6f757470757473c2a570726f7073b17b226d61782d746f6b656e73223a36347da773657373696f6ea6636f6e762d31a566696c657381a5612e747874c4026869',
    );
  });

  it('add_program: G1 vector with manifest, G2 vector shape with file (version omitted), hybrid on an unknown gateway', () => {
    const upload = {
      type: 'add_program',
      program_hash: 'h',
      manifest: 'm',
      file: 'app.wasm',
      force_overwrite: true,
      chunk_index: 0,
      total_chunks: 1,
      chunk_data: new Uint8Array(0),
    } as const;
    expect(hex(encodeClientMessage(shapeForWire(upload, '0.5'), 3))).toBe(
      '88a474797065ab6164645f70726f6772616da7636f72725f696403ac70726f6772616d5f68617368a168a86d616e6966657374a16daf666f7263655f6f7665727772697465c3ab6368756e6b5f696e64657800ac746f74616c5f6368756e6b7301aa6368756e6b5f64617461c400',
    );
    // pie-gateway.md 3.4 writes version as nil; it "may also be omitted" [ran], which is what we do
    expect(Object.keys(shapeForWire(upload, '0.6'))).toEqual(['type', 'program_hash', 'file', 'force_overwrite', 'chunk_index', 'total_chunks', 'chunk_data']);
    expect(Object.keys(shapeForWire(upload, 'gateway'))).toEqual(['type', 'program_hash', 'manifest', 'file', 'force_overwrite', 'chunk_index', 'total_chunks', 'chunk_data']);
    expect(Object.keys(shapeForWire(upload, '0.4'))).not.toContain('file');
  });

  it('check_program on gateways carries name and version only', () => {
    const check = { type: 'check_program', name: 'a', version: '1.0.0', wasm_hash: 'x', manifest_hash: 'y' } as const;
    expect(shapeForWire(check, '0.5')).toEqual({ type: 'check_program', name: 'a', version: '1.0.0' });
    expect(shapeForWire(check, '0.4')).toEqual(check);
  });

  it('a gateway file frame: name decoded (the 3.4 vector); nil and absent mean no name; another type is a protocol error', () => {
    const frame = decodeServerFrame(
      bytes('87a474797065a466696c65aa70726f636573735f6964a170a966696c655f68617368a168ab6368756e6b5f696e64657800ac746f74616c5f6368756e6b7301aa6368756e6b5f64617461c4026869a46e616d65a76f75742e706e67'),
    );
    expect(frame).toMatchObject({ type: 'file', process_id: 'p', file_hash: 'h', name: 'out.png' });
    const base = { type: 'file', process_id: 'p', file_hash: 'h', chunk_index: 0, total_chunks: 1, chunk_data: new Uint8Array(0) };
    const encode = (value: unknown): Uint8Array => encodeClientMessage(value as never);
    expect('name' in decodeServerFrame(encode({ ...base, name: null }))).toBe(false);
    expect('name' in decodeServerFrame(encode(base))).toBe(false);
    expect(() => decodeServerFrame(encode({ ...base, name: 3 }))).toThrow('file frame field "name" must be str or nil (got integer 3)');
  });
});

describe('pieSocketUrl', () => {
  it.each([
    ['ws://127.0.0.1:8080', 'auto', 'ws://127.0.0.1:8080/v1/ws'],
    ['ws://127.0.0.1:8080/', '0.5', 'ws://127.0.0.1:8080/v1/ws'],
    ['wss://pie.example?x=1', '0.6', 'wss://pie.example/v1/ws?x=1'],
    ['ws://edge.example/tenant/ws', 'auto', 'ws://edge.example/tenant/ws'],
    ['ws://127.0.0.1:8080', '0.4', 'ws://127.0.0.1:8080'],
    ['ws://127.0.0.1:8080/anything', '0.4', 'ws://127.0.0.1:8080/anything'],
  ] as const)('%s with %s → %s', (url, generation, expected) => {
    expect(pieSocketUrl(url, generation)).toBe(expected);
  });

  it('refuses what is not a ws:// or wss:// URL', () => {
    expect(() => pieSocketUrl('http://h:1', 'auto')).toThrow(PieError);
    expect(() => pieSocketUrl('not a url', 'auto')).toThrow('not a WebSocket URL: "not a url"');
  });
});

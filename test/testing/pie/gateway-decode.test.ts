// The gateway decoder against the byte vectors of pie-gateway.md 3.4 and the serde texts the
// real 0.5.2 gateway was seen to write.
import { describe, expect, it } from 'vitest';
import { decodeGatewayFrame } from '../../../src/testing/pie/generations/gateway-decode.js';
import { GENERATIONS } from '../../../src/testing/pie/generations/profile.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));
const G1 = GENERATIONS['0.5'];
const G2 = GENERATIONS['0.6'];
const G1_LAUNCH = '85a474797065ae6c61756e63685f70726f63657373a7636f72725f696401a8696e6665726c6574aa6563686f40312e302e30a5696e707574a27b7daf636170747572655f6f757470757473c3';
const G2_LAUNCH_FULL =
  '88a474797065ae6c61756e63685f70726f63657373a7636f72725f696402a8696e6665726c6574aa6563686f40312e302e30a5696e707574a27b7daf636170747572655f6f757470757473c2a570726f7073b17b226d61782d746f6b656e73223a36347da773657373696f6ea6636f6e762d31a566696c657381a5612e747874c4026869';
const G1_ADD = '88a474797065ab6164645f70726f6772616da7636f72725f696403ac70726f6772616d5f68617368a168a86d616e6966657374a16daf666f7263655f6f7665727772697465c3ab6368756e6b5f696e64657800ac746f74616c5f6368756e6b7301aa6368756e6b5f64617461c400';
const G2_ADD =
  '89a474797065ab6164645f70726f6772616da7636f72725f696403ac70726f6772616d5f68617368a168a466696c65a86170702e7761736da776657273696f6ec0af666f7263655f6f7665727772697465c3ab6368756e6b5f696e64657800ac746f74616c5f6368756e6b7301aa6368756e6b5f64617461c400';
const G2_POSITIONAL = '98ae6c61756e63685f70726f6365737301a77840312e302e30a27b7dc3a27b7dc080';

describe('gateway decoder (pie-gateway.md 3.4 vectors)', () => {
  it('decodes a 0.5 launch_process in both vocabularies (0.6 fills its defaults)', () => {
    expect(decodeGatewayFrame(G1, hex(G1_LAUNCH))).toEqual({
      message: { type: 'launch_process', corr_id: 1, inferlet: 'echo@1.0.0', input: '{}', capture_outputs: true },
    });
    expect(decodeGatewayFrame(G2, hex(G1_LAUNCH))).toEqual({
      message: { type: 'launch_process', corr_id: 1, inferlet: 'echo@1.0.0', input: '{}', capture_outputs: true, props: {}, session: null, files: {} },
    });
  });

  it('decodes the full 0.6 launch_process; 0.5 ignores its extra keys', () => {
    const decoded = decodeGatewayFrame(G2, hex(G2_LAUNCH_FULL));
    expect(decoded).toEqual({
      message: {
        type: 'launch_process', corr_id: 2, inferlet: 'echo@1.0.0', input: '{}', capture_outputs: false,
        props: { 'max-tokens': 64 }, session: 'conv-1', files: { 'a.txt': Uint8Array.of(0x68, 0x69) },
      },
    });
    expect(decodeGatewayFrame(G1, hex(G2_LAUNCH_FULL))).toEqual({
      message: { type: 'launch_process', corr_id: 2, inferlet: 'echo@1.0.0', input: '{}', capture_outputs: false },
    });
  });

  it('add_program: each vocabulary refuses the other form by its missing field', () => {
    expect(decodeGatewayFrame(G1, hex(G1_ADD))).toMatchObject({ message: { type: 'add_program', manifest: 'm', chunk_data: new Uint8Array() } });
    expect(decodeGatewayFrame(G2, hex(G2_ADD))).toMatchObject({ message: { type: 'add_program', file: 'app.wasm', version: null } });
    expect(decodeGatewayFrame(G2, hex(G1_ADD))).toEqual({ error: 'missing field `file`' });
    expect(decodeGatewayFrame(G1, hex(G2_ADD))).toEqual({ error: 'missing field `manifest`' });
  });

  it('positional form: 0.6 reads it, 0.5 refuses its length', () => {
    expect(decodeGatewayFrame(G2, hex(G2_POSITIONAL))).toEqual({
      message: { type: 'launch_process', corr_id: 1, inferlet: 'x@1.0.0', input: '{}', capture_outputs: true, props: {}, session: null, files: {} },
    });
    expect(decodeGatewayFrame(G1, hex(G2_POSITIONAL))).toEqual({ error: 'invalid length 7, expected 4 elements' });
  });

  it('serde texts seen on the real gateway', () => {
    expect(decodeGatewayFrame(G1, JSON.stringify({ type: 'launch_process', corr_id: 4, inferlet: 'x', input: '{}', capture_outputs: 1 }))).toEqual({
      error: 'invalid type: integer `1`, expected a boolean',
    });
    expect(decodeGatewayFrame(G1, JSON.stringify({ type: 'ping', corr_id: 1.5 }))).toEqual({ error: 'invalid type: floating point `1.5`, expected u32' });
    expect(decodeGatewayFrame(G1, JSON.stringify({ type: 'ping', corr_id: 4294967296 }))).toEqual({ error: 'invalid value: integer `4294967296`, expected u32' });
    expect(decodeGatewayFrame(G1, JSON.stringify({ type: 'add_program', corr_id: 2 }))).toEqual({ error: 'missing field `program_hash`' });
    expect(decodeGatewayFrame(G1, 'not json')).toEqual({ error: 'expected ident at line 1 column 2' });
    expect(decodeGatewayFrame(G1, hex('93a470696e6701'))).toEqual({ error: 'IO error while reading marker: failed to fill whole buffer' });
  });
});

import * as crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ClientError } from '../../../src/model/errors.js';
import {
  PieAuthError,
  PieConnectionLostError,
  PieError,
  PieFileError,
  PieKeyError,
  PieNotFoundError,
  PieProcessFailedError,
  PieProcessLostError,
  PieProgramIdError,
  PieProtocolError,
  PieRequestError,
  PieTimeoutError,
  PieUploadError,
} from '../../../src/model/pie/errors.js';
import { PROCESS_EVENT_KINDS, isTerminalEvent, processEventFromWire, type ProcessEvent } from '../../../src/model/pie/events.js';
import { ecdsaSignatureToDer } from '../../../src/model/pie/ecdsa-der.js';

describe('Pie errors', () => {
  it('all extend ClientError and PieError and carry their own name', () => {
    const errors = [
      new PieAuthError('Invalid token'),
      new PieNotFoundError('Process not found'),
      new PieTimeoutError(),
      new PieConnectionLostError(),
      new PieProcessLostError({ processId: 'p', reason: 'r' }),
      new PieProtocolError('d'),
      new PieUploadError('x'),
      new PieRequestError('ping', 'x'),
      new PieProcessFailedError({ processId: 'p', message: 'm' }),
      new PieKeyError('k'),
      new PieProgramIdError('x'),
      new PieFileError('f'),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(ClientError);
      expect(error).toBeInstanceOf(PieError);
      expect(error.name).toBe(error.constructor.name);
    }
    expect(errors.filter((e) => e.retryable).map((e) => e.name)).toEqual(['PieConnectionLostError']);
  });

  it('keeps the server text and builds a clear message', () => {
    const auth = new PieAuthError('Signature verification failed');
    expect(String(auth)).toBe('PieAuthError: authentication rejected: Signature verification failed');
    expect(auth.serverMessage).toBe('Signature verification failed');
    const request = new PieRequestError('attach_process', 'Permission denied');
    expect(request.message).toBe('attach_process failed: Permission denied');
    expect(request.request).toBe('attach_process');
    const notFound = new PieNotFoundError('Process not found', { request: 'terminate_process' });
    expect(notFound.message).toBe('terminate_process failed: Process not found');
    const upload = new PieUploadError('upload exceeds max_upload_mb cap of 1 MiB', { programId: 'a@1.0.0' });
    expect(upload.message).toBe('upload of a@1.0.0 failed: upload exceeds max_upload_mb cap of 1 MiB');
    const failed = new PieProcessFailedError({ processId: 'p1', message: 'Signal' });
    expect([failed.message, failed.serverMessage, failed.processId]).toEqual(['process p1 failed: Signal', 'Signal', 'p1']);
    expect(new PieTimeoutError({ request: 'query', timeoutMs: 50 }).message).toBe('no response to query within 50 ms');
    expect(new PieProtocolError({ detail: 'bad frame' }).detail).toBe('bad frame');
  });

  it('explains a refused reattach', () => {
    const lost = PieProcessLostError.reattachRefused('p1', 'Process not found');
    expect(lost.processId).toBe('p1');
    expect(lost.serverMessage).toBe('Process not found');
    expect(lost.message).toContain('"Process not found" on reattach');
    expect(lost.message).toContain('do not detach processes on disconnect');
    expect(PieProcessLostError.reattachRefused('p1', 'Permission denied').reason).toBe(
      'the engine refused to reattach: Permission denied',
    );
  });

  it('never shows a token, passphrase or key block', () => {
    const token = 'Zm9vYmFyYmF6cXV4LXNlY3JldC10b2tlbi12YWx1ZQ';
    const error = new PieAuthError(`Invalid token ${token}`, { secrets: [token] });
    expect(error.message).not.toContain(token);
    expect(error.serverMessage).not.toContain(token);
    const pem = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA\n-----END PRIVATE KEY-----';
    expect(new PieKeyError(`bad ${pem}`).message).toBe('bad [redacted]');
    expect(new PieProtocolError(`oops ${token}`, { secrets: [token] }).detail).not.toContain(token);
  });
});

describe('process events', () => {
  it('maps the five wire events (spec 4.3)', () => {
    expect(processEventFromWire('p', 'stdout', 'a')).toEqual({ kind: 'stdout', processId: 'p', text: 'a' });
    expect(processEventFromWire('p', 'stderr', 'b')).toEqual({ kind: 'stderr', processId: 'p', text: 'b' });
    expect(processEventFromWire('p', 'message', 'c')).toEqual({ kind: 'message', processId: 'p', text: 'c' });
    expect(processEventFromWire('p', 'return', '{"x":1}')).toEqual({ kind: 'return', processId: 'p', value: '{"x":1}' });
    expect(processEventFromWire('p', 'error', 'Signal')).toEqual({ kind: 'error', processId: 'p', message: 'Signal' });
  });

  it('rejects unknown names, the file pseudo-event and non-string values', () => {
    expect(() => processEventFromWire('p', 'exit', '0')).toThrow(PieProtocolError);
    expect(() => processEventFromWire('p', 'exit', '0')).toThrow('protocol error: unknown process event "exit" for process p');
    expect(() => processEventFromWire('p', 'file', '')).toThrow(PieProtocolError);
    expect(() => processEventFromWire('p', 'stdout', 3 as unknown as string)).toThrow(PieProtocolError);
    expect(() => processEventFromWire(undefined as unknown as string, 'stdout', 'x')).toThrow(PieProtocolError);
  });

  it('knows which events are terminal', () => {
    const events: ProcessEvent[] = [
      { kind: 'stdout', processId: 'p', text: '' },
      { kind: 'stderr', processId: 'p', text: '' },
      { kind: 'message', processId: 'p', text: '' },
      { kind: 'file', processId: 'p', bytes: new Uint8Array(), hash: '' },
      { kind: 'return', processId: 'p', value: '' },
      { kind: 'error', processId: 'p', message: '' },
    ];
    expect(events.map((e) => e.kind)).toEqual(PROCESS_EVENT_KINDS);
    expect(events.filter(isTerminalEvent).map((e) => e.kind)).toEqual(['return', 'error']);
  });
});

describe('ecdsaSignatureToDer', () => {
  it('encodes minimal integers with a sign byte where the top bit is set', () => {
    const raw = new Uint8Array(64);
    raw[0] = 0x80; // r has its top bit set: 0x00 prefix, 33 bytes
    raw[63] = 0x05; // s = 5: one byte after stripping zeros
    const der = ecdsaSignatureToDer(raw);
    expect([...der.subarray(0, 5)]).toEqual([0x30, 2 + 33 + 3, 0x02, 33, 0x00]);
    expect([...der.subarray(der.length - 3)]).toEqual([0x02, 1, 0x05]);
  });

  it('turns real raw signatures into DER that Node verifies', () => {
    for (const [curve, digest] of [['P-256', 'sha256'], ['P-384', 'sha384'], ['P-521', 'sha512']] as const) {
      const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve });
      const data = crypto.randomBytes(48);
      for (let i = 0; i < 8; i++) {
        const raw = crypto.sign(digest, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        const der = ecdsaSignatureToDer(new Uint8Array(raw));
        expect(crypto.verify(digest, data, { key: publicKey, dsaEncoding: 'der' }, der)).toBe(true);
      }
    }
  });

  it('refuses an odd or empty input', () => {
    expect(() => ecdsaSignatureToDer(new Uint8Array(3))).toThrow(PieKeyError);
    expect(() => ecdsaSignatureToDer(new Uint8Array(0))).toThrow(PieKeyError);
  });
});

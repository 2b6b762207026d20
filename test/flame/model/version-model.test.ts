import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TaskAffinityError, resolveAffinity } from '../../../src/model/flame/affinity.js';
import { sessionSpecToProto, taskFromProto } from '../../../src/model/flame/convert.js';
import { sessionStates, shims } from '../../../src/model/flame/convert-scalars.js';
import { FlameDecodeError, SessionOptionsError } from '../../../src/model/flame/errors.js';
import { resolveSessionOptions } from '../../../src/model/flame/session-options.js';
import { SessionTokens } from '../../../src/model/flame/session-tokens.js';

describe('the Flame 0.7 additions to the model', () => {
  it('decodes the new session states and the Cri shim (number 2 stays unknown)', () => {
    expect(sessionStates.fromProto(2, 'f')).toBe('Suspending');
    expect(sessionStates.fromProto(3, 'f')).toBe('Suspended');
    expect(shims.fromProto(3, 'f')).toBe('Cri');
    expect(shims.toProto('Cri')).toBe(3);
    expect(() => shims.fromProto(2 as never, 'ApplicationSpec.shim')).toThrow(FlameDecodeError);
  });

  it('keeps tokens out of every printout, and sends them', () => {
    const resolved = resolveSessionOptions({ application: 'a', tokens: { s3: 'AKIA-secret', db: 'pw' } });
    const printed = [JSON.stringify(resolved), inspect(resolved), String(resolved.tokens)].join(' ');
    expect(printed).not.toContain('AKIA-secret');
    expect(printed).not.toContain('pw"');
    expect(printed).toContain('s3');
    expect(sessionSpecToProto(resolved).tokens).toEqual({ s3: 'AKIA-secret', db: 'pw' });
    expect(resolveSessionOptions({ application: 'a', tokens: {} }).tokens).toBeUndefined();
    expect(() => SessionTokens.from({ '': 'x' })).toThrow(SessionOptionsError);
    let message = '';
    try {
      SessionTokens.from({ svc: 42 as never });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('session token for service "svc" must be a string');
  });

  it('resolves batchSize to at least 1 and sends it', () => {
    expect(resolveSessionOptions({ application: 'a' }).batchSize).toBe(1);
    expect(resolveSessionOptions({ application: 'a', batchSize: 0 }).batchSize).toBe(1);
    expect(sessionSpecToProto(resolveSessionOptions({ application: 'a', batchSize: 8 })).batchSize).toBe(8);
    expect(() => resolveSessionOptions({ application: 'a', batchSize: -1 })).toThrow(SessionOptionsError);
  });

  it('checks and deduplicates affinity keys', () => {
    expect(resolveAffinity(['a', 'a', new Uint8Array([97]), 'b']).map((k) => Buffer.from(k).toString())).toEqual(['a', 'b']);
    expect(() => resolveAffinity([''])).toThrow(TaskAffinityError);
    expect(() => resolveAffinity(['x'.repeat(257)])).toThrow('affinity key 0 has 257 bytes (at most 256)');
    expect(() => resolveAffinity(Array.from({ length: 1025 }, (_, i) => `k${i}`))).toThrow('1025 distinct affinity keys (at most 1024)');
    expect(() => resolveAffinity(Array.from({ length: 300 }, (_, i) => `${i}`.padEnd(256, 'x')))).toThrow(/total .* bytes/);
  });

  it('reads affinity back from tasks, and leaves it out when there is none', () => {
    const proto = {
      metadata: { id: '1', name: '1' },
      spec: { sessionId: 's', affinity: [Buffer.from('k')] },
      status: { state: 0, creationTime: 0n, events: [] },
    };
    expect(taskFromProto(proto).affinity).toEqual([new Uint8Array([107])]);
    expect('affinity' in taskFromProto({ ...proto, spec: { sessionId: 's', affinity: [] } })).toBe(false);
  });
});

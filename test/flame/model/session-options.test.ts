import { describe, expect, it } from 'vitest';
import {
  ResourceRequirementParseError,
  SESSION_ID_PATTERN,
  SessionOptionsError,
  assertSameSessionId,
  generateSessionId,
  resolveSessionOptions,
  validateSessionId,
} from '../../../src/model/flame/index.js';

describe('resolveSessionOptions defaults (spec 4.2)', () => {
  it('fills every default from an application name', () => {
    const resolved = resolveSessionOptions('demo');
    expect(resolved).toEqual({ id: resolved.id, application: 'demo', minInstances: 0, priority: 0, batchSize: 1 });
    expect(resolved.id).toMatch(/^demo-[A-Za-z0-9]{6}$/);
    expect('maxInstances' in resolved).toBe(false);
    expect('resreq' in resolved).toBe(false);
    expect('commonData' in resolved).toBe(false);
  });

  it('treats an options object without extras like the bare name', () => {
    const resolved = resolveSessionOptions({ application: 'demo' });
    expect(resolved.id).toMatch(/^demo-[A-Za-z0-9]{6}$/);
    expect(resolved.minInstances).toBe(0);
  });

  it('keeps every given value', () => {
    const commonData = new Uint8Array([1, 2]);
    expect(
      resolveSessionOptions({
        application: 'demo',
        id: 'my.session_1-a',
        commonData,
        minInstances: 1,
        maxInstances: 8,
        priority: 3,
        resreq: { cpu: 2, memory: 1024, gpu: 0 },
      }),
    ).toEqual({
      id: 'my.session_1-a',
      application: 'demo',
      commonData,
      minInstances: 1,
      maxInstances: 8,
      priority: 3,
      batchSize: 1,
      resreq: { cpu: 2, memory: 1024, gpu: 0 },
    });
  });

  it('parses a resreq string', () => {
    expect(resolveSessionOptions({ application: 'a', resreq: 'cpu=2,mem=4g' }).resreq).toEqual({
      cpu: 2,
      memory: 4294967296,
      gpu: 0,
    });
  });

  it('throws on an unparsable resreq string instead of sending zeros', () => {
    expect(() => resolveSessionOptions({ application: 'a', resreq: 'cpu=two' })).toThrow(ResourceRequirementParseError);
    expect(() => resolveSessionOptions({ application: 'a', resreq: '' })).toThrow('empty string');
  });

  it('rejects an invalid resreq object', () => {
    expect(() => resolveSessionOptions({ application: 'a', resreq: { cpu: -1, memory: 0, gpu: 0 } })).toThrow(
      SessionOptionsError,
    );
  });

  it('drops empty common data (empty = absent on the wire)', () => {
    expect('commonData' in resolveSessionOptions({ application: 'a', commonData: new Uint8Array(0) })).toBe(false);
  });

  it.each(['', '   ', '\t\n'])('rejects the application %j', (application) => {
    expect(() => resolveSessionOptions({ application })).toThrow(SessionOptionsError);
    expect(() => resolveSessionOptions(application)).toThrow('session application must not be empty');
  });

  it.each([
    ['minInstances', -1],
    ['maxInstances', 1.5],
    ['priority', 2 ** 32],
    ['minInstances', Number.NaN],
  ] as const)('rejects %s = %d', (field, value) => {
    expect(() => resolveSessionOptions({ application: 'a', [field]: value })).toThrow(
      `session ${field} must be an unsigned 32-bit integer`,
    );
  });

  it('accepts maxInstances 0 and keeps it (0 is not absent)', () => {
    expect(resolveSessionOptions({ application: 'a', maxInstances: 0 }).maxInstances).toBe(0);
  });
});

describe('session ids', () => {
  it('generates <application>-<6 chars from [A-Za-z0-9]>', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = generateSessionId('flmping');
      expect(id).toMatch(/^flmping-[A-Za-z0-9]{6}$/);
      ids.add(id);
    }
    expect(ids.size).toBeGreaterThan(190);
  });

  it.each(['a', 'demo-x1Y2z3', '0abc', 'a.b_c-d', 'A'])('accepts %j', (id) => {
    expect(validateSessionId(id)).toBe(id);
    expect(SESSION_ID_PATTERN.test(id)).toBe(true);
    expect(resolveSessionOptions({ application: 'demo', id }).id).toBe(id);
  });

  it.each(['', '.hidden', '-x', '_x', 'a/b', '..', '../etc', 'a b', 'ümlaut', 'a\n'])('rejects %j', (id) => {
    expect(() => validateSessionId(id)).toThrow(SessionOptionsError);
    expect(() => resolveSessionOptions({ application: 'demo', id })).toThrow(`invalid session id ${JSON.stringify(id)}`);
  });

  it('rejects a generated id when the application name cannot start an id', () => {
    expect(() => resolveSessionOptions('my app')).toThrow('invalid session id');
  });
});

describe('assertSameSessionId (open-or-create)', () => {
  it('accepts options without an id, with the same id, or a bare application name', () => {
    expect(() => assertSameSessionId('s1', { application: 'demo' })).not.toThrow();
    expect(() => assertSameSessionId('s1', { application: 'demo', id: 's1' })).not.toThrow();
    expect(() => assertSameSessionId('s1', 'demo')).not.toThrow();
  });

  it('rejects a different id', () => {
    expect(() => assertSameSessionId('s1', { application: 'demo', id: 's2' })).toThrow(
      'session id "s1" differs from the id in its options "s2"',
    );
    expect(() => assertSameSessionId('s1', { application: 'demo', id: 's2' })).toThrow(SessionOptionsError);
  });
});

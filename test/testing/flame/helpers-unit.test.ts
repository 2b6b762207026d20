// Unit tests of the emulator's pure pieces: resreq parsing and debug text, spec comparison,
// schema checks, task-id parsing, the pending queue, handler invocation and executor sizing.
import { NEVER, Subject, of, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { FlameEmulatorError } from '../../../src/testing/flame/errors.js';
import { executorBounds, releaseDelayMs } from '../../../src/testing/flame/executor-sizing.js';
import { invokeHandler, type TaskOutcome } from '../../../src/testing/flame/handler.js';
import { PendingQueue } from '../../../src/testing/flame/pending-queue.js';
import type { SessionRecord } from '../../../src/testing/flame/records.js';
import type { ApplicationSpec } from '../../../src/gen/flame/v1/types.js';
import {
  FALLBACK_RESREQ,
  debugOptionalNumber,
  debugResreq,
  firstSpecMismatch,
  parseClusterResreq,
  resolveResreq,
} from '../../../src/testing/flame/spec-compare.js';
import { applicationNameProblem, parseTaskId, schemaProblem } from '../../../src/testing/flame/validate.js';

describe('cluster resreq', () => {
  it('parses keys case-insensitively with binary memory units and decimals', () => {
    expect(parseClusterResreq('CPU=2, Mem=1.5g ,gpu=1')).toEqual({ cpu: 2n, memory: 1610612736n, gpu: 1 });
    expect(parseClusterResreq('memory=16Gi')).toEqual({ cpu: 0n, memory: 17179869184n, gpu: 0 });
    expect(parseClusterResreq('mem=512kib,cpu=1,cpu=3')).toEqual({ cpu: 3n, memory: 524288n, gpu: 0 });
  });

  it('rejects malformed text with FlameEmulatorError', () => {
    for (const bad of ['', 'cpu=1,', 'cpu', 'cpu=1=2', 'cpu=', 'disk=1', 'cpu=x', 'mem=1q']) {
      expect(() => parseClusterResreq(bad), bad).toThrow(FlameEmulatorError);
    }
  });

  it('resolves request, then cluster default, then fallback', () => {
    const req = { cpu: 0n, memory: 0n, gpu: 0 };
    const cluster = { cpu: 4n, memory: 1n, gpu: 0 };
    expect(resolveResreq(req, cluster)).toEqual(req);
    expect(resolveResreq(undefined, cluster)).toEqual(cluster);
    expect(resolveResreq(undefined, undefined)).toEqual(FALLBACK_RESREQ);
  });

  it('formats Rust debug text', () => {
    expect(debugResreq(FALLBACK_RESREQ)).toBe('Some(ResourceRequirement { cpu: 1, memory: 1073741824, gpu: 0 })');
    expect(debugResreq(undefined)).toBe('None');
    expect(debugOptionalNumber(undefined)).toBe('None');
    expect(debugOptionalNumber(0)).toBe('Some(0)');
  });

  it('compares specs in server order and ignores nothing else', () => {
    const a = { application: 'x', resreq: FALLBACK_RESREQ, minInstances: 0, priority: 0 };
    expect(firstSpecMismatch(a, { ...a })).toBeUndefined();
    expect(firstSpecMismatch(a, { ...a, minInstances: 2, priority: 1 })?.field).toBe('min_instances');
    expect(firstSpecMismatch(a, { ...a, maxInstances: 1 })).toEqual({
      field: 'max_instances',
      expected: 'None',
      got: 'Some(1)',
    });
  });
});

describe('validation', () => {
  it('accepts JSON Schema documents and rejects other JSON', () => {
    expect(schemaProblem('true')).toBeUndefined();
    expect(schemaProblem('{}')).toBeUndefined();
    expect(schemaProblem('{"type":["string","null"],"items":{"type":"number"}}')).toBeUndefined();
    expect(schemaProblem('[]')).toBeDefined();
    expect(schemaProblem('"str"')).toBeDefined();
    expect(schemaProblem('{"required":"a"}')).toBeDefined();
    expect(schemaProblem('{"properties":{"a":3}}')).toBeDefined();
    expect(schemaProblem('{"enum":1}')).toBeDefined();
  });

  it('validates application names', () => {
    expect(applicationNameProblem('a.b_c-1')).toBeUndefined();
    expect(applicationNameProblem('x y')).toContain("invalid character ' '");
  });

  it('parses task ids like i64::from_str', () => {
    expect(parseTaskId('-3')).toBe(-3);
    expect(parseTaskId('9223372036854775807')).toBe(Number(9223372036854775807n));
    expect(() => parseTaskId('9223372036854775808')).toThrow('invalid task id');
    expect(() => parseTaskId('0x1')).toThrow('invalid task id');
  });
});

describe('PendingQueue', () => {
  it('pops ids in ascending order whatever the push order', () => {
    const q = new PendingQueue();
    const ids = [5, 3, 9, 1, 7, 2, 8, 6, 4, 10];
    ids.forEach((id) => q.push(id));
    const out: number[] = [];
    for (let id = q.pop(); id !== undefined; id = q.pop()) out.push(id);
    expect(out).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(q.size).toBe(0);
  });
});

describe('invokeHandler', () => {
  const ctx = { sessionId: 's', taskId: '1', application: 'a' };
  const run = (handler: Parameters<typeof invokeHandler>[0]) =>
    new Promise<TaskOutcome>((resolve) => invokeHandler(handler, undefined, ctx, resolve));

  it('reports asynchronously, never inside the call', () => {
    const seen: TaskOutcome[] = [];
    invokeHandler(() => 'x', undefined, ctx, (o) => seen.push(o));
    expect(seen).toEqual([]);
  });

  it('maps results and failures', async () => {
    expect(await run(() => 'hi')).toEqual({ ok: true, output: Buffer.from('hi') });
    expect(await run(() => of(new Uint8Array([1]), new Uint8Array([2])))).toEqual({ ok: true, output: Buffer.from([2]) });
    expect(await run(() => throwError(() => 'plain'))).toEqual({ ok: false, message: 'plain' });
    expect(await run(() => ({ not: 'bytes' }) as never)).toMatchObject({ ok: false });
  });

  it('abandons: unsubscribes and drops a later outcome', async () => {
    const subject = new Subject<string>();
    const seen: TaskOutcome[] = [];
    const abandon = invokeHandler(() => subject, undefined, ctx, (o) => seen.push(o));
    expect(subject.observed).toBe(true);
    abandon();
    expect(subject.observed).toBe(false);
    const abandonNever = invokeHandler(() => NEVER, undefined, ctx, (o) => seen.push(o));
    abandonNever();
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([]);
  });
});

describe('executor sizing', () => {
  const session = (minInstances: number, maxInstances?: number) =>
    ({ minInstances, ...(maxInstances !== undefined ? { maxInstances } : {}) }) as SessionRecord;
  const app = (spec: Partial<ApplicationSpec>) => ({ shim: 0, labels: [], arguments: [], environments: [], ...spec });

  it('bounds executors by handler, application and session limits', () => {
    expect(executorBounds({}, undefined, session(0))).toEqual({ limit: 1_000_000, minimum: 0 });
    expect(executorBounds({ minInstances: 2 }, app({ maxInstances: 5 }), session(3))).toEqual({ limit: 5, minimum: 3 });
    expect(executorBounds({ minInstances: 4, maxInstances: 3 }, app({ maxInstances: 5 }), session(0))).toEqual({
      limit: 3,
      minimum: 3,
    });
    expect(executorBounds({ minInstances: 2 }, undefined, session(0, 1))).toEqual({ limit: 1, minimum: 1 });
  });

  it('derives the release delay from the handler or the application delay_release', () => {
    expect(releaseDelayMs({}, undefined)).toBe(60_000);
    expect(releaseDelayMs({}, app({ delayRelease: 2n }))).toBe(2000);
    expect(releaseDelayMs({}, app({ delayRelease: -3n }))).toBe(0);
    expect(releaseDelayMs({ delayReleaseMs: 75 }, app({ delayRelease: 2n }))).toBe(75);
    expect(releaseDelayMs({}, app({ delayRelease: 10n ** 12n }))).toBe(2 ** 31 - 1);
  });
});

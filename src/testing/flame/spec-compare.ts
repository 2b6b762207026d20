// Session-spec comparison of OpenSession (flame.md 3.4.7) and resreq resolution (3.3.9).
import type { ResourceRequirement } from '../../gen/flame/v1/types.js';
import { FlameEmulatorError } from './errors.js';
import { resreqToProto } from '../../model/flame/convert-resreq.js';
import { DEFAULT_RESOURCE_REQUIREMENT, SIZE_SUFFIXES } from '../../model/flame/resreq.js';

/** The resolved, comparable part of a session spec. */
export interface ComparableSessionSpec {
  application: string;
  resreq: ResourceRequirement;
  minInstances: number;
  maxInstances?: number;
  priority: number;
}

/**
 * Fallback session resreq when neither the request nor the cluster configures one:
 * 1 CPU, 1 GiB, 0 GPU.
 *
 * @example
 * ```ts
 * import { FALLBACK_RESREQ } from './spec-compare.js';
 * FALLBACK_RESREQ.memory; // => 1073741824n
 * ```
 */
export const FALLBACK_RESREQ: Readonly<ResourceRequirement> = Object.freeze(resreqToProto(DEFAULT_RESOURCE_REQUIREMENT));

/**
 * Parses a `cluster.resreq` string (`cpu=2,mem=4g,gpu=0`) the way the server does: keys are
 * case-insensitive, memory sizes are binary and may be decimal (`1.5g`), omitted keys are 0.
 * Throws `FlameEmulatorError` on anything else.
 *
 * @example
 * ```ts
 * import { parseClusterResreq } from './spec-compare.js';
 * parseClusterResreq('cpu=2,mem=1.5g'); // => { cpu: 2n, memory: 1610612736n, gpu: 0 }
 * ```
 */
export function parseClusterResreq(text: string): ResourceRequirement {
  const fail = (why: string) => new FlameEmulatorError(`invalid clusterResreq '${text}': ${why}`);
  if (text.trim() === '') throw fail('empty');
  const out: ResourceRequirement = { cpu: 0n, memory: 0n, gpu: 0 };
  for (const rawEntry of text.split(',')) {
    const entry = rawEntry.trim();
    if (entry === '') throw fail('empty entry');
    const parts = entry.split('=');
    if (parts.length !== 2) throw fail(`entry '${entry}' is not key=value`);
    const key = parts[0]!.trim().toLowerCase();
    const value = parts[1]!.trim();
    if (value === '') throw fail(`empty value for '${key}'`);
    if (key === 'cpu') {
      if (!/^\d+$/.test(value)) throw fail(`cpu '${value}' is not an unsigned integer`);
      out.cpu = BigInt(value);
    } else if (key === 'gpu') {
      if (!/^[+-]?\d+$/.test(value) || Math.abs(Number(value)) > 2 ** 31) throw fail(`gpu '${value}' is not an integer`);
      out.gpu = Number(value);
    } else if (key === 'mem' || key === 'memory') {
      const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value);
      const unit = match ? SIZE_SUFFIXES.get(match[2]!.toLowerCase()) : undefined;
      if (!match || unit === undefined) throw fail(`memory '${value}' is not a size`);
      out.memory = BigInt(Math.floor(Number(match[1]) * Number(unit)));
    } else {
      throw fail(`unknown key '${key}'`);
    }
  }
  return out;
}

/**
 * Resolves a requested resreq: the request's own value, else the cluster default, else the
 * fallback of 1 CPU / 1 GiB / 0 GPU.
 *
 * @example
 * ```ts
 * import { resolveResreq } from './spec-compare.js';
 * resolveResreq(undefined, undefined).cpu; // => 1n
 * ```
 */
export function resolveResreq(
  requested: ResourceRequirement | undefined,
  clusterDefault: ResourceRequirement | undefined,
): ResourceRequirement {
  const chosen = requested ?? clusterDefault ?? FALLBACK_RESREQ;
  return { cpu: chosen.cpu, memory: chosen.memory, gpu: chosen.gpu };
}

/**
 * Rust debug text of `Some(resreq)`, as it appears in spec-mismatch messages.
 *
 * @example
 * ```ts
 * import { debugResreq } from './spec-compare.js';
 * debugResreq({ cpu: 1n, memory: 1073741824n, gpu: 0 });
 * // => 'Some(ResourceRequirement { cpu: 1, memory: 1073741824, gpu: 0 })'
 * ```
 */
export function debugResreq(resreq: ResourceRequirement | undefined): string {
  if (!resreq) return 'None';
  return `Some(ResourceRequirement { cpu: ${resreq.cpu}, memory: ${resreq.memory}, gpu: ${resreq.gpu} })`;
}

/**
 * Rust debug text of an `Option<u32>`: `Some(5)` or `None`.
 *
 * @example
 * ```ts
 * import { debugOptionalNumber } from './spec-compare.js';
 * debugOptionalNumber(5); // => 'Some(5)'
 * ```
 */
export function debugOptionalNumber(value: number | undefined): string {
  return value === undefined ? 'None' : `Some(${value})`;
}

/**
 * Compares a stored session spec with a requested one in the server's order (application,
 * resreq, min_instances, max_instances, priority) and returns the first mismatch as
 * `{ field, expected, got }` texts, or undefined when they match. common_data and batch_size
 * are not compared.
 *
 * @example
 * ```ts
 * import { firstSpecMismatch, FALLBACK_RESREQ } from './spec-compare.js';
 * const a = { application: 'a', resreq: FALLBACK_RESREQ, minInstances: 0, priority: 0 };
 * firstSpecMismatch(a, { ...a, priority: 2 }); // => { field: 'priority', expected: '0', got: '2' }
 * ```
 */
export function firstSpecMismatch(
  stored: ComparableSessionSpec,
  requested: ComparableSessionSpec,
): { field: string; expected: string; got: string } | undefined {
  if (stored.application !== requested.application) {
    return { field: 'application', expected: `'${stored.application}'`, got: `'${requested.application}'` };
  }
  const a = stored.resreq;
  const b = requested.resreq;
  if (a.cpu !== b.cpu || a.memory !== b.memory || a.gpu !== b.gpu) {
    return { field: 'resreq', expected: debugResreq(a), got: debugResreq(b) };
  }
  if (stored.minInstances !== requested.minInstances) {
    return { field: 'min_instances', expected: `${stored.minInstances}`, got: `${requested.minInstances}` };
  }
  if (stored.maxInstances !== requested.maxInstances) {
    return {
      field: 'max_instances',
      expected: debugOptionalNumber(stored.maxInstances),
      got: debugOptionalNumber(requested.maxInstances),
    };
  }
  if (stored.priority !== requested.priority) {
    return { field: 'priority', expected: `${stored.priority}`, got: `${requested.priority}` };
  }
  return undefined;
}

import { ResourceRequirementError, ResourceRequirementParseError } from './errors.js';
import type { ResourceRequirement } from './types.js';

const KIB = 1024n;
/**
 * Binary size suffixes of spec 4.3, lower-cased, and their multipliers (`''` and `b` are
 * bytes, `k`/`kb`/`ki`/`kib` 1024, … up to `p`/`pib` 1024⁵). The SDK syntax and the
 * server's `cluster.resreq` syntax (emulated in `flame-pie-rx/testing`) share this table.
 *
 * @example
 * ```ts
 * import { SIZE_SUFFIXES } from 'flame-pie-rx/flame';
 * SIZE_SUFFIXES.get('gib'); // => 1073741824n
 * ```
 */
export const SIZE_SUFFIXES: ReadonlyMap<string, bigint> = new Map([
  ['', 1n],
  ['b', 1n],
  ...(['k', 'm', 'g', 't', 'p'] as const).flatMap((letter, index) => {
    const factor = KIB ** BigInt(index + 1);
    return [letter, `${letter}b`, `${letter}i`, `${letter}ib`].map((s) => [s, factor] as [string, bigint]);
  }),
]);

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

/**
 * Parses Flame's resource requirement syntax (spec 4.3): comma-separated `key=value`
 * entries, keys `cpu`, `mem`/`memory`, `gpu` (case-insensitive), omitted keys 0, the last of
 * a repeated key wins; memory takes binary suffixes (`16g` = `16Gi` = 17179869184).
 * Integers only. Anything else throws `ResourceRequirementParseError`, never a silent zero.
 *
 * @example
 * ```ts
 * import { parseResourceRequirement } from 'flame-pie-rx/flame';
 * parseResourceRequirement('cpu=2, mem=4g'); // => { cpu: 2, memory: 4294967296, gpu: 0 }
 * ```
 */
export function parseResourceRequirement(text: string): ResourceRequirement {
  const input = String(text);
  const fail = (problem: string, entry?: string): never => {
    throw new ResourceRequirementParseError({ input, problem, ...(entry === undefined ? {} : { entry }) });
  };
  if (input.trim() === '') fail('empty string');
  const result: ResourceRequirement = { cpu: 0, memory: 0, gpu: 0 };
  input.split(',').forEach((raw, index) => {
    const entry = raw.trim();
    if (entry === '') fail(`empty entry at position ${index + 1}`);
    const parts = entry.split('=');
    if (parts.length < 2) fail('missing "="', entry);
    if (parts.length > 2) fail('more than one "="', entry);
    const key = parts[0]!.trim().toLowerCase();
    const value = parts[1]!.trim();
    if (key === '') fail('empty key', entry);
    if (key !== 'cpu' && key !== 'mem' && key !== 'memory' && key !== 'gpu') {
      fail(`unknown key "${parts[0]!.trim()}" (expected cpu, mem, memory or gpu)`, entry);
    }
    if (value === '') fail(`empty value for ${key}`, entry);
    if (key === 'cpu') result.cpu = parseCpu(value, (p) => fail(p, entry));
    else if (key === 'gpu') result.gpu = parseGpu(value, (p) => fail(p, entry));
    else result.memory = parseMemory(key, value, (p) => fail(p, entry));
  });
  return result;
}

function parseCpu(value: string, fail: (problem: string) => never): number {
  if (!/^\d+$/.test(value)) fail(`cpu "${value}" is not an unsigned integer`);
  const n = BigInt(value);
  if (n > MAX_SAFE) fail(`cpu ${value} is out of range (at most ${MAX_SAFE})`);
  return Number(n);
}

function parseGpu(value: string, fail: (problem: string) => never): number {
  if (!/^[+-]?\d+$/.test(value)) fail(`gpu "${value}" is not an integer`);
  const n = BigInt(value);
  if (n < INT32_MIN || n > INT32_MAX) fail(`gpu ${value} is out of range (${INT32_MIN}..${INT32_MAX})`);
  return Number(n);
}

function parseMemory(key: string, value: string, fail: (problem: string) => never): number {
  const match = /^(\d+)([A-Za-z]*)$/.exec(value);
  if (!match) fail(`${key} "${value}" is not an integer size (bytes, or with a suffix such as k, mi, 4g)`);
  const factor = SIZE_SUFFIXES.get(match![2]!.toLowerCase());
  if (factor === undefined) {
    fail(`${key} "${value}" has an unknown size suffix "${match![2]}" (use b, k, kb, ki, kib, m, … p, pb, pi, pib)`);
  }
  const bytes = BigInt(match![1]!) * factor!;
  if (bytes > MAX_SAFE) fail(`${key} ${value} is out of range (at most ${MAX_SAFE} bytes)`);
  return Number(bytes);
}

/**
 * Writes a resource requirement in the string syntax, all three keys, memory in bytes.
 *
 * @example
 * ```ts
 * import { formatResourceRequirement } from 'flame-pie-rx/flame';
 * formatResourceRequirement({ cpu: 1, memory: 1073741824, gpu: 0 }); // => 'cpu=1,mem=1073741824,gpu=0'
 * ```
 */
export function formatResourceRequirement(r: ResourceRequirement): string {
  return `cpu=${r.cpu},mem=${r.memory},gpu=${r.gpu}`;
}

/**
 * Checks that a resource requirement fits the wire types: cpu and memory non-negative safe
 * integers (uint64 on the wire), gpu a signed 32-bit integer. Throws `ResourceRequirementError`.
 *
 * @example
 * ```ts
 * import { validateResourceRequirement } from 'flame-pie-rx/flame';
 * validateResourceRequirement({ cpu: 1, memory: 0, gpu: 0 }); // ok
 * validateResourceRequirement({ cpu: 1.5, memory: 0, gpu: 0 }); // throws
 * ```
 */
export function validateResourceRequirement(r: ResourceRequirement): ResourceRequirement {
  for (const key of ['cpu', 'memory'] as const) {
    const v = r[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw new ResourceRequirementError(
        `resource requirement ${key} must be a non-negative integer up to ${Number.MAX_SAFE_INTEGER}, got ${String(v)}`,
      );
    }
  }
  if (typeof r.gpu !== 'number' || !Number.isInteger(r.gpu) || r.gpu < -(2 ** 31) || r.gpu > 2 ** 31 - 1) {
    throw new ResourceRequirementError(`resource requirement gpu must be a signed 32-bit integer, got ${String(r.gpu)}`);
  }
  return r;
}

/**
 * The server's fallback when a session names no resreq and the cluster sets none
 * (spec 3.3.9): cpu 1, memory 1 GiB, gpu 0.
 *
 * @example
 * ```ts
 * import { DEFAULT_RESOURCE_REQUIREMENT } from 'flame-pie-rx/flame';
 * DEFAULT_RESOURCE_REQUIREMENT.memory; // => 1073741824
 * ```
 */
export const DEFAULT_RESOURCE_REQUIREMENT: Readonly<ResourceRequirement> = Object.freeze({
  cpu: 1,
  memory: 1073741824,
  gpu: 0,
});

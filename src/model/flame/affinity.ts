// Task affinity keys (Flame 0.7, flame-0.7.md 3.5): checked and deduplicated before sending.
import { ClientError } from '../errors.js';

/** Largest affinity key, bytes. */
export const MAX_AFFINITY_KEY_BYTES = 256;
/** Most distinct affinity keys per task. */
export const MAX_AFFINITY_KEYS = 1024;
/** Most affinity bytes per task. */
export const MAX_AFFINITY_TOTAL_BYTES = 64 * 1024;

/**
 * A task's affinity keys break the 0.7 limits: each key 1–256 bytes, at most 1,024
 * distinct keys and 64 KiB per task.
 *
 * @example
 * ```ts
 * import { TaskAffinityError } from 'flame-pie-rx/flame';
 * new TaskAffinityError('affinity key 0 is empty').message;
 * ```
 */
export class TaskAffinityError extends ClientError {}

/** An affinity key: bytes, or text sent as UTF-8. */
export type AffinityKey = Uint8Array | string;

const encoder = new TextEncoder();

/**
 * Affinity keys as the distinct byte strings the wire carries (duplicates removed, first
 * occurrence kept), or `TaskAffinityError` when a limit is broken.
 *
 * @example
 * ```ts
 * import { resolveAffinity } from 'flame-pie-rx/flame';
 * resolveAffinity(['block-1', 'block-1', 'block-2']).length; // => 2
 * ```
 */
export function resolveAffinity(keys: Iterable<AffinityKey>): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  let total = 0;
  let index = 0;
  for (const key of keys) {
    const bytes = typeof key === 'string' ? encoder.encode(key) : key;
    if (!(bytes instanceof Uint8Array)) throw new TaskAffinityError(`affinity key ${index} is not bytes or text`);
    if (bytes.byteLength === 0) throw new TaskAffinityError(`affinity key ${index} is empty`);
    if (bytes.byteLength > MAX_AFFINITY_KEY_BYTES) {
      throw new TaskAffinityError(`affinity key ${index} has ${bytes.byteLength} bytes (at most ${MAX_AFFINITY_KEY_BYTES})`);
    }
    index += 1;
    const id = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    if (seen.has(id)) continue;
    seen.add(id);
    total += bytes.byteLength;
    out.push(bytes);
  }
  if (out.length > MAX_AFFINITY_KEYS) {
    throw new TaskAffinityError(`${out.length} distinct affinity keys (at most ${MAX_AFFINITY_KEYS})`);
  }
  if (total > MAX_AFFINITY_TOTAL_BYTES) {
    throw new TaskAffinityError(`affinity keys total ${total} bytes (at most ${MAX_AFFINITY_TOTAL_BYTES})`);
  }
  return out;
}

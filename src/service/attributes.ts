// Executor attributes of a 0.7 service (flame-0.7.md 3.5): keys published and retracted
// per "round", carried on the next shim reply.
import type { ExecutorAttributes } from '../gen/flame/v1/types.js';
import { FlameServiceError } from './errors.js';

const MAX_KEY_BYTES = 256;
const MAX_KEYS = 1024;
const MAX_BYTES = 64 * 1024;
const encoder = new TextEncoder();

/** An attribute key: bytes, or text sent as UTF-8. */
export type AttributeKey = Uint8Array | string;

/**
 * The changes of one round: within a round the last operation on a key wins, so a key is
 * never in both lists. Per direction: keys of 1–256 bytes, at most 1,024 keys and 64 KiB;
 * a call that would break a limit throws `FlameServiceError` and leaves the round as it was.
 *
 * @example
 * ```ts
 * import { AttributeRound } from 'flame-pie-rx/flame';
 * const round = new AttributeRound();
 * round.publish(['block-1', 'block-2']);
 * round.retract(['block-2']);
 * round.take().publish.length; // => 1
 * ```
 */
export class AttributeRound {
  /** key (latin1 of its bytes) → [bytes, published?] */
  #changes = new Map<string, [Uint8Array, boolean]>();

  publish(keys: Iterable<AttributeKey>): void {
    this.#apply(keys, true);
  }

  retract(keys: Iterable<AttributeKey>): void {
    this.#apply(keys, false);
  }

  /** The round's changes as the wire message, clearing the round (empty lists when nothing changed). */
  take(): ExecutorAttributes {
    const publish: Buffer[] = [];
    const retract: Buffer[] = [];
    for (const [bytes, published] of this.#changes.values()) (published ? publish : retract).push(Buffer.from(bytes));
    this.#changes = new Map();
    return { publish, retract };
  }

  #apply(keys: Iterable<AttributeKey>, published: boolean): void {
    const next = new Map(this.#changes);
    for (const key of keys) {
      const bytes = typeof key === 'string' ? encoder.encode(key) : key;
      if (bytes.byteLength === 0 || bytes.byteLength > MAX_KEY_BYTES) {
        throw new FlameServiceError(`attribute keys must have 1 to ${MAX_KEY_BYTES} bytes, got ${bytes.byteLength}`);
      }
      next.set(Buffer.from(bytes).toString('latin1'), [bytes, published]);
    }
    let count = 0;
    let total = 0;
    for (const [bytes, isPublish] of next.values()) {
      if (isPublish !== published) continue;
      count += 1;
      total += bytes.byteLength;
    }
    if (count > MAX_KEYS) throw new FlameServiceError(`at most ${MAX_KEYS} attribute keys per round`);
    if (total > MAX_BYTES) throw new FlameServiceError(`at most ${MAX_BYTES} bytes of attribute keys per round`);
    this.#changes = next;
  }
}

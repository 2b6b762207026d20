// ObjectRef: what a put returns and what SDKs pass around (in common_data or a task input):
// the BSON document {endpoint: string, key: string, version: int64} (flame.md 6.1,
// flame-0.7.md 3.8). One codec for both versions.
import { BSON, Long } from 'bson';
import { FlameObjectRefError } from './cache-errors.js';

/** A reference to a cached object: the replica that owns it, its key and its version. */
export interface ObjectRef {
  /** The cache replica that owns the object, e.g. `grpc://10.0.0.5:9090`. */
  readonly endpoint: string;
  /** Full key `<app>/<session>/<object>`. */
  readonly key: string;
  /** The object's version when the reference was made (0.6: mutations, 0.7: parts). */
  readonly version: number;
}

/**
 * Encodes an ObjectRef as the SDKs' BSON document (version as int64).
 *
 * @example
 * ```ts
 * import { decodeObjectRef, encodeObjectRef } from 'flame-pie-rx/flame/cache';
 * const bytes = encodeObjectRef({ endpoint: 'grpc://127.0.0.1:9090', key: 'app/shared/x', version: 1 });
 * decodeObjectRef(bytes).key; // => 'app/shared/x'
 * ```
 */
export function encodeObjectRef(ref: ObjectRef): Uint8Array {
  if (typeof ref?.endpoint !== 'string' || ref.endpoint === '') throw new FlameObjectRefError('endpoint must be a non-empty string');
  if (typeof ref.key !== 'string' || ref.key === '') throw new FlameObjectRefError('key must be a non-empty string');
  if (!Number.isSafeInteger(ref.version) || ref.version < 0) {
    throw new FlameObjectRefError(`version must be a non-negative safe integer, got ${String(ref.version)}`);
  }
  return BSON.serialize({ endpoint: ref.endpoint, key: ref.key, version: Long.fromNumber(ref.version) });
}

/**
 * Decodes a BSON ObjectRef. Like the 0.7 decoder, an int32 version is accepted and a
 * missing one reads as 0. Anything else throws `FlameObjectRefError`.
 *
 * @example
 * ```ts
 * import { decodeObjectRef } from 'flame-pie-rx/flame/cache';
 * try { decodeObjectRef(new Uint8Array([1, 2, 3])); } catch (e) { console.log((e as Error).message); }
 * ```
 */
export function decodeObjectRef(bytes: Uint8Array): ObjectRef {
  if (!(bytes instanceof Uint8Array)) throw new FlameObjectRefError(`expected bytes, got ${typeof bytes}`);
  let doc: Record<string, unknown>;
  try {
    doc = BSON.deserialize(bytes, { useBigInt64: true, validation: { utf8: true } }) as Record<string, unknown>;
  } catch (error) {
    throw new FlameObjectRefError('not a BSON document', { cause: error });
  }
  const { endpoint, key, version } = doc;
  if (typeof endpoint !== 'string' || endpoint === '') throw new FlameObjectRefError('missing endpoint');
  if (typeof key !== 'string' || key === '') throw new FlameObjectRefError('missing key');
  let v: number;
  if (version === undefined || version === null) v = 0;
  else if (typeof version === 'bigint') v = Number(version);
  else if (typeof version === 'number' && Number.isInteger(version)) v = version;
  else throw new FlameObjectRefError(`version must be an integer, got ${typeof version}`);
  if (!Number.isSafeInteger(v) || v < 0) throw new FlameObjectRefError(`version out of range: ${String(version)}`);
  return { endpoint, key, version: v };
}

/**
 * Whether bytes look like a BSON ObjectRef (decodes without error).
 *
 * @example
 * ```ts
 * import { encodeObjectRef, isObjectRefBytes } from 'flame-pie-rx/flame/cache';
 * isObjectRefBytes(encodeObjectRef({ endpoint: 'grpc://h:9090', key: 'a/b/c', version: 1 })); // => true
 * ```
 */
export function isObjectRefBytes(bytes: Uint8Array | undefined): boolean {
  if (bytes === undefined || bytes.length < 5) return false;
  try {
    decodeObjectRef(bytes);
    return true;
  } catch {
    return false;
  }
}

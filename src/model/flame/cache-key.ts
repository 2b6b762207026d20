// Object keys of the Flame object cache (flame.md 6.1, flame-0.7.md 3.8):
// `<app>/<session>/<object>`, prefixes `<app>/<session>`, delete targets also `<app>/*`.
import { FlameCacheKeyError } from './cache-errors.js';

/** Why a key component is unusable, or undefined when it is fine. */
function componentProblem(part: string): string | undefined {
  if (part === '') return 'empty component';
  if (part.includes('..')) return 'a component must not contain ".."';
  if (part.includes('\\')) return 'a component must not contain "\\"';
  // 0.7 allows ':', 0.6 cannot (its DoGet ticket splits key and version at the first colon).
  if (part.includes(':')) return 'a component must not contain ":" (0.6 tickets split at it)';
  if (part === '*') return '"*" is only allowed as the session of a delete target "<app>/*"';
  return undefined;
}

function parts(text: unknown, what: string): string[] {
  if (typeof text !== 'string') throw new FlameCacheKeyError(String(text), `expected a string, got ${typeof text}`, what);
  return text.split('/');
}

function check(text: string, pieces: string[], what: string, allowStarSession = false): void {
  for (const [index, part] of pieces.entries()) {
    if (allowStarSession && index === 1 && part === '*') continue;
    const problem = componentProblem(part);
    if (problem) throw new FlameCacheKeyError(text, problem, what);
  }
}

/**
 * Checks a full object key `<app>/<session>/<object>`; returns it, or throws `FlameCacheKeyError`.
 *
 * @example
 * ```ts
 * import { checkObjectKey } from 'flame-pie-rx/flame/cache';
 * checkObjectKey('my-app/shared/weights'); // => 'my-app/shared/weights'
 * ```
 */
export function checkObjectKey(key: string): string {
  const pieces = parts(key, 'object key');
  if (pieces.length !== 3) throw new FlameCacheKeyError(key, 'expected <app>/<session>/<object>');
  check(key, pieces, 'object key');
  return key;
}

/**
 * Checks what a put takes: a full key, or a prefix `<app>/<session>` (the cache names the object).
 *
 * @example
 * ```ts
 * import { checkPutKey } from 'flame-pie-rx/flame/cache';
 * checkPutKey('my-app/ssn-1'); // => 'my-app/ssn-1'
 * ```
 */
export function checkPutKey(keyOrPrefix: string): string {
  const pieces = parts(keyOrPrefix, 'key or prefix');
  if (pieces.length !== 2 && pieces.length !== 3) {
    throw new FlameCacheKeyError(keyOrPrefix, 'expected <app>/<session> or <app>/<session>/<object>', 'key or prefix');
  }
  check(keyOrPrefix, pieces, 'key or prefix');
  return keyOrPrefix;
}

/**
 * Checks a delete target: a full key, a prefix `<app>/<session>`, or `<app>/*`.
 *
 * @example
 * ```ts
 * import { checkDeleteTarget } from 'flame-pie-rx/flame/cache';
 * checkDeleteTarget('my-app/*'); // => 'my-app/*'
 * ```
 */
export function checkDeleteTarget(target: string): string {
  const pieces = parts(target, 'delete target');
  if (pieces.length !== 2 && pieces.length !== 3) {
    throw new FlameCacheKeyError(target, 'expected <app>/*, <app>/<session> or <app>/<session>/<object>', 'delete target');
  }
  check(target, pieces, 'delete target', pieces.length === 2);
  return target;
}

/**
 * The key of an object: `objectKey('app', 'ssn', 'id')` → `app/ssn/id`, checked.
 *
 * @example
 * ```ts
 * import { objectKey } from 'flame-pie-rx/flame/cache';
 * objectKey('my-app', 'shared', 'table'); // => 'my-app/shared/table'
 * ```
 */
export function objectKey(application: string, session: string, object: string): string {
  return checkObjectKey(`${application}/${session}/${object}`);
}

/**
 * The prefix of an application's cross-session objects, `<app>/shared` (RFE423).
 *
 * @example
 * ```ts
 * import { sharedPrefix } from 'flame-pie-rx/flame/cache';
 * sharedPrefix('my-app'); // => 'my-app/shared'
 * ```
 */
export function sharedPrefix(application: string): string {
  return checkPutKey(`${application}/shared`);
}

/**
 * The key of an application package, `<app>/pkg/<file>` (RFE429).
 *
 * @example
 * ```ts
 * import { packageKey } from 'flame-pie-rx/flame/cache';
 * packageKey('my-app', 'app.tar.gz'); // => 'my-app/pkg/app.tar.gz'
 * ```
 */
export function packageKey(application: string, filename: string): string {
  return objectKey(application, 'pkg', filename);
}

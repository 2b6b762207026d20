import { randomInt } from 'node:crypto';
import { ResourceRequirementError, SessionOptionsError } from './errors.js';
import { parseResourceRequirement, validateResourceRequirement } from './resreq.js';
import { SessionTokens } from './session-tokens.js';
import type { ResourceRequirement } from './types.js';

/** What a caller says about a session to create or open (spec 4.2). */
export interface SessionOptions {
  /** The application to run; must not be empty or whitespace. */
  application: string;
  /** Defaults to `<application>-<6 random chars from [A-Za-z0-9]>`. */
  id?: string;
  /** Handed to every service instance when it enters the session; empty = none. */
  commonData?: Uint8Array;
  /** Default 0. */
  minInstances?: number;
  /** Default: unlimited. */
  maxInstances?: number;
  /** Higher = more important; default 0. */
  priority?: number;
  /** An object or the string syntax (`cpu=2,mem=4g`); default: the server's default. */
  resreq?: ResourceRequirement | string;
  /**
   * Flame 0.7: gang size, the number of executors the session is bound to together
   * (default 1; 0 counts as 1). Above 1 on a 0.6 server: `FlameUnsupportedFeatureError`.
   */
  batchSize?: number;
  /**
   * Flame 0.7: credentials for services, by service name, delivered to every service
   * instance of the session. Secrets: never logged nor put in errors. On a 0.6 server:
   * `FlameUnsupportedFeatureError` (0.6 would drop them silently).
   */
  tokens?: Readonly<Record<string, string>>;
}

/** Session options with every default applied and every value checked. */
export interface ResolvedSessionOptions {
  id: string;
  application: string;
  commonData?: Uint8Array;
  minInstances: number;
  maxInstances?: number;
  priority: number;
  /** The gang size, at least 1 (a 0.6 server always uses 1). */
  batchSize: number;
  /** Absent = let the server resolve it (cluster setting, else cpu 1, 1 GiB). */
  resreq?: ResourceRequirement;
  /** Session tokens (0.7), held so that they print as redacted; absent when none. */
  tokens?: SessionTokens;
}

/**
 * The session id shape the client accepts (spec 3.3.1): the server checks nothing, but the
 * filesystem storage engine uses the id as a directory name.
 *
 * @example
 * ```ts
 * import { SESSION_ID_PATTERN } from 'flame-pie-rx/flame';
 * SESSION_ID_PATTERN.test('demo-x1Y2z3'); // => true
 * SESSION_ID_PATTERN.test('../etc'); // => false
 * ```
 */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A fresh session id `<application>-<6 chars from [A-Za-z0-9]>`, as both upstream SDKs make
 * them, drawn from `node:crypto` randomness.
 *
 * @example
 * ```ts
 * import { generateSessionId } from 'flame-pie-rx/flame';
 * generateSessionId('demo'); // e.g. 'demo-x1Y2z3'
 * ```
 */
export function generateSessionId(application: string): string {
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return `${application}-${suffix}`;
}

/**
 * Throws `SessionOptionsError` unless `id` matches `SESSION_ID_PATTERN`.
 *
 * @example
 * ```ts
 * import { validateSessionId } from 'flame-pie-rx/flame';
 * validateSessionId('demo-1'); // => 'demo-1'
 * validateSessionId('a/b'); // throws
 * ```
 */
export function validateSessionId(id: string): string {
  if (typeof id !== 'string' || !SESSION_ID_PATTERN.test(id)) {
    throw new SessionOptionsError(
      `invalid session id ${JSON.stringify(id)}: it must start with a letter or digit and contain only letters, digits, '.', '_' and '-'`,
    );
  }
  return id;
}

function uint32(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new SessionOptionsError(`session ${name} must be an unsigned 32-bit integer, got ${String(value)}`);
  }
  return value;
}

function resolveResreq(resreq: ResourceRequirement | string | undefined): ResourceRequirement | undefined {
  if (resreq === undefined) return undefined;
  if (typeof resreq === 'string') return parseResourceRequirement(resreq);
  try {
    return { ...validateResourceRequirement(resreq) };
  } catch (error) {
    if (error instanceof ResourceRequirementError) {
      throw new SessionOptionsError(`invalid session resreq: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * Applies the defaults of spec 4.2 (id generated, min 0, max unlimited, priority 0, batch
 * size 1, resreq left to the server, no tokens) and checks every value: an empty application, a
 * malformed id or a bad number throw `SessionOptionsError`; an unparsable resreq string
 * throws `ResourceRequirementParseError` (never silently zero). A plain string is the
 * application name.
 *
 * @example
 * ```ts
 * import { resolveSessionOptions } from 'flame-pie-rx/flame';
 * const resolved = resolveSessionOptions({ application: 'demo', resreq: 'cpu=2,mem=4g' });
 * resolved.id; // e.g. 'demo-x1Y2z3'
 * resolved.resreq; // => { cpu: 2, memory: 4294967296, gpu: 0 }
 * ```
 */
export function resolveSessionOptions(options: SessionOptions | string): ResolvedSessionOptions {
  const opts: SessionOptions = typeof options === 'string' ? { application: options } : options;
  const application = opts.application;
  if (typeof application !== 'string' || application.trim() === '') {
    throw new SessionOptionsError('session application must not be empty');
  }
  const id = opts.id === undefined ? generateSessionId(application) : opts.id;
  validateSessionId(id);
  const maxInstances = uint32(opts.maxInstances, 'maxInstances');
  const resreq = resolveResreq(opts.resreq);
  const commonData = opts.commonData && opts.commonData.byteLength > 0 ? opts.commonData : undefined;
  const tokens = SessionTokens.from(opts.tokens);
  return {
    id,
    application,
    ...(commonData === undefined ? {} : { commonData }),
    minInstances: uint32(opts.minInstances, 'minInstances') ?? 0,
    ...(maxInstances === undefined ? {} : { maxInstances }),
    priority: uint32(opts.priority, 'priority') ?? 0,
    batchSize: Math.max(uint32(opts.batchSize, 'batchSize') ?? 1, 1),
    ...(resreq === undefined ? {} : { resreq }),
    ...(tokens === undefined ? {} : { tokens }),
  };
}

/**
 * For open-or-create: throws `SessionOptionsError` when the options carry an `id` that is not
 * the id being opened (the Rust SDK's rule); the options' id may be omitted.
 *
 * @example
 * ```ts
 * import { assertSameSessionId } from 'flame-pie-rx/flame';
 * assertSameSessionId('s1', { application: 'demo' }); // ok
 * assertSameSessionId('s1', { application: 'demo', id: 's2' }); // throws
 * ```
 */
export function assertSameSessionId(id: string, options: SessionOptions | string): void {
  if (typeof options === 'string' || options.id === undefined || options.id === id) return;
  throw new SessionOptionsError(
    `session id ${JSON.stringify(id)} differs from the id in its options ${JSON.stringify(options.id)}`,
  );
}

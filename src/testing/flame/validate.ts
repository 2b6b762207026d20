// Request validation of the application RPCs (flame.md 3.4.1) and of task ids (3.2).
import { status } from '@grpc/grpc-js';
import type { ApplicationSpec } from '../../gen/flame/v1/types.js';
import { RpcFailure } from './errors.js';
import { flameMessages } from './messages.js';
import { formatSerdeJsonError, serdeJsonError } from '../serde-json-error.js';

const JSON_TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer']);

/**
 * Checks that a schema text is a JSON Schema document. The server validates against the
 * JSON Schema meta-schema; this is an approximation of that check: the text must parse as
 * JSON (a syntax error is worded as serde_json words it, like the server), be an object or a boolean, and the common keywords (`type`, `properties`,
 * `required`, `items`, `enum`) must have the shapes the meta-schema demands.
 * Returns a problem description, or undefined when acceptable.
 *
 * @example
 * ```ts
 * import { schemaProblem } from './validate.js';
 * schemaProblem('{"type":"object"}'); // => undefined
 * schemaProblem('{"type":"banana"}'); // => a description of the problem
 * ```
 */
export function schemaProblem(text: string): string | undefined {
  const syntax = serdeJsonError(text);
  if (syntax) return formatSerdeJsonError(syntax);
  return schemaValueProblem(JSON.parse(text), '');
}

function schemaValueProblem(doc: unknown, where: string): string | undefined {
  if (typeof doc === 'boolean') return undefined;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return `${JSON.stringify(doc)} is not of types "boolean", "object"${where ? ` at ${where}` : ''}`;
  }
  const schema = doc as Record<string, unknown>;
  const type = schema['type'];
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    if (types.length === 0 || !types.every((t) => typeof t === 'string' && JSON_TYPES.has(t))) {
      return `${JSON.stringify(type)} is not valid under any of the schemas listed in the 'anyOf' keyword${where ? ` at ${where}` : ''}`;
    }
  }
  const required = schema['required'];
  if (required !== undefined && !(Array.isArray(required) && required.every((r) => typeof r === 'string'))) {
    return `${JSON.stringify(required)} is not of type "array" of strings at ${where}/required`;
  }
  const enumValues = schema['enum'];
  if (enumValues !== undefined && !Array.isArray(enumValues)) {
    return `${JSON.stringify(enumValues)} is not of type "array" at ${where}/enum`;
  }
  const properties = schema['properties'];
  if (properties !== undefined) {
    if (properties === null || typeof properties !== 'object' || Array.isArray(properties)) {
      return `${JSON.stringify(properties)} is not of type "object" at ${where}/properties`;
    }
    for (const [name, sub] of Object.entries(properties as Record<string, unknown>)) {
      const problem = schemaValueProblem(sub, `${where}/properties/${name}`);
      if (problem) return problem;
    }
  }
  const items = schema['items'];
  if (items !== undefined) {
    const list = Array.isArray(items) ? items : [items];
    for (const [i, sub] of list.entries()) {
      const problem = schemaValueProblem(sub, `${where}/items${Array.isArray(items) ? `/${i}` : ''}`);
      if (problem) return problem;
    }
  }
  return undefined;
}

/**
 * The gRPC-level validation of Register/UpdateApplication (steps 1–3 of 3.4.1): throws
 * `RpcFailure` INVALID_ARGUMENT for a missing spec, a bad schema or a relative
 * working directory, and returns the spec otherwise.
 *
 * @example
 * ```ts
 * import { validateApplicationSpec } from './validate.js';
 * validateApplicationSpec(undefined); // throws RpcFailure(3, 'applilcation spec is missed')
 * ```
 */
export function validateApplicationSpec(spec: ApplicationSpec | undefined): ApplicationSpec {
  if (!spec) throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.applicationSpecMissing);
  const schema = spec.schema;
  if (schema) {
    const checks: [string | undefined, 'input' | 'output' | 'common data'][] = [
      [schema.input, 'input'],
      [schema.output, 'output'],
      [schema.commonData, 'common data'],
    ];
    for (const [text, which] of checks) {
      if (text === undefined) continue;
      const problem = schemaProblem(text);
      if (problem) throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.invalidSchema(which, problem));
    }
  }
  const wd = spec.workingDirectory;
  if (wd !== undefined && wd !== '' && !wd.startsWith('/')) {
    throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.workingDirectoryNotAbsolute(wd));
  }
  return spec;
}

/**
 * Application-name validation (step 4 of 3.4.1). Returns the in-band failure message, or
 * undefined for a valid name.
 *
 * @example
 * ```ts
 * import { applicationNameProblem } from './validate.js';
 * applicationNameProblem(''); // => 'application name cannot be empty'
 * applicationNameProblem('my-app'); // => undefined
 * ```
 */
export function applicationNameProblem(name: string): string | undefined {
  if (name === '') return flameMessages.applicationNameEmpty;
  if (name.length > 253) return flameMessages.applicationNameTooLong(name.length);
  if (name.includes('..') || name.includes('/') || name.includes('\\')) {
    return flameMessages.applicationNamePathSeparator(name);
  }
  if (name.startsWith('.') || name.startsWith('-')) return flameMessages.applicationNameLeadingCharacter(name);
  const bad = /[^A-Za-z0-9_.-]/.exec(name);
  if (bad) return flameMessages.applicationNameInvalidCharacter(name, bad[0]);
  return undefined;
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/**
 * Parses a wire task id like Rust's `i64::from_str` (optional sign, decimal digits, within
 * the signed 64-bit range); throws `RpcFailure` INVALID_ARGUMENT `invalid task id` otherwise.
 *
 * @example
 * ```ts
 * import { parseTaskId } from './validate.js';
 * parseTaskId('7'); // => 7
 * ```
 */
export function parseTaskId(text: string): number {
  if (/^[+-]?\d+$/.test(text)) {
    const value = BigInt(text);
    if (value >= I64_MIN && value <= I64_MAX) {
      // Task ids beyond 2^53 cannot exist in the emulator; they simply match no task.
      return Number(value);
    }
  }
  throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.invalidTaskId);
}

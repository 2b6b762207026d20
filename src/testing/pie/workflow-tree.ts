// Workflow expression trees (protocol reference 2.7): parsing with serde-like error details,
// truthiness and the input built for a `process` node.
import { ClientError } from '../../model/errors.js';
import { formatSerdeJsonError, serdeJsonError } from '../serde-json-error.js';

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One node of a workflow expression tree. */
export type WorkflowNode =
  | { type: 'literal'; value: Json }
  | { type: 'process'; program_name: string; config?: Json }
  | { type: 'pipe'; stages: WorkflowNode[] }
  | { type: 'map'; function: WorkflowNode; over: WorkflowNode }
  | { type: 'fold'; function: WorkflowNode; init: WorkflowNode; over: WorkflowNode }
  | { type: 'fork'; branches: WorkflowNode[] }
  | { type: 'cond'; predicate: WorkflowNode; then: WorkflowNode; otherwise: WorkflowNode }
  | { type: 'iterate'; body: WorkflowNode; until: WorkflowNode }
  | { type: 'take'; k: number };

const VARIANTS = ['literal', 'process', 'pipe', 'map', 'fold', 'fork', 'cond', 'iterate', 'take'] as const;

/**
 * A workflow document that does not fit the tree; `message` is the detail text.
 *
 * @example
 * ```ts
 * try { parseWorkflow('{}'); } catch (e) { (e as WorkflowParseError).message; } // => 'missing field `type`'
 * ```
 */
export class WorkflowParseError extends ClientError {}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(node: { [key: string]: Json }, name: string): Json {
  if (!(name in node)) throw new WorkflowParseError(`missing field \`${name}\``);
  return node[name]!;
}

function child(node: { [key: string]: Json }, name: string): WorkflowNode {
  return parseNode(field(node, name));
}

function children(node: { [key: string]: Json }, name: string): WorkflowNode[] {
  const value = field(node, name);
  if (!Array.isArray(value)) throw new WorkflowParseError(`invalid type: expected a sequence for \`${name}\``);
  return value.map(parseNode);
}

function parseNode(value: Json): WorkflowNode {
  if (!isObject(value)) throw new WorkflowParseError('invalid type: expected internally tagged enum WorkflowNode');
  const type = value['type'];
  if (type === undefined) throw new WorkflowParseError('missing field `type`');
  if (typeof type !== 'string' || !(VARIANTS as readonly string[]).includes(type)) {
    throw new WorkflowParseError(
      `unknown variant \`${String(typeof type === 'string' ? type : JSON.stringify(type))}\`, expected one of ${VARIANTS.map((v) => `\`${v}\``).join(', ')}`,
    );
  }
  switch (type as (typeof VARIANTS)[number]) {
    case 'literal':
      return { type: 'literal', value: field(value, 'value') };
    case 'process': {
      const program = field(value, 'program_name');
      if (typeof program !== 'string') throw new WorkflowParseError('invalid type: expected a string for `program_name`');
      const config = value['config'];
      return config === undefined || config === null ? { type: 'process', program_name: program } : { type: 'process', program_name: program, config };
    }
    case 'pipe':
      return { type: 'pipe', stages: children(value, 'stages') };
    case 'map':
      return { type: 'map', function: child(value, 'function'), over: child(value, 'over') };
    case 'fold':
      return { type: 'fold', function: child(value, 'function'), init: child(value, 'init'), over: child(value, 'over') };
    case 'fork':
      return { type: 'fork', branches: children(value, 'branches') };
    case 'cond':
      return { type: 'cond', predicate: child(value, 'predicate'), then: child(value, 'then'), otherwise: child(value, 'otherwise') };
    case 'iterate':
      return { type: 'iterate', body: child(value, 'body'), until: child(value, 'until') };
    case 'take': {
      const k = field(value, 'k');
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 0) throw new WorkflowParseError('invalid type: expected u64 for `k`');
      return { type: 'take', k };
    }
  }
}

/**
 * Parses a submitted workflow document. Throws `WorkflowParseError` whose message is the
 * detail of `Invalid workflow JSON: <detail>` (JSON syntax errors in serde_json's words and
 * positions, see `serde-json-error.ts`; the wording of serde's data errors is approximated).
 *
 * @example
 * ```ts
 * parseWorkflow('{"type":"literal","value":1}'); // => { type: 'literal', value: 1 }
 * ```
 */
export function parseWorkflow(json: string): WorkflowNode {
  const syntax = serdeJsonError(json);
  if (syntax) throw new WorkflowParseError(formatSerdeJsonError(syntax));
  return parseNode(JSON.parse(json) as Json);
}

/**
 * Workflow truthiness: `null`, `false`, `0`, `""`, `"false"`, `"0"`, `"null"`, `[]`, `{}` are
 * false; everything else is true.
 *
 * @example
 * ```ts
 * isTruthy('0'); // => false
 * isTruthy([0]); // => true
 * ```
 */
export function isTruthy(value: Json): boolean {
  if (value === null || value === false || value === 0) return false;
  if (typeof value === 'string') return !['', 'false', '0', 'null'].includes(value);
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/**
 * The input string of a `process` node: an object built from the incoming value (object
 * keys merged, anything else under `_input`; a `null` input adds nothing) and the node's
 * `config` (object keys merged over it, anything else appended to `_args`).
 *
 * @example
 * ```ts
 * processNodeInput({ a: 1 }, { b: 2 }); // => '{"a":1,"b":2}'
 * processNodeInput('x', 5);            // => '{"_input":"x","_args":[5]}'
 * ```
 */
export function processNodeInput(incoming: Json, config: Json | undefined): string {
  const input: { [key: string]: Json } = {};
  if (isObject(incoming)) Object.assign(input, incoming);
  else if (incoming !== null) input['_input'] = incoming;
  if (isObject(config)) Object.assign(input, config);
  else if (config !== undefined && config !== null) {
    const args = Array.isArray(input['_args']) ? input['_args'] : [];
    input['_args'] = [...args, config];
  }
  return JSON.stringify(input);
}

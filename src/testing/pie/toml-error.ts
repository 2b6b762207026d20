// Manifest errors worded as the Rust `toml` crate words them (what the Pie engine prints
// after `Failed to parse manifest TOML: `): a header with the 1-based line and column, the
// source line under a gutter, a caret line under the offending span, then the message:
//
//   TOML parse error at line 1, column 6
//     |
//   1 | this is = = not toml
//     |      ^
//   key with no value, expected `=`
//
// Cases covered with the crate's own message: a key followed by something other than `=`
// (`key with no value, expected \`=\``), a missing `[package]` field (`missing field
// \`version\``, spanning the `[package]` header), a field of the wrong type (`invalid type:
// integer \`1\`, expected a string`, spanning the value), and a missing `[package]` table
// (`missing field \`package\``, no source excerpt, as the crate reports a root-level field).
// Other syntax errors keep the position smol-toml finds but its message, not the crate's.
// Columns count UTF-16 units (the crate counts characters; they differ only beyond the BMP).
import { parse as parseToml } from 'smol-toml';

/** A span inside the manifest: 1-based line and column, and its length in characters. */
export interface TomlSpan {
  readonly line: number;
  readonly column: number;
  readonly length: number;
}

/**
 * The `toml` crate's error display for `message` at `span` of `source` (no span: the message
 * alone). Always ends with a newline, as the crate's `Display` does.
 *
 * @example
 * ```ts
 * formatTomlError('this is = = not toml', { line: 1, column: 6, length: 1 }, 'key with no value, expected `=`');
 * // => 'TOML parse error at line 1, column 6\n  |\n1 | this is = = not toml\n  |      ^\nkey with no value, expected `=`\n'
 * ```
 */
export function formatTomlError(source: string, span: TomlSpan | undefined, message: string): string {
  if (!span) return `${message}\n`;
  const content = source.split('\n')[span.line - 1] ?? '';
  const gutter = ' '.repeat(String(span.line).length + 1);
  const carets = Math.max(1, Math.min(span.length, content.length - (span.column - 1)));
  return (
    `TOML parse error at line ${span.line}, column ${span.column}\n` +
    `${gutter}|\n` +
    `${span.line} | ${content}\n` +
    `${gutter}|${' '.repeat(span.column)}${'^'.repeat(carets)}\n` +
    `${message}\n`
  );
}

function syntaxError(source: string, error: unknown): string {
  const { line, column, message } = error as { line?: number; column?: number; message?: string };
  const detail = String(message ?? 'parse error')
    .split('\n')[0]!
    .replace(/^Invalid TOML document: /, '');
  if (typeof line !== 'number' || typeof column !== 'number') return formatTomlError(source, undefined, detail);
  const text = source.split('\n')[line - 1] ?? '';
  const before = text.slice(0, column - 1);
  // A bare key, then blanks, then something that is not `=`: the crate's "key with no value".
  const keyWithoutValue = detail === 'illegal character in key' && /^\s*[A-Za-z0-9_-]+(\s+|$)$/.test(before);
  return formatTomlError(source, { line, column, length: 1 }, keyWithoutValue ? 'key with no value, expected `=`' : detail);
}

function serdeType(value: unknown): string {
  if (typeof value === 'boolean') return `boolean \`${value}\``;
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) return `integer \`${String(value)}\``;
  if (typeof value === 'number') return `floating point \`${String(value)}\``;
  if (Array.isArray(value)) return 'sequence';
  return 'map';
}

/** The span of the `[package]` header and of each `key = value` line of that table. */
function packageSpans(source: string): { header?: TomlSpan; values: Map<string, TomlSpan> } {
  const values = new Map<string, TomlSpan>();
  let header: TomlSpan | undefined;
  let inPackage = false;
  source.split('\n').forEach((text, i) => {
    const table = /^(\s*)(\[\s*([^\]]*?)\s*\])/.exec(text);
    if (table) {
      inPackage = table[3] === 'package';
      if (inPackage && !header) header = { line: i + 1, column: table[1]!.length + 1, length: table[2]!.length };
      return;
    }
    const pair = /^(\s*([A-Za-z0-9_-]+)\s*=\s*)(.*?)\s*(#.*)?$/.exec(text);
    if (inPackage && pair) values.set(pair[2]!, { line: i + 1, column: pair[1]!.length + 1, length: pair[3]!.length });
  });
  return header ? { header, values } : { values };
}

/**
 * Reads `package.name` and `package.version` (both strings, checked in that order) from a
 * manifest, or returns the `toml` crate's error text for it.
 *
 * @example
 * ```ts
 * readManifestPackage('[package]\nname = "echo"\nversion = "1.0.0"\n'); // => { name: 'echo', version: '1.0.0' }
 * ```
 */
export function readManifestPackage(source: string): { name: string; version: string } | { error: string } {
  let document: Record<string, unknown>;
  try {
    document = parseToml(source) as Record<string, unknown>;
  } catch (error) {
    return { error: syntaxError(source, error) };
  }
  const spans = packageSpans(source);
  const pkg = document['package'];
  if (pkg === undefined) return { error: formatTomlError(source, undefined, 'missing field `package`') };
  if (typeof pkg !== 'object' || pkg === null || Array.isArray(pkg)) {
    return { error: formatTomlError(source, undefined, `invalid type: ${serdeType(pkg)}, expected struct Package`) };
  }
  const table = pkg as Record<string, unknown>;
  for (const key of ['name', 'version'] as const) {
    if (table[key] === undefined) return { error: formatTomlError(source, spans.header, `missing field \`${key}\``) };
    if (typeof table[key] !== 'string') {
      return { error: formatTomlError(source, spans.values.get(key), `invalid type: ${serdeType(table[key])}, expected a string`) };
    }
  }
  return { name: table['name'] as string, version: table['version'] as string };
}

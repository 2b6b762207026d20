// The syntax-error text Rust's serde_json gives for a JSON document (`<message> at line L
// column C`), so emulated servers word a parse failure as the real ones do. A small
// tokenizer walks the text the way serde_json's deserializer does and stops at the first
// error. Cases covered, with serde_json's own messages:
//   - empty or truncated input: `EOF while parsing a value` / `… an object` / `… a list` /
//     `… a string`;
//   - a value that cannot start (`x`, `}`): `expected value`; a misspelt `true`/`false`/`null`:
//     `expected ident`;
//   - objects: `key must be a string`, `expected \`:\``, `expected \`,\` or \`}\``,
//     `trailing comma`; arrays: `expected \`,\` or \`]\``, `trailing comma`;
//   - strings: `control character (\u0000-\u001F) found while parsing a string`,
//     `invalid escape` (including bad `\u` hex digits);
//   - numbers: `invalid number` (a lone `-`, a leading zero followed by a digit, a `.` or
//     exponent without digits);
//   - anything after the document: `trailing characters`.
// Not covered: surrogate-pair checks of `\u` escapes, the 128-level recursion limit, number
// range checks. Positions follow serde_json: line 1-based, column = UTF-8 bytes from the
// start of the line up to the error (0 for an error at the very start of an empty line);
// errors found by peeking count the peeked byte, errors found after consuming do not.

const utf8 = new TextEncoder();

/** A serde_json-worded parse failure. */
export interface SerdeJsonError {
  /** serde_json's message without the position, e.g. `key must be a string`. */
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

class Failure extends Error {
  constructor(
    readonly code: string,
    readonly index: number,
  ) {
    super(code);
  }
}

class Reader {
  index = 0;
  constructor(readonly text: string) {}

  peek(): string | undefined {
    return this.index < this.text.length ? this.text[this.index] : undefined;
  }
  /** An error found by peeking: the position includes the peeked character. */
  peekError(code: string): Failure {
    return new Failure(code, Math.min(this.index + 1, this.text.length));
  }
  /** An error found after consuming: the position is where reading stopped. */
  error(code: string): Failure {
    return new Failure(code, this.index);
  }
  whitespace(): string | undefined {
    while (this.index < this.text.length && ' \n\t\r'.includes(this.text[this.index]!)) this.index += 1;
    return this.peek();
  }
}

const HEX = /^[0-9a-fA-F]$/;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

function parseString(r: Reader): void {
  r.index += 1; // the opening quote
  for (;;) {
    const c = r.peek();
    if (c === undefined) throw r.error('EOF while parsing a string');
    r.index += 1;
    if (c === '"') return;
    if (c < ' ') throw r.error('control character (\\u0000-\\u001F) found while parsing a string');
    if (c !== '\\') continue;
    const e = r.peek();
    if (e === undefined) throw r.error('EOF while parsing a string');
    r.index += 1;
    if (ESCAPES.has(e)) continue;
    if (e !== 'u') throw r.error('invalid escape');
    for (let i = 0; i < 4; i++) {
      const h = r.peek();
      if (h === undefined) throw r.error('EOF while parsing a string');
      r.index += 1;
      if (!HEX.test(h)) throw r.error('invalid escape');
    }
  }
}

function digits(r: Reader): number {
  const start = r.index;
  while (r.peek() !== undefined && r.peek()! >= '0' && r.peek()! <= '9') r.index += 1;
  return r.index - start;
}

/** After a consumed sign/dot/exponent: the next character must be a digit. */
function requireDigit(r: Reader): void {
  const c = r.peek();
  if (c === undefined) throw r.error('EOF while parsing a value');
  r.index += 1;
  if (c < '0' || c > '9') throw r.error('invalid number');
  digits(r);
}

function parseNumber(r: Reader): void {
  if (r.peek() === '-') r.index += 1;
  const c = r.peek();
  if (c === undefined) throw r.error('EOF while parsing a value');
  r.index += 1;
  if (c === '0') {
    const next = r.peek();
    if (next !== undefined && next >= '0' && next <= '9') throw r.peekError('invalid number');
  } else if (c >= '1' && c <= '9') {
    digits(r);
  } else {
    throw r.error('invalid number');
  }
  if (r.peek() === '.') {
    r.index += 1;
    requireDigit(r);
  }
  if (r.peek() === 'e' || r.peek() === 'E') {
    r.index += 1;
    if (r.peek() === '+' || r.peek() === '-') r.index += 1;
    requireDigit(r);
  }
}

function parseIdent(r: Reader, word: string): void {
  r.index += 1;
  for (const expected of word.slice(1)) {
    const c = r.peek();
    if (c === undefined) throw r.error('EOF while parsing a value');
    r.index += 1;
    if (c !== expected) throw r.error('expected ident');
  }
}

function parseSequence(r: Reader, close: ']' | '}', item: () => void, eof: string, commaOrEnd: string): void {
  r.index += 1; // the opening bracket
  let first = true;
  for (;;) {
    let c = r.whitespace();
    if (c === close) {
      r.index += 1;
      return;
    }
    if (c === undefined) throw r.peekError(eof);
    if (!first) {
      if (c !== ',') throw r.peekError(commaOrEnd);
      r.index += 1;
      c = r.whitespace();
      if (c === close) throw r.peekError('trailing comma');
      if (c === undefined) throw r.peekError('EOF while parsing a value');
    }
    first = false;
    item();
  }
}

function parseMember(r: Reader): void {
  if (r.peek() !== '"') throw r.peekError('key must be a string');
  parseString(r);
  const c = r.whitespace();
  if (c === undefined) throw r.peekError('EOF while parsing an object');
  if (c !== ':') throw r.peekError('expected `:`');
  r.index += 1;
  parseValue(r);
}

function parseValue(r: Reader): void {
  const c = r.whitespace();
  if (c === undefined) throw r.peekError('EOF while parsing a value');
  if (c === '{') return parseSequence(r, '}', () => parseMember(r), 'EOF while parsing an object', 'expected `,` or `}`');
  if (c === '[') return parseSequence(r, ']', () => parseValue(r), 'EOF while parsing a list', 'expected `,` or `]`');
  if (c === '"') return parseString(r);
  if (c === '-' || (c >= '0' && c <= '9')) return parseNumber(r);
  if (c === 't') return parseIdent(r, 'true');
  if (c === 'f') return parseIdent(r, 'false');
  if (c === 'n') return parseIdent(r, 'null');
  throw r.peekError('expected value');
}

function position(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const lastNewline = before.lastIndexOf('\n');
  const line = before.split('\n').length;
  return { line, column: utf8.encode(before.slice(lastNewline + 1)).length };
}

/**
 * The first syntax error serde_json would report for `text`, or undefined when it is a
 * well-formed JSON document.
 *
 * @example
 * ```ts
 * serdeJsonError('{bad json'); // => { message: 'key must be a string', line: 1, column: 2 }
 * serdeJsonError('{"a":1}');   // => undefined
 * ```
 */
export function serdeJsonError(text: string): SerdeJsonError | undefined {
  const r = new Reader(text);
  try {
    parseValue(r);
    if (r.whitespace() !== undefined) throw r.peekError('trailing characters');
    return undefined;
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    return { message: error.code, ...position(text, error.index) };
  }
}

/**
 * serde_json's full error text: `<message> at line L column C`.
 *
 * @example
 * ```ts
 * formatSerdeJsonError({ message: 'key must be a string', line: 1, column: 2 });
 * // => 'key must be a string at line 1 column 2'
 * ```
 */
export function formatSerdeJsonError(error: SerdeJsonError): string {
  return `${error.message} at line ${error.line} column ${error.column}`;
}

// The error-text formatters and the component check the emulators use to answer as the real
// servers do (serde_json's parse errors, the toml crate's manifest errors, the engine's
// "is this a component" compile step).
import { describe, expect, it } from 'vitest';
import { formatSerdeJsonError, serdeJsonError } from '../../../src/testing/serde-json-error.js';
import { formatTomlError, readManifestPackage } from '../../../src/testing/pie/toml-error.js';
import { buildComponent, checkComponent, isRunExport } from '../../../src/testing/pie/component-check.js';

describe('serdeJsonError', () => {
  it.each([
    ['{bad json', 'key must be a string at line 1 column 2'],
    ['', 'EOF while parsing a value at line 1 column 0'],
    ['   ', 'EOF while parsing a value at line 1 column 3'],
    ['{', 'EOF while parsing an object at line 1 column 1'],
    ['[', 'EOF while parsing a list at line 1 column 1'],
    ['{"a" 1}', 'expected `:` at line 1 column 6'],
    ['{"a":1 "b":2}', 'expected `,` or `}` at line 1 column 8'],
    ['[1 2]', 'expected `,` or `]` at line 1 column 4'],
    ['[1,]', 'trailing comma at line 1 column 4'],
    ['{"a":1,}', 'trailing comma at line 1 column 8'],
    ['{,}', 'key must be a string at line 1 column 2'],
    ['x', 'expected value at line 1 column 1'],
    ['[}', 'expected value at line 1 column 2'],
    ['tru', 'EOF while parsing a value at line 1 column 3'],
    ['trux', 'expected ident at line 1 column 4'],
    ['{} x', 'trailing characters at line 1 column 4'],
    ['"abc', 'EOF while parsing a string at line 1 column 4'],
    ['"\\x"', 'invalid escape at line 1 column 3'],
    ['"\\u12g4"', 'invalid escape at line 1 column 6'],
    ['-', 'EOF while parsing a value at line 1 column 1'],
    ['-a', 'invalid number at line 1 column 2'],
    ['01', 'invalid number at line 1 column 2'],
    ['1.', 'EOF while parsing a value at line 1 column 2'],
    ['1.x', 'invalid number at line 1 column 3'],
    ['{\n"a":}', 'expected value at line 2 column 5'],
    ['"a\nb"', 'control character (\\u0000-\\u001F) found while parsing a string at line 2 column 0'],
    ['{"é":x}', 'expected value at line 1 column 7'],
  ])('%j → %s', (text, expected) => {
    const error = serdeJsonError(text);
    expect(error && formatSerdeJsonError(error)).toBe(expected);
  });

  it.each(['{}', '[]', '{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n"]}', ' 0 ', '"x"'])('accepts %j', (text) => {
    expect(serdeJsonError(text)).toBeUndefined();
  });
});

describe('toml crate errors', () => {
  it('formats a span like the crate: gutter, source line, carets, message, trailing newline', () => {
    expect(formatTomlError('a\nb\nc\nd\ne\nf\ng\nh\ni\nj = x', { line: 10, column: 5, length: 1 }, 'oops')).toBe(
      'TOML parse error at line 10, column 5\n   |\n10 | j = x\n   |     ^\noops\n',
    );
    expect(formatTomlError('', undefined, 'missing field `package`')).toBe('missing field `package`\n');
  });

  it('reads name and version, and words the manifest problems as the engine does', () => {
    expect(readManifestPackage('[package]\nname = "echo"\nversion = "0.1.0"\n')).toEqual({ name: 'echo', version: '0.1.0' });
    expect(readManifestPackage('this is = = not toml')).toEqual({
      error: 'TOML parse error at line 1, column 6\n  |\n1 | this is = = not toml\n  |      ^\nkey with no value, expected `=`\n',
    });
    expect(readManifestPackage('[package]\nname = "x"\n')).toEqual({
      error: 'TOML parse error at line 1, column 1\n  |\n1 | [package]\n  | ^^^^^^^^^\nmissing field `version`\n',
    });
    expect(readManifestPackage('[package]\nversion = "1.0.0"\n')).toEqual({
      error: 'TOML parse error at line 1, column 1\n  |\n1 | [package]\n  | ^^^^^^^^^\nmissing field `name`\n',
    });
    expect(readManifestPackage('[package]\nname = 12\nversion = "1.0.0"\n')).toEqual({
      error: 'TOML parse error at line 2, column 8\n  |\n2 | name = 12\n  |        ^^\ninvalid type: integer `12`, expected a string\n',
    });
    expect(readManifestPackage('[other]\nx = 1\n')).toEqual({ error: 'missing field `package`\n' });
  });
});

describe('checkComponent / buildComponent', () => {
  it('accepts built components of any size, with their export names', () => {
    expect(checkComponent(buildComponent())).toEqual({ ok: true, exports: ['inferlet:core/run'] });
    for (const size of [33, 39, 127 + 40, 128 + 40, 200, 70_000, 3 * 262_144]) {
      const bytes = buildComponent({ size });
      expect(bytes.length).toBe(size);
      expect(checkComponent(bytes).ok).toBe(true);
    }
    expect(checkComponent(buildComponent({ exports: ['a', 'b:c/d'] }))).toEqual({ ok: true, exports: ['a', 'b:c/d'] });
    expect(() => buildComponent({ size: 10 })).toThrow(RangeError);
    expect(() => buildComponent({ size: 34 })).toThrow('or at least 39 with padding');
  });

  it('refuses what is not a well-framed component', () => {
    const good = buildComponent({ size: 100 });
    expect(checkComponent(new Uint8Array())).toEqual({ ok: false });
    expect(checkComponent(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0))).toEqual({ ok: false }); // a core module
    expect(checkComponent(good.subarray(0, 99))).toEqual({ ok: false }); // truncated section
    const badId = good.slice();
    badId[8] = 13;
    expect(checkComponent(badId)).toEqual({ ok: false });
    expect(checkComponent(Uint8Array.of(...good, 0))).toEqual({ ok: false }); // a trailing section header cut short
  });

  it('finds the run interface by name', () => {
    expect(['run', 'inferlet:core/run', 'inferlet:core/run@0.1.0'].every(isRunExport)).toBe(true);
    expect(['running', 'inferlet:core/runner', 'run/other'].some(isRunExport)).toBe(false);
  });
});

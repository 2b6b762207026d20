import { describe, expect, it } from 'vitest';
import { PieProgramIdError } from '../../../src/model/pie/errors.js';
import { PieProcessIdError, normalizeProcessId } from '../../../src/model/pie/process-id.js';
import { formatProgramId, parseProgramId } from '../../../src/model/pie/program-id.js';

describe('parseProgramId', () => {
  it.each([
    ['text-completion@0.1.0', 'text-completion', '0.1.0'],
    ['a@1.2.3', 'a', '1.2.3'],
    ['Chat_Bot-2@10.20.30', 'Chat_Bot-2', '10.20.30'],
    ['9lives@0.0.0', '9lives', '0.0.0'],
  ])('accepts %s', (text, name, version) => {
    expect(parseProgramId(text)).toEqual({ name, version });
  });

  it.each([
    'chat',
    'chat@',
    'chat@1.2',
    'chat@1.2.3-beta',
    'chat@1.2.3+build',
    'chat@v1.2.3',
    '-chat@1.2.3',
    '_chat@1.2.3',
    'ch at@1.2.3',
    'ch.at@1.2.3',
    'a@b@1.2.3',
    '@1.2.3',
    '',
    'chat@1.2.3\n',
  ])('rejects %j with the engine wording', (text) => {
    let caught: unknown;
    try {
      parseProgramId(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PieProgramIdError);
    expect((caught as Error).message).toBe(`Invalid program identifier '${text}': expected 'name@major.minor.patch'`);
    expect((caught as PieProgramIdError).programId).toBe(text);
  });

  it('rejects a value that is not a string', () => {
    expect(() => parseProgramId(42 as unknown as string)).toThrow(PieProgramIdError);
  });
});

describe('formatProgramId', () => {
  it('joins and validates', () => {
    expect(formatProgramId({ name: 'chat', version: '1.2.3' })).toBe('chat@1.2.3');
    expect(() => formatProgramId({ name: 'chat', version: 'latest' })).toThrow(
      "Invalid program identifier 'chat@latest': expected 'name@major.minor.patch'",
    );
  });
});

describe('normalizeProcessId', () => {
  const canonical = '67e55044-10b1-426f-9247-bb680e5fe0c8';
  it.each([
    canonical,
    '67E55044-10B1-426F-9247-BB680E5FE0C8',
    '67e5504410b1426f9247bb680e5fe0c8',
    '67E5504410B1426F9247BB680E5FE0C8',
    '{67e55044-10b1-426f-9247-bb680e5fe0c8}',
    '{67E55044-10B1-426F-9247-BB680E5FE0C8}',
    'urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0c8',
    'URN:UUID:67E55044-10B1-426F-9247-BB680E5FE0C8',
  ])('normalizes %s', (text) => {
    expect(normalizeProcessId(text)).toBe(canonical);
  });

  it.each([
    '',
    'nope',
    '67e55044-10b1-426f-9247-bb680e5fe0c',
    '67e55044-10b1-426f-9247-bb680e5fe0c8a',
    '67e55044-10b1-426f-9247-bb680e5fe0cg',
    '67e5504410b1-426f-9247-bb680e5fe0c8',
    '{67e55044-10b1-426f-9247-bb680e5fe0c8',
    ' 67e55044-10b1-426f-9247-bb680e5fe0c8',
    'urn:uuid:{67e55044-10b1-426f-9247-bb680e5fe0c8}',
  ])('rejects %j', (text) => {
    expect(() => normalizeProcessId(text)).toThrow(PieProcessIdError);
    expect(() => normalizeProcessId(text)).toThrow(`invalid process id '${text}': expected a UUID`);
  });

  it('rejects a value that is not a string', () => {
    expect(() => normalizeProcessId(undefined as unknown as string)).toThrow(PieProcessIdError);
  });
});

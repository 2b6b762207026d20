import { describe, expect, it } from 'vitest';
import { ClientError } from '../../../src/model/errors.js';
import {
  ResourceRequirement,
  ResourceRequirementError,
  ResourceRequirementParseError,
} from '../../../src/model/flame/index.js';

const GiB = 1024 ** 3;

describe('ResourceRequirement.parse: accepted forms', () => {
  it.each([
    ['cpu=1', { cpu: 1, memory: 0, gpu: 0 }],
    ['mem=1', { cpu: 0, memory: 1, gpu: 0 }],
    ['memory=2', { cpu: 0, memory: 2, gpu: 0 }],
    ['gpu=3', { cpu: 0, memory: 0, gpu: 3 }],
    ['cpu=2,mem=4g,gpu=1', { cpu: 2, memory: 4 * GiB, gpu: 1 }],
    ['  cpu = 2 ,  mem = 1k  ', { cpu: 2, memory: 1024, gpu: 0 }],
    ['CPU=1,MEM=1K,GPU=1', { cpu: 1, memory: 1024, gpu: 1 }],
    ['Memory=5', { cpu: 0, memory: 5, gpu: 0 }],
    ['cpu=1,cpu=4', { cpu: 4, memory: 0, gpu: 0 }],
    ['mem=1g,memory=2k', { cpu: 0, memory: 2048, gpu: 0 }],
    ['gpu=-1', { cpu: 0, memory: 0, gpu: -1 }],
    ['gpu=+2', { cpu: 0, memory: 0, gpu: 2 }],
    ['gpu=2147483647', { cpu: 0, memory: 0, gpu: 2147483647 }],
    ['gpu=-2147483648', { cpu: 0, memory: 0, gpu: -2147483648 }],
    ['cpu=0,mem=0,gpu=0', { cpu: 0, memory: 0, gpu: 0 }],
    ['cpu=9007199254740991', { cpu: Number.MAX_SAFE_INTEGER, memory: 0, gpu: 0 }],
  ])('%s', (text, expected) => {
    expect(ResourceRequirement.parse(text)).toEqual(expected);
  });

  const suffixes: [string, number][] = [
    ['', 1],
    ['b', 1],
    ['k', 1024],
    ['kb', 1024],
    ['ki', 1024],
    ['kib', 1024],
    ['m', 1024 ** 2],
    ['mb', 1024 ** 2],
    ['mi', 1024 ** 2],
    ['mib', 1024 ** 2],
    ['g', 1024 ** 3],
    ['gb', 1024 ** 3],
    ['gi', 1024 ** 3],
    ['gib', 1024 ** 3],
    ['t', 1024 ** 4],
    ['tb', 1024 ** 4],
    ['ti', 1024 ** 4],
    ['tib', 1024 ** 4],
    ['p', 1024 ** 5],
    ['pb', 1024 ** 5],
    ['pi', 1024 ** 5],
    ['pib', 1024 ** 5],
  ];
  it.each(suffixes)('memory suffix "%s" multiplies by %d, in any case', (suffix, factor) => {
    expect(ResourceRequirement.parse(`mem=3${suffix}`).memory).toBe(3 * factor);
    expect(ResourceRequirement.parse(`mem=3${suffix.toUpperCase()}`).memory).toBe(3 * factor);
    const mixed = suffix.charAt(0).toUpperCase() + suffix.slice(1);
    expect(ResourceRequirement.parse(`memory=3${mixed}`).memory).toBe(3 * factor);
  });

  it('reads 16g, 16Gi and 16GiB as 17179869184 bytes', () => {
    for (const text of ['mem=16g', 'mem=16Gi', 'mem=16GiB']) {
      expect(ResourceRequirement.parse(text).memory).toBe(17179869184);
    }
  });
});

describe('ResourceRequirement.parse: errors', () => {
  it.each([
    ['', 'invalid resource requirement "": empty string'],
    ['   ', 'invalid resource requirement "   ": empty string'],
    ['cpu=1,', 'invalid resource requirement "cpu=1,": empty entry at position 2'],
    [',cpu=1', 'invalid resource requirement ",cpu=1": empty entry at position 1'],
    ['cpu=1,,mem=1', 'invalid resource requirement "cpu=1,,mem=1": empty entry at position 2'],
    ['cpu', 'invalid resource requirement "cpu": entry "cpu": missing "="'],
    ['cpu=1=2', 'invalid resource requirement "cpu=1=2": entry "cpu=1=2": more than one "="'],
    ['cpu=', 'invalid resource requirement "cpu=": entry "cpu=": empty value for cpu'],
    ['mem= ', 'invalid resource requirement "mem= ": entry "mem=": empty value for mem'],
    ['=1', 'invalid resource requirement "=1": entry "=1": empty key'],
    ['disk=1', 'invalid resource requirement "disk=1": entry "disk=1": unknown key "disk" (expected cpu, mem, memory or gpu)'],
    ['cpu=x', 'invalid resource requirement "cpu=x": entry "cpu=x": cpu "x" is not an unsigned integer'],
    ['cpu=-1', 'entry "cpu=-1": cpu "-1" is not an unsigned integer'],
    ['cpu=1.5', 'entry "cpu=1.5": cpu "1.5" is not an unsigned integer'],
    ['cpu=9007199254740992', 'entry "cpu=9007199254740992": cpu 9007199254740992 is out of range (at most 9007199254740991)'],
    ['gpu=one', 'entry "gpu=one": gpu "one" is not an integer'],
    ['gpu=1.0', 'entry "gpu=1.0": gpu "1.0" is not an integer'],
    ['gpu=2147483648', 'entry "gpu=2147483648": gpu 2147483648 is out of range (-2147483648..2147483647)'],
    ['gpu=-2147483649', 'gpu -2147483649 is out of range'],
    ['mem=1.5g', 'entry "mem=1.5g": mem "1.5g" is not an integer size'],
    ['mem=-1', 'entry "mem=-1": mem "-1" is not an integer size'],
    ['mem=g', 'entry "mem=g": mem "g" is not an integer size'],
    ['memory=4x', 'entry "memory=4x": memory "4x" has an unknown size suffix "x"'],
    ['mem=4gig', 'has an unknown size suffix "gig"'],
    ['mem=4 g', 'entry "mem=4 g": mem "4 g" is not an integer size'],
    ['mem=8p', 'entry "mem=8p": mem 8p is out of range (at most 9007199254740991 bytes)'],
  ])('%j fails with %j', (text, message) => {
    let caught: unknown;
    try {
      ResourceRequirement.parse(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ResourceRequirementParseError);
    expect(caught).toBeInstanceOf(ResourceRequirementError);
    expect(caught).toBeInstanceOf(ClientError);
    expect((caught as Error).message).toContain(message);
    expect((caught as ResourceRequirementParseError).input).toBe(text);
  });

  it('reports the offending entry and the bare problem as fields', () => {
    try {
      ResourceRequirement.parse('cpu=1, gpu=lots ,mem=1g');
      expect.unreachable();
    } catch (error) {
      const e = error as ResourceRequirementParseError;
      expect(e.entry).toBe('gpu=lots');
      expect(e.problem).toBe('gpu "lots" is not an integer');
      expect(e.retryable).toBe(false);
    }
  });

  it('fails on the first bad entry even when a later one repeats its key', () => {
    expect(() => ResourceRequirement.parse('cpu=x,cpu=2')).toThrow('cpu "x" is not an unsigned integer');
  });
});

describe('ResourceRequirement.format and defaultFallback', () => {
  it('formats all three keys with memory in bytes', () => {
    expect(ResourceRequirement.format({ cpu: 1, memory: 1073741824, gpu: 0 })).toBe('cpu=1,mem=1073741824,gpu=0');
  });

  it('parses what it formats', () => {
    const r = { cpu: 3, memory: 5 * GiB + 7, gpu: -2 };
    expect(ResourceRequirement.parse(ResourceRequirement.format(r))).toEqual(r);
  });

  it('has the server fallback cpu 1, 1 GiB, gpu 0, frozen', () => {
    expect(ResourceRequirement.defaultFallback).toEqual({ cpu: 1, memory: 1073741824, gpu: 0 });
    expect(Object.isFrozen(ResourceRequirement.defaultFallback)).toBe(true);
  });

  it('validates objects', () => {
    expect(ResourceRequirement.validate({ cpu: 1, memory: 2, gpu: 3 })).toEqual({ cpu: 1, memory: 2, gpu: 3 });
    expect(() => ResourceRequirement.validate({ cpu: Number.NaN, memory: 0, gpu: 0 })).toThrow(
      'resource requirement cpu must be a non-negative integer up to 9007199254740991, got NaN',
    );
    expect(() => ResourceRequirement.validate({ cpu: 0, memory: 0, gpu: 0.5 })).toThrow(ResourceRequirementError);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { runPieDemo } from '../../../src/demo/pie-demo.js';

afterEach(() => vi.restoreAllMocks());

describe('runPieDemo', () => {
  it('uploads, streams, survives the dropped connection and prints the whole story', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.join(' '));
    });
    await runPieDemo();
    expect(lines).toContain('upload: installed');
    expect(lines.some((l) => l.startsWith('  [connection] reconnecting'))).toBe(true);
    const story = 'Once upon a time, a client lost its connection and found it again.';
    expect(lines.filter((l) => l.startsWith('stdout so far: ')).at(-1)).toBe(`stdout so far: ${story}`);
    expect(lines.at(-1)).toBe(`return value: ${JSON.stringify({ words: 13, text: story })}`);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { runPieDemo } from '../../../src/demo/pie-demo.js';
import { DEMO_FOOTER } from '../../../src/demo/footer.js';

afterEach(() => vi.restoreAllMocks());

describe('runPieDemo', () => {
  it('uploads, streams, survives the dropped connection and prints the whole story', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.join(' '));
    });
    await runPieDemo();
    // The guide's pattern: check, and upload only because the engine does not know it yet.
    expect(lines).toContain('program known before upload: false');
    expect(lines).toContain('upload: installed');
    expect(lines.find((l) => l.startsWith('ping: '))).toMatch(/^ping: \d+ µs$/);
    expect(lines.some((l) => l.startsWith('  [connection] reconnecting'))).toBe(true);
    const story = 'Once upon a time, a client lost its connection and found it again.';
    expect(lines.filter((l) => l.startsWith('stdout so far: ')).at(-1)).toBe(`stdout so far: ${story}`);
    expect(lines.at(-1)).toBe(`return value: ${JSON.stringify({ words: 13, text: story })}`);
  });
});

describe('demo footer', () => {
  it('names where the demo code is and the guides to read next, all of which exist', () => {
    expect(DEMO_FOOTER).toContain('src/demo/');
    for (const path of DEMO_FOOTER.match(/(src\/demo\/|docs\/[\w-]+\.md|[\w-]+\.ts)/g) ?? []) {
      const full = path.endsWith('.ts') && !path.includes('/') ? `src/demo/${path}` : path;
      expect(existsSync(full), full).toBe(true);
    }
    expect(readFileSync('src/demo/main.ts', 'utf8')).toMatch(/console\.log\(`\\n\$\{DEMO_FOOTER\}`\);\n\}/);
  });
});

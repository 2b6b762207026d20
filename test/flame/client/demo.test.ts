import { afterEach, describe, expect, it, vi } from 'vitest';
import { runFlameDemo } from '../../../src/demo/flame-demo.js';

describe('runFlameDemo', () => {
  afterEach(() => vi.restoreAllMocks());

  it('runs the pipeline, the resubmission and the restart, printing readable progress', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    await runFlameDemo();
    const text = lines.join('\n');
    expect(text).toContain('word counts of 20 lines, in input order: 1 2 3 4 5 1 2 3 4 5 1 2 3 4 5 1 2 3 4 5');
    expect(text).toMatch(/task \d+ for input #8 failed \(worker hiccup\); resubmitting as a new task/);
    expect(text).toContain('task 22 states seen: Running -> Succeed');
    expect(text).toContain('session closed: 21 succeeded, 1 failed');
    expect(text).toMatch(/\[status\] Open: \d+ succeeded/);
  });
});

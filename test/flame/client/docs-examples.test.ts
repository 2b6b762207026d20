// Runs every example of docs/flame.md (docs/examples/flame-*.ts) against the emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as connectExample } from '../../../docs/examples/flame-connect.js';
import { main as pipelineExample } from '../../../docs/examples/flame-pipeline.js';
import { main as tasksExample } from '../../../docs/examples/flame-tasks.js';
import { main as testingExample } from '../../../docs/examples/flame-testing.js';
import { main as versionsExample } from '../../../docs/examples/flame-versions.js';
import { main as watchExample } from '../../../docs/examples/flame-watch.js';
import { FlameEmulator } from '../../../src/testing/flame/index.js';
import { fromUtf8 } from './emulator-fixture.js';
import { FLAME_VERSIONS } from './versions.js';

describe.each(FLAME_VERSIONS)('docs/examples/flame-*.ts (Flame %s)', (version) => {
  let emu: FlameEmulator;
  const wordAttempts = new Map<string, number>();
  beforeAll(async () => {
    emu = await FlameEmulator.start({ nodeName: 'docs-node', version });
    emu.handle('echo', (input) => {
      if (fromUtf8(input) === 'fail') throw new Error('echo refuses to fail');
      return input;
    });
    emu.handle('words', (input) => {
      const text = fromUtf8(input);
      const attempt = (wordAttempts.get(text) ?? 0) + 1;
      wordAttempts.set(text, attempt);
      if (text === 'jumps over' && attempt === 1) throw new Error('flaky worker');
      return String(text.split(/\s+/).filter(Boolean).length);
    });
  });
  afterAll(() => emu.close());

  it('flame-connect', async () => {
    const result = await connectExample(emu.endpoint);
    expect(result.applications).toEqual(expect.arrayContaining(['echo', 'flmexec', 'flmping', 'flmrun', 'words']));
    expect(result.nodes).toEqual(['docs-node']);
    expect(result.states).toContain('ready');
  });

  it('flame-tasks', async () => {
    const result = await tasksExample(emu.endpoint);
    expect(result.states[0]).toBe('Pending');
    expect(result.states.at(-1)).toBe('Succeed');
    expect(result.echoed).toBe('hello');
    expect(result.failure).toEqual({ state: 'Failed', message: 'echo refuses to fail' });
    expect(result.invokeError).toBe(`task 4 of session ${result.sessionId} ended Failed: echo refuses to fail`);
    expect(result.taskCount).toBe(4);
  });

  it('flame-watch', async () => {
    const result = await watchExample(emu.endpoint);
    expect(result).toMatchObject({ taskId: '1', output: 'watched' });
  });

  it('flame-pipeline', async () => {
    const result = await pipelineExample(emu.endpoint);
    expect(result.counts).toEqual([4, 2, 3, 1]);
    expect(result.resubmitted).toBe(1);
    expect(result.progress.length).toBeGreaterThan(0);
    expect(result.progress[0]).toMatch(/^\d+ done, \d+ failed, \d+ running, \d+ pending$/);
  });

  it('flame-testing (against the shared emulator, and against one of its own)', async () => {
    expect(await testingExample(emu.endpoint)).toBe(6);
    expect(await testingExample()).toBe(6);
  });

  it('flame-versions', async () => {
    const result = await versionsExample(emu.endpoint);
    expect(result.version).toBe(version);
    expect(result.output).toBe('hello');
    if (version === '0.7') {
      expect(result).toMatchObject({ states: ['Suspended', 'Open'], refused: [] });
      expect(result.openEcho).toBeGreaterThanOrEqual(2);
    } else {
      expect(result.states).toEqual([]);
      expect(result.openEcho).toBe(-1);
      expect(result.refused).toEqual([
        'suspendSession needs Flame 0.7; the server speaks Flame 0.6',
        'resumeSession needs Flame 0.7; the server speaks Flame 0.6',
        'task affinity needs Flame 0.7; the server speaks Flame 0.6',
        'session tokens needs Flame 0.7; the server speaks Flame 0.6',
        'listSessions filter needs Flame 0.7; the server speaks Flame 0.6',
      ]);
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { TaskState } from '../../../src/gen/flame/v1/types.js';
import { bytes, call, collect, defaultSpec, startHarness, type Harness } from './helpers.js';

describe('smoke', () => {
  let h: Harness;
  afterEach(() => h?.close());
  it('runs a task', async () => {
    h = await startHarness();
    h.emu.handle('echo', (input) => input);
    await call(h.client, 'createSession', { sessionId: 's1', session: defaultSpec('echo') });
    const t = await call(h.client, 'createTask', { task: { sessionId: 's1', input: bytes('hi') } });
    const watched = await collect(h.client.watchTask({ sessionId: 's1', taskId: t.metadata!.id }));
    expect(watched.messages.at(-1)!.status!.state).toBe(TaskState.Succeed);
    expect(watched.messages.at(-1)!.spec!.output!.toString()).toBe('hi');
  });
});

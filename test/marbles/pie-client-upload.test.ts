import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { addProgram, addProgramFrames } from '../../src/observables/pie/programs/programs.js';
import { PieUploadError } from '../../src/model/pie/errors.js';
import { hashBlob } from '../../src/model/pie/hash.js';
import { ScriptedConnection, reply } from '../pie/client/scripted-connection.js';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

const MANIFEST = '[package]\nname = "x"\nversion = "1.0.0"\n';
const wasm = new Uint8Array(262144 * 2 + 5);

describe('addProgramFrames', () => {
  it('makes 256 KiB chunks sharing hash, manifest and flag; an empty program is one empty chunk', () => {
    const frames = addProgramFrames(wasm, MANIFEST, true);
    expect(frames.map((f) => [f.chunk_index, f.total_chunks, f.chunk_data.length])).toEqual([
      [0, 3, 262144],
      [1, 3, 262144],
      [2, 3, 5],
    ]);
    expect(new Set(frames.map((f) => f.program_hash))).toEqual(new Set([hashBlob(wasm)]));
    expect(addProgramFrames(new Uint8Array(0), MANIFEST, false).map((f) => [f.chunk_index, f.total_chunks, f.chunk_data.length])).toEqual([[0, 1, 0]]);
  });
});

// addProgram reads its inputs in a promise first (files, Node only), so these tests wait
// for that microtask before virtual time starts.
async function settled(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('addProgram upload (marbles)', () => {
  it('emits progress per chunk and completes on the engine\u2019s acceptance', async () => {
    const testScheduler = scheduler();
    const connection = new ScriptedConnection(() => testScheduler.createColdObservable('--r|', { r: reply(true, 'Program installed successfully') }));
    const values: unknown[] = [];
    let completed = false;
    addProgram(connection, { wasm, manifest: MANIFEST }).subscribe({ next: (v) => values.push(v), complete: () => (completed = true) });
    await settled();
    testScheduler.flush();
    expect(values).toEqual([
      { sentChunks: 1, totalChunks: 3, sentBytes: 262144, totalBytes: wasm.length },
      { sentChunks: 2, totalChunks: 3, sentBytes: 524288, totalBytes: wasm.length },
      { sentChunks: 3, totalChunks: 3, sentBytes: wasm.length, totalBytes: wasm.length },
    ]);
    expect(completed).toBe(true);
  });

  it('retries exactly once after "Out-of-order chunk: expected k, got 0" (an abandoned upload)', async () => {
    const testScheduler = scheduler();
    const answers = [reply(false, 'Out-of-order chunk: expected 2, got 0'), reply(true, 'Program installed successfully')];
    let calls = 0;
    const connection = new ScriptedConnection(() => testScheduler.createColdObservable('-r|', { r: answers[calls++]! }));
    let completed = false;
    const values: { sentChunks: number; attempt?: number }[] = [];
    addProgram(connection, { wasm, manifest: MANIFEST }).subscribe({ next: (v) => values.push(v), complete: () => (completed = true) });
    await settled();
    testScheduler.flush();
    expect(completed).toBe(true);
    expect(connection.requests.filter((r) => r.type === 'add_program')).toHaveLength(6);
    // The retry says it is one: its progress restarts at chunk 1 marked attempt 2.
    expect(values.map((v) => [v.sentChunks, v.attempt])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, undefined],
      [1, 2],
      [2, 2],
      [3, 2],
    ]);
  });

  it('a second refusal, or any other, is a PieUploadError with the engine text', async () => {
    const testScheduler = scheduler();
    const connection = new ScriptedConnection(() =>
      testScheduler.createColdObservable('-r|', { r: reply(false, 'Out-of-order chunk: expected 2, got 0') }),
    );
    let failure: unknown;
    addProgram(connection, { wasm, manifest: MANIFEST }).subscribe({ error: (e: unknown) => (failure = e) });
    await settled();
    testScheduler.flush();
    expect(failure).toBeInstanceOf(PieUploadError);
    expect((failure as PieUploadError).serverMessage).toBe('Out-of-order chunk: expected 2, got 0');
    expect(connection.requests).toHaveLength(6);
  });

  it('unsubscribing before the reply stops waiting for it', async () => {
    const testScheduler = scheduler();
    const reply$ = testScheduler.createColdObservable('-----r|', { r: reply(true, 'Program installed successfully') });
    const connection = new ScriptedConnection(() => reply$);
    let completed = false;
    const subscription = addProgram(connection, { wasm, manifest: MANIFEST }).subscribe({ complete: () => (completed = true) });
    await settled();
    testScheduler.schedule(() => subscription.unsubscribe(), 2);
    testScheduler.flush();
    expect(completed).toBe(false);
    expect(reply$.subscriptions.map((s) => [s.subscribedFrame, s.unsubscribedFrame])).toEqual([[0, 2]]);
  });
});

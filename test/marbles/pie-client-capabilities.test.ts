// Capability gating and generation learning, in virtual time over a scripted connection:
// an option the generation lacks errors at the subscription frame with nothing requested;
// an upload reply with an id moves an `auto` gateway to 0.6.
import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { BehaviorSubject } from 'rxjs';
import { launch } from '../../src/observables/pie/processes/process-launch.js';
import { addProgram } from '../../src/observables/pie/programs/programs.js';
import { ProcessEventRouter } from '../../src/observables/pie/processes/process-router.js';
import { PauseGate } from '../../src/observables/pie/processes/pause-gate.js';
import { PieGenerationTracker } from '../../src/observables/pie/generations/generation-tracker.js';
import { capabilitiesOf, requireCapability } from '../../src/observables/pie/generations/capabilities.js';
import type { PieClientContext } from '../../src/observables/pie/connection/client-context.js';
import { PieGenerationError, PieUnsupportedError } from '../../src/model/pie/errors.js';
import { ScriptedConnection, reply } from '../pie/client/scripted-connection.js';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

function context(connection: ScriptedConnection, generation: PieGenerationTracker): PieClientContext {
  return { connection, router: new ProcessEventRouter(), session$: new BehaviorSubject(1), pauseGate: new PauseGate(() => undefined, () => undefined), generation };
}

const PID = '67e55044-10b1-426f-9247-bb680e5fe0c8';

describe('capability gating (marbles)', () => {
  it('tokenBudget on a 0.5 gateway: error at frame 0, no request', () => {
    const testScheduler = scheduler();
    const connection = new ScriptedConnection(() => testScheduler.createColdObservable('-r|', { r: reply(true, PID) }));
    testScheduler.run(({ expectObservable }) => {
      expectObservable(launch(context(connection, new PieGenerationTracker('0.5')), 'a@1.0.0', {}, { tokenBudget: 4 })).toBe(
        '#',
        {},
        new PieUnsupportedError({ operation: 'the launch option tokenBudget', generation: '0.5', hint: 'it exists only on 0.4 engines' }),
      );
    });
    expect(connection.requests).toEqual([]);
  });

  it('props on 0.6 go out as JSON text; on 0.4 they are refused', () => {
    const testScheduler = scheduler();
    const connection = new ScriptedConnection(() => testScheduler.createColdObservable('-r|', { r: reply(true, PID) }));
    testScheduler.run(({ expectObservable }) => {
      expectObservable(launch(context(connection, new PieGenerationTracker('0.6')), 'a@1.0.0', {}, { props: { tier: 'gold' } }).pipe()).toBe('-(p|)', {
        p: expect.objectContaining({ id: PID }),
      });
      expectObservable(launch(context(connection, new PieGenerationTracker('0.4')), 'a@1.0.0', {}, { props: { tier: 'gold' } })).toBe(
        '#',
        {},
        new PieUnsupportedError({ operation: 'the launch option props', generation: '0.4' }),
      );
    });
    expect(connection.requests).toEqual([{ type: 'launch_process', inferlet: 'a@1.0.0', input: '{}', capture_outputs: true, props: '{"tier":"gold"}' }]);
  });

  it('a bare program name is accepted on a gateway only', () => {
    const testScheduler = scheduler();
    const connection = new ScriptedConnection(() => testScheduler.createColdObservable('-r|', { r: reply(true, PID) }));
    testScheduler.run(({ expectObservable }) => {
      expectObservable(launch(context(connection, new PieGenerationTracker('0.5')), 'compat-openai', {})).toBe('-(p|)', { p: expect.objectContaining({ id: PID }) });
      expectObservable(launch(context(connection, new PieGenerationTracker('0.4')), 'compat-openai', {})).toBe('#', {}, expect.objectContaining({ name: 'PieProgramIdError' }));
    });
  });
});

describe('generation learning (marbles)', () => {
  it("an upload answered with an id moves an 'auto' gateway to 0.6 at the reply frame", async () => {
    const testScheduler = scheduler();
    const tracker = new PieGenerationTracker('auto');
    tracker.found('gateway', 'test');
    const connection = new ScriptedConnection(() => testScheduler.createColdObservable('--r|', { r: reply(true, 'hello@0.1.0') }));
    const done = new Promise<void>((resolve, reject) =>
      addProgram(connection, { wasm: new Uint8Array(3), manifest: '[package]\nname = "hello"\nversion = "0.1.0"\n' }, tracker, (id) =>
        expect(id).toBe('hello@0.1.0'),
      ).subscribe({ complete: resolve, error: reject }),
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(tracker.dialect).toBe('gateway');
    testScheduler.flush();
    await done;
    expect(tracker.generation).toBe('0.6');
    expect(tracker.dialect).toBe('0.6');
    expect(connection.requests[0]).toMatchObject({ manifest: expect.any(String), file: 'program.wasm' });
  });
});

describe('PieGenerationTracker and capabilities', () => {
  it('auto: unknown, then what each handshake finds; 0.6 only learnt on a gateway', () => {
    const tracker = new PieGenerationTracker('auto');
    expect([tracker.generation, tracker.dialect]).toEqual([undefined, undefined]);
    tracker.learn('0.6');
    tracker.found('engine', 'x');
    expect([tracker.generation, tracker.dialect]).toEqual(['0.4', '0.4']);
    tracker.found('gateway', 'x');
    expect([tracker.generation, tracker.dialect, tracker.assumed]).toEqual(['0.5', 'gateway', true]);
    tracker.learn('0.6');
    expect([tracker.generation, tracker.dialect, tracker.assumed]).toEqual(['0.6', '0.6', false]);
    tracker.found('engine', 'the engine was replaced');
    tracker.found('gateway', 'and back');
    expect(tracker.generation).toBe('0.5');
  });

  it('a fixed generation throws PieGenerationError for the other kind', () => {
    expect(() => new PieGenerationTracker('0.4').found('gateway', 'e')).toThrow(PieGenerationError);
    expect(() => new PieGenerationTracker('0.6').found('engine', 'e')).toThrow("generation '0.6' was asked for, but a Pie 0.4 engine answered (e)");
    expect(() => new PieGenerationTracker('0.6').found('gateway', 'e')).not.toThrow();
  });

  it('requireCapability: let through when unknown, refused with a hint otherwise', () => {
    expect(() => requireCapability(new PieGenerationTracker('auto'), 'workflows', 'x')).not.toThrow();
    expect(() => requireCapability(new PieGenerationTracker('0.4'), 'workflows', 'x')).not.toThrow();
    const assumed = new PieGenerationTracker('auto');
    assumed.found('gateway', 'e');
    expect(() => requireCapability(assumed, 'session', 'the launch option session')).toThrow(
      "the launch option session is not supported by a Pie 0.5 gateway (this gateway was taken for 0.5; pass generation: '0.6' if it speaks 0.6)",
    );
    expect(capabilitiesOf('0.6')).toEqual(['identity', 'fileNames', 'props', 'session', 'launchFiles']);
  });
});

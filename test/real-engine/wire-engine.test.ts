// The wire cases against the real engine (PIE_ENGINE_URL), each answer checked, then the same
// case against PieEmulator in generation 0.5, compared answer by answer with the engine's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PieEmulator } from '../../src/testing/pie/index.js';
import { ENGINE_DIR, ENGINE_URL, engineHasPython } from './engine-env.js';
import { WIRE_CASES, type Step } from './wire-cases.js';

describe('real engine (wire): each case, and PieEmulator 0.5 side by side', () => {
  let emu: PieEmulator;
  beforeAll(async () => {
    emu = await PieEmulator.start({ generation: '0.5' });
  });
  afterAll(async () => {
    await emu.close();
  });

  for (const wireCase of WIRE_CASES) {
    // Python script programs need pie-language-python beside the engine; without
    // PIE_ENGINE_DIR that cannot be told, so the case runs (and says what is missing if it fails).
    const runs = !wireCase.python || !ENGINE_DIR || engineHasPython();
    const name = runs ? wireCase.name : `${wireCase.name} (needs pie-language-python in PIE_ENGINE_DIR)`;
    it.runIf(runs)(name, async () => {
      const engine: Step[] = await wireCase.run({ url: ENGINE_URL });
      wireCase.check(engine);
      const emulated: Step[] = await wireCase.run({ url: emu.url, emulator: emu });
      for (const [index, step] of engine.entries()) {
        expect({ step: step.step, frames: emulated[index]?.frames }).toEqual(step);
      }
      expect(emulated.length).toBe(engine.length);
      // The engine generates on a CPU it shares with the whole suite: a few tokens take 2–3 s
      // when idle and several times that under load (each step still times out at 30 s).
    }, 90_000);
  }
});

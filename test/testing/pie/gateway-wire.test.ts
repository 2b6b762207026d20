// The real-engine wire cases against PieEmulator in generation 0.5 (always run; the
// real-engine tier runs the same cases against the engine and compares the answers).
import { afterAll, beforeAll, describe, it } from 'vitest';
import { PieEmulator } from '../../../src/testing/pie/index.js';
import { WIRE_CASES } from '../../real-engine/wire-cases.js';

describe('PieEmulator generation 0.5: the real-engine wire cases', () => {
  let emu: PieEmulator;
  beforeAll(async () => {
    emu = await PieEmulator.start({ generation: '0.5' });
  });
  afterAll(async () => {
    await emu.close();
  });

  for (const wireCase of WIRE_CASES) {
    it(wireCase.name, async () => {
      wireCase.check(await wireCase.run({ url: emu.url, emulator: emu }));
    });
  }
});

import { PieGenerationError } from '../../../model/pie/errors.js';
import type { PieGeneration, PieGenerationOption, PieWireDialect } from '../../../transport/ws/generations.js';

/** What the handshake saw: the engine itself (0.4) or a gateway (0.5/0.6). */
export type PieServerKind = 'engine' | 'gateway';

const DESCRIBE: Record<PieServerKind, string> = { engine: 'a Pie 0.4 engine', gateway: 'a Pie gateway (0.5/0.6)' };

/**
 * The generation a client speaks: the one it was told, or (with `'auto'`) the one each
 * handshake finds. A gateway cannot say whether it is 0.5 or 0.6 before an upload, so
 * `auto` assumes 0.5 and learns 0.6 from an `add_program` reply (`learn('0.6')`); until
 * then uploads carry both vocabularies (dialect `'gateway'`).
 *
 * @example
 * ```ts
 * import { PieGenerationTracker } from 'flame-pie-rx/pie';
 * const tracker = new PieGenerationTracker('auto');
 * tracker.found('gateway', "auth_identify answered 'Already authenticated'");
 * tracker.generation; // => '0.5'
 * tracker.dialect; // => 'gateway'
 * ```
 */
export class PieGenerationTracker {
  private kind: PieServerKind | undefined;
  private learnt06 = false;

  constructor(readonly requested: PieGenerationOption) {
    if (requested !== 'auto') this.kind = requested === '0.4' ? 'engine' : 'gateway';
  }

  /** The generation spoken now; `undefined` with `auto` before the first handshake. */
  get generation(): PieGeneration | undefined {
    if (this.requested !== 'auto') return this.requested;
    if (this.kind === undefined) return undefined;
    if (this.kind === 'engine') return '0.4';
    return this.learnt06 ? '0.6' : '0.5';
  }

  /** The wire table messages are shaped by; `undefined` while nothing is known. */
  get dialect(): PieWireDialect | undefined {
    if (this.requested !== 'auto') return this.requested;
    if (this.kind === undefined) return undefined;
    if (this.kind === 'engine') return '0.4';
    return this.learnt06 ? '0.6' : 'gateway';
  }

  /** Whether 0.5 vs 0.6 is still a guess (an `auto` client on a gateway before an upload). */
  get assumed(): boolean {
    return this.requested === 'auto' && this.kind === 'gateway' && !this.learnt06;
  }

  /**
   * Records what a handshake found. With a fixed generation, the other kind of server
   * throws `PieGenerationError` naming what answered.
   *
   * @example
   * ```ts
   * new PieGenerationTracker('0.5').found('engine', 'auth_identify answered a challenge'); // throws PieGenerationError
   * ```
   */
  found(kind: PieServerKind, evidence: string): void {
    if (this.requested !== 'auto') {
      const expected: PieServerKind = this.requested === '0.4' ? 'engine' : 'gateway';
      if (kind !== expected) throw new PieGenerationError({ expected: this.requested, found: DESCRIBE[kind], evidence });
      return;
    }
    if (kind !== this.kind) this.learnt06 = false;
    this.kind = kind;
  }

  /**
   * Records a generation learnt from a reply (`'0.6'` from an `add_program` answered with a
   * program id). Ignored unless the client is `auto` on a gateway.
   *
   * @example
   * ```ts
   * tracker.learn('0.6');
   * ```
   */
  learn(generation: '0.6'): void {
    if (this.requested === 'auto' && this.kind === 'gateway' && generation === '0.6') this.learnt06 = true;
  }
}

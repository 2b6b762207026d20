/**
 * Reference-counted pause: `pause` runs when the first holder asks, `resume` when the last
 * one lets go, so several slow consumers of one connection cannot resume each other early.
 *
 * @example
 * ```ts
 * const gate = new PauseGate(() => connection.pause(), () => connection.resume());
 * const release = gate.hold(); // pauses
 * release(); // resumes
 * ```
 */
export class PauseGate {
  private holders = 0;

  constructor(
    private readonly pause: () => void,
    private readonly resume: () => void,
  ) {}

  /** Takes one hold; returns the function that gives it back (idempotent). */
  hold(): () => void {
    this.holders++;
    if (this.holders === 1) this.pause();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders--;
      if (this.holders === 0) this.resume();
    };
  }

  /** Whether any holder is pausing reads now. */
  get paused(): boolean {
    return this.holders > 0;
  }
}

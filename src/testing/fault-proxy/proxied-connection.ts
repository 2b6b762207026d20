import type { Socket } from 'node:net';
import { Lane, type LaneFaults } from './lane.js';

/** What a connection needs from its proxy. */
export interface ConnectionHooks {
  readonly faults: () => LaneFaults;
  /** Bytes forwarded, `up` = client → target. */
  readonly counted: (up: boolean, bytes: number) => void;
  /** Either socket closed: the connection is over. */
  readonly ended: () => void;
}

/** One client connection and its upstream socket, forwarded through two lanes. */
export class ProxiedConnection {
  readonly #up: Lane;
  readonly #down: Lane;
  #budget: number | undefined = undefined;
  #onCut: (() => void) | undefined = undefined;
  #over = false;

  constructor(
    private readonly client: Socket,
    private readonly upstream: Socket,
    private readonly hooks: ConnectionHooks,
  ) {
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const written = (): void => this.#cutIfSpent();
    this.#up = new Lane(client, upstream, hooks.faults, (bytes) => this.#admit(true, bytes), written);
    this.#down = new Lane(upstream, client, hooks.faults, (bytes) => this.#admit(false, bytes), written);
    for (const socket of [client, upstream]) {
      socket.on('error', () => undefined);
      // A FIN from one side is passed on as a FIN (the other side may still answer); a
      // close or reset of either ends both.
      socket.on('end', () => (socket === client ? upstream : client).end());
      socket.on('close', () => this.destroy('rst'));
    }
  }

  stall(): void {
    this.#up.stall();
    this.#down.stall();
  }

  cutAfter(bytes: number, onCut: () => void): void {
    this.#budget = bytes;
    this.#onCut = onCut;
    if (bytes === 0) setImmediate(onCut);
  }

  destroy(mode: 'rst' | 'fin'): void {
    if (this.#over) return;
    this.#over = true;
    this.#up.close();
    this.#down.close();
    for (const socket of [this.client, this.upstream]) {
      if (mode === 'fin') {
        socket.end();
        socket.setTimeout(1000, () => socket.destroy());
      } else if (!socket.destroyed) {
        if (socket.connecting || typeof socket.resetAndDestroy !== 'function') socket.destroy();
        else socket.resetAndDestroy();
      }
    }
    this.hooks.ended();
  }

  /** After a write has gone out: a spent budget kills the connection (once its bytes left). */
  #cutIfSpent(): void {
    if (this.#budget !== 0 || !this.#onCut) return;
    const cut = this.#onCut;
    this.#onCut = undefined;
    // Not from inside the write callback: a reset issued there goes out as a FIN.
    setTimeout(cut, 1);
  }

  #admit(up: boolean, bytes: number): number {
    let allowed = bytes;
    if (this.#budget !== undefined) {
      allowed = Math.min(bytes, this.#budget);
      this.#budget -= allowed;
    }
    this.hooks.counted(up, allowed);
    return allowed;
  }
}
